"""Registration, log-in, confirmation and reset, through the pages and a real RQ worker."""

from __future__ import annotations

import re
import time
from urllib.parse import quote

import pytest
from sqlalchemy import func, select

from app import create_app
from app.accounts.service import create_api_token, revoke
from app.dev.routes import read_outbox
from app.extensions import db
from app.models import ApiToken, AuditEntry, Role, User
from app.security import make_link_token
from tests import factories
from tests.concurrency import posted_at_once
from tests.conftest import base_config
from tests.web import csrf_token, login, post_form, sign_out

LINK = re.compile(r"https?://\S+")


def register(client, email="new@example.com", password="s3cret-pass", role="seeker"):
    return post_form(
        client,
        "/auth/register",
        {
            "name": "张三",
            "email": email,
            "password": password,
            "confirm": password,
            "role": role,
            "accept_privacy": "y",
        },
    )


def outbox_links(app) -> list[str]:
    return [LINK.search(message["body"]).group(0) for message in reversed(read_outbox())]


def test_register_confirm_and_log_in(app, client, worker):
    response = register(client, email="New@Example.com")
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "new@example.com"))
    assert user.role == Role.SEEKER and user.email_confirmed_at is None
    assert user.password_hash.startswith("$argon2")
    assert worker() == 1  # the confirmation mail went through the queue
    (link,) = outbox_links(app)
    assert client.get(link.replace("http://yunpin.test", "")).status_code == 302
    db.session.refresh(user)
    assert user.email_confirmed_at is not None
    sign_out(client)
    assert login(client, "new@example.com", "s3cret-pass").status_code == 302
    assert "/auth/login" not in client.get("/resumes/mine").headers.get("Location", "")


def test_registering_an_address_that_has_an_account_answers_the_same_and_tells_its_owner(
    app, client, worker
):
    """Finding 8 of issue #12: registration said "already exists"."""
    first = register(client)
    assert worker() == 1  # the confirmation
    again = register(client, email="NEW@example.com", password="another-pass")
    assert (again.status_code, again.headers["Location"]) == (
        first.status_code,
        first.headers["Location"],
    )
    assert (
        client.get(again.headers["Location"])
        .get_data(as_text=True)
        .count("We sent a message to new@example.com")
        == 1
    )
    assert db.session.scalar(select(func.count()).select_from(User)) == 1
    assert worker() == 1
    message = read_outbox()[0]
    assert message["to"] == "new@example.com" and "already" in message["subject"]
    assert "/auth/reset/" in message["body"] and "/auth/login" in message["body"]
    assert login(client, "new@example.com", "another-pass").status_code == 401


def test_bad_registration_input_is_explained_not_saved(client):
    response = post_form(
        client,
        "/auth/register",
        {
            "name": "",
            "email": "not-an-email",
            "password": "short",
            "confirm": "other",
            "role": "admin",
        },
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Enter a valid email address." in page or "有效" in page
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_wrong_password_fails_without_saying_which_part(client):
    factories.user(email="a@example.com")
    db.session.commit()
    wrong = login(client, "a@example.com", "nope-nope")
    unknown = login(client, "b@example.com", "nope-nope")
    assert wrong.status_code == unknown.status_code == 401


def test_reset_password_link_works_once(app, client, worker):
    user = factories.user(email="a@example.com")
    db.session.commit()
    post_form(client, "/auth/forgot", {"email": "a@example.com"})
    post_form(client, "/auth/forgot", {"email": "nobody@example.com"})  # same answer, no mail
    assert worker() == 1
    (link,) = outbox_links(app)
    path = link.replace("http://yunpin.test", "")
    response = post_form(client, path, {"password": "brand-new-pass", "confirm": "brand-new-pass"})
    assert response.status_code == 302
    assert login(client, "a@example.com", "brand-new-pass").status_code == 302
    client.post("/auth/logout", data={"csrf_token": csrf_token(client, "/")})
    reused = client.get(path)
    assert reused.status_code == 400
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == "user.password_reset")
        )
        == 1
    )
    assert user.id


def test_expired_and_tampered_links_are_refused(app, client):
    user = factories.user()
    db.session.commit()
    token = make_link_token("reset", user)
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert client.get(f"/auth/reset/{tampered}").status_code == 400
    assert client.get(f"/auth/confirm/{token}").status_code == 400  # wrong purpose
    app.config["TOKEN_MAX_AGE_RESET"] = 0
    time.sleep(1.1)
    response = client.get(f"/auth/reset/{token}")
    assert response.status_code == 400
    assert "expired" in response.get_data(as_text=True) or "过期" in response.get_data(as_text=True)


def test_forms_without_csrf_token_are_rejected(client):
    factories.user(email="a@example.com")
    db.session.commit()
    response = client.post(
        "/auth/login", data={"email": "a@example.com", "password": factories.PASSWORD}
    )
    assert response.status_code == 400
    forged = client.post(
        "/auth/login",
        data={"email": "a@example.com", "password": factories.PASSWORD, "csrf_token": "forged"},
    )
    assert forged.status_code == 400


def test_login_is_rate_limited(database_uri, tmp_path):
    limited = create_app({**base_config(tmp_path, database_uri), "RATELIMIT_ENABLED": True})
    client = limited.test_client()
    with limited.app_context():
        statuses = [login(client, "x@example.com", "wrong-password").status_code for _ in range(12)]
        db.session.remove()
    assert statuses[:10] == [401] * 10
    assert statuses[10:] == [429, 429]


def test_remember_me_sets_a_persistent_cookie(client):
    factories.user(email="a@example.com")
    db.session.commit()
    response = post_form(
        client,
        "/auth/login",
        {"email": "a@example.com", "password": factories.PASSWORD, "remember": "y"},
    )
    assert response.status_code == 302
    assert any(c.key == "remember_token" for c in client._cookies.values())


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "/\\evil.example/", "javascript:x"]
)
def test_next_never_leaves_the_site(client, target):
    factories.user(email="a@example.com")
    db.session.commit()
    token = csrf_token(client, "/auth/login")
    response = client.post(
        "/auth/login?next=" + quote(target),
        data={"csrf_token": token, "email": "a@example.com", "password": factories.PASSWORD},
    )
    assert response.status_code == 302
    assert response.headers["Location"] in ("/", "http://yunpin.test/")


def test_next_within_the_site_is_followed(client):
    factories.user(email="a@example.com")
    db.session.commit()
    token = csrf_token(client, "/auth/login")
    response = client.post(
        "/auth/login?next=/jobs/%3Fq%3Dx",
        data={"csrf_token": token, "email": "a@example.com", "password": factories.PASSWORD},
    )
    assert response.headers["Location"].endswith("/jobs/?q=x")


def test_login_is_throttled_per_account_across_addresses(database_uri, tmp_path):
    limited = create_app({**base_config(tmp_path, database_uri), "RATELIMIT_ENABLED": True})
    client = limited.test_client()
    statuses = []
    with limited.app_context():
        for n in range(22):  # a new address each time: only the account's count grows
            client.environ_base["REMOTE_ADDR"] = f"192.0.2.{n + 1}"
            statuses.append(login(client, "victim@example.com", "guess").status_code)
        db.session.remove()
    assert statuses[:20] == [401] * 20 and statuses[20:] == [429, 429]


def test_unknown_and_known_emails_cost_the_same_password_check(client, monkeypatch):
    """A wrong email verifies a password hash too, so timing does not reveal accounts."""
    from app import security

    factories.user(email="known@example.com")
    db.session.commit()
    verified = []

    class Counting:
        """The real hasher, counting verifications."""

        def __init__(self, hasher):
            self.hasher = hasher

        def verify(self, hashed, password):
            verified.append(hashed)
            return self.hasher.verify(hashed, password)

        def __getattr__(self, name):
            return getattr(self.hasher, name)

    monkeypatch.setattr(security, "_hasher", Counting(security._hasher))
    assert login(client, "known@example.com", "wrong-password").status_code == 401
    assert login(client, "unknown@example.com", "wrong-password").status_code == 401
    assert len(verified) == 2


def test_client_address_is_read_through_trusted_proxies(app, database_uri, tmp_path):
    proxied = create_app({**base_config(tmp_path, database_uri), "TRUSTED_PROXIES": 1})
    proxied.debug = True
    client = proxied.test_client()
    with proxied.app_context():
        assert client.get("/dev/outbox").status_code == 200
        outside = {"X-Forwarded-For": "192.0.2.7"}
        assert client.get("/dev/outbox", headers=outside).status_code == 404
        db.session.remove()


def cookies_of(client) -> dict[str, str]:
    cookies = {}
    for name in ("session", "remember_token"):
        cookie = client.get_cookie(name, domain="yunpin.test")
        if cookie is not None:
            cookies[name] = cookie.value
    return cookies


def browser_with(app, cookies: dict[str, str]):
    """Another browser holding copies of COOKIES (as a thief or a second device would)."""
    other = app.test_client()
    other.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    for name, value in cookies.items():
        other.set_cookie(name, value, domain="yunpin.test")
    return other


def log_in(client, remember: bool = False):
    token = csrf_token(client, "/auth/login")
    data = {"csrf_token": token, "email": "a@example.com", "password": factories.PASSWORD}
    if remember:
        data["remember"] = "y"
    assert client.post("/auth/login", data=data).status_code == 302


def test_logout_ends_copies_of_the_session_and_the_remember_cookie(app, client):
    factories.user(email="a@example.com")
    db.session.commit()
    log_in(client, remember=True)
    copied = cookies_of(client)
    assert set(copied) == {"session", "remember_token"}
    assert browser_with(app, copied).get("/settings").status_code == 200
    client.post("/auth/logout", data={"csrf_token": csrf_token(client, "/")})
    assert browser_with(app, copied).get("/settings").status_code == 302
    remembered = browser_with(app, {"remember_token": copied["remember_token"]})
    assert remembered.get("/settings").status_code == 302


def test_password_reset_and_sign_out_others_end_the_other_browsers(app, client):
    user = factories.user(email="a@example.com")
    db.session.commit()
    phone, laptop = app.test_client(), app.test_client()
    for browser in (phone, laptop, client):
        log_in(browser, remember=True)
    ended = post_form(client, "/settings/sign-out-others", {}, token_from="/settings")
    assert ended.status_code == 303
    assert client.get("/settings").status_code == 200
    assert phone.get("/settings").status_code == laptop.get("/settings").status_code == 302

    log_in(phone, remember=True)
    copied = cookies_of(phone)
    token = make_link_token("reset", user)
    new = {"password": "brand-new-pass", "confirm": "brand-new-pass"}
    assert post_form(client, f"/auth/reset/{token}", new).status_code == 302
    assert browser_with(app, copied).get("/settings").status_code == 302
    assert client.get("/settings").status_code == 302  # the reset signs everyone out


def test_password_reset_revokes_the_api_tokens(app, client):
    """Whoever knew the old password may have made a token, and a token can make more."""
    user = factories.user(email="a@example.com")
    token = create_api_token(user, "made with the old password")
    db.session.commit()
    bearer = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/me", headers=bearer).status_code == 200

    new = {"password": "brand-new-pass", "confirm": "brand-new-pass"}
    reset = post_form(client, f"/auth/reset/{make_link_token('reset', user)}", new)
    assert reset.status_code == 302
    assert client.get("/api/v1/me", headers=bearer).status_code == 401
    made = client.post("/api/v1/tokens", json={"name": "persist"}, headers=bearer)
    assert made.status_code == 401
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "user.password_reset")
    ).one()
    assert entry.data["tokens_revoked"] == 1


def test_sign_out_others_says_that_api_tokens_keep_working(app, client):
    """Sessions and API tokens are separate credentials (as on GitHub): signing out other
    devices ends the browsers' sign-ins only, and both the button and its result say so
    beside a link to the tokens, since someone who lost a phone may expect more."""
    user = factories.user(email="a@example.com", locale="en")
    tokens = [create_api_token(user, "a script"), create_api_token(user, "a phone app")]
    revoke(db.session.scalars(select(ApiToken).where(ApiToken.name == "a phone app")).one())
    db.session.commit()
    phone = app.test_client()
    log_in(phone)
    log_in(client)
    for path in ("/settings", "/settings/security"):
        page = client.get(path).get_data(as_text=True)
        assert "Programs using your API tokens stay signed in." in page
        assert 'href="/settings#api-tokens">Revoke API tokens</a>' in page

    ended = post_form(client, "/settings/sign-out-others", {}, token_from="/settings/security")
    assert (ended.status_code, ended.location) == (303, "/settings/security")
    assert phone.get("/settings").status_code == 302
    result = client.get(ended.location).get_data(as_text=True)
    assert (
        "Signed out on 1 other device. Your API token still works: programs using it stay "
        'signed in. <a href="/settings#api-tokens">Revoke API tokens</a>'
    ) in result
    live, revoked = ({"Authorization": f"Bearer {token}"} for token in tokens)
    assert client.get("/api/v1/me", headers=live).status_code == 200
    assert client.get("/api/v1/me", headers=revoked).status_code == 401


def test_sign_out_others_without_api_tokens_says_nothing_of_them(app, client):
    factories.user(email="a@example.com", locale="en")
    db.session.commit()
    log_in(client)
    ended = post_form(client, "/settings/sign-out-others", {}, token_from="/settings/security")
    assert ended.location == "/settings/security"  # back on the page of the button
    result = client.get(ended.location).get_data(as_text=True)
    assert "No other device was signed in." in result
    assert "0 other devices" not in result and "still work" not in result


def test_one_reset_link_posted_many_times_at_once_changes_the_password_once(app):
    """Found by an outside tester: 20 posts of one link at once, 14 of them "changed" the
    password (and were audited), and only one password worked. Now exactly one request
    changes it and the others are told the link was used."""
    user = factories.user(email="a@example.com")
    db.session.commit()
    path = f"/auth/reset/{make_link_token('reset', user)}"
    count = 8
    passwords = [f"new-password-{n}" for n in range(count)]

    def form(n: int, browser) -> dict:
        token = csrf_token(browser, path)
        return {"data": {"csrf_token": token, "password": passwords[n], "confirm": passwords[n]}}

    responses = posted_at_once(app, path, count, form)
    answers = {
        password: (response.status_code, response.get_data(as_text=True))
        for password, response in zip(passwords, responses, strict=True)
    }
    statuses = sorted(status for status, _page in answers.values())
    assert statuses == [302] + [400] * (count - 1)
    refused = [page for status, page in answers.values() if status == 400]
    assert all("already used" in page or "已被使用" in page for page in refused)
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == "user.password_reset")
        )
        == 1
    )
    (winner,) = [password for password, (status, _page) in answers.items() if status == 302]
    for password in answers:
        expected = 302 if password == winner else 401
        assert login(app.test_client(), "a@example.com", password).status_code == expected
