"""The company profile form and colleagues joining by emailed invitation."""

from __future__ import annotations

import re

from sqlalchemy import select

from app.dev.routes import read_outbox
from app.employers import credit_code
from app.extensions import db
from app.models import EmployerMember, MemberInvite, MemberRole, Role, User
from tests import factories
from tests.web import as_user, csrf_token, post_form

LINK = re.compile(r"https?://\S+")


def profile(**overrides) -> dict:
    return {
        "name": "云聘科技",
        "credit_code": credit_code.make("420102", 7),
        "industry": "I",
        "size": "small",
        "region_code": "420102",
        "description": "招聘",
        **overrides,
    }


def test_credit_code_errors_are_shown_in_the_form(client):
    as_user(client, factories.user(Role.EMPLOYER))
    good = credit_code.make("420102", 7)
    for bad, message in (
        ("123", "18 characters"),
        (good[:-1] + ("0" if good[-1] != "0" else "1"), "does not match"),
        ("91420102MA4KXXXXXI", "capital letters"),
    ):
        response = post_form(client, "/employers/new", profile(credit_code=bad))
        assert response.status_code == 422
        assert message in response.get_data(
            as_text=True
        ) or 'aria-invalid="true"' in response.get_data(as_text=True)
    response = post_form(client, "/employers/new", profile(credit_code=" " + good.lower()))
    assert response.status_code == 302
    member = db.session.scalar(select(EmployerMember))
    assert member.role == MemberRole.OWNER and member.employer.credit_code == good
    assert "data-region-picker" in client.get("/employers/mine/edit").get_data(as_text=True)


def test_website_must_be_an_http_address_in_the_form_and_the_api(client):
    """A `javascript:` website would run in every reader's browser from the profile link."""
    user = as_user(client, factories.user(Role.EMPLOYER))
    for bad in ("javascript:alert(1)", "data:text/html,x", "ftp://a.example"):
        response = post_form(client, "/employers/new", profile(website=bad))
        assert response.status_code == 422, bad
    assert db.session.scalar(select(EmployerMember)) is None
    assert (
        post_form(client, "/employers/new", profile(website="https://a.example")).status_code == 302
    )

    from app.accounts.service import create_api_token

    token = create_api_token(user, "test")
    db.session.commit()
    response = client.patch(
        "/api/v1/employers/me",
        json={"website": "javascript:alert(1)"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 422 and "website" in response.get_json()["errors"]


def test_invite_new_colleague_who_registers_from_the_link(app, client, worker):
    employer = factories.employer()
    owner = as_user(client, employer.members[0].user)
    assert (
        post_form(client, "/employers/mine/members", {"email": "Li@Example.com"}).status_code == 302
    )
    assert worker() == 1
    (message,) = read_outbox()
    assert message["to"] == "li@example.com"
    link = LINK.search(message["body"]).group(0).replace("http://yunpin.test", "")

    client.post("/auth/logout", data={"csrf_token": csrf_token(client, "/")})
    assert "li@example.com" in client.get(link).get_data(as_text=True)
    assert (
        post_form(
            client, link, {"name": "李四", "password": "short", "confirm": "short"}
        ).status_code
        == 422
    )
    assert (
        post_form(
            client,
            link,
            {
                "name": "李四",
                "password": "long enough 1",
                "confirm": "long enough 1",
                "accept_privacy": "y",
            },
        ).status_code
        == 302
    )
    user = db.session.scalar(select(User).where(User.email == "li@example.com"))
    assert user.role == Role.EMPLOYER and user.membership.employer_id == employer.id
    assert user.membership.role == MemberRole.RECRUITER and user.email_confirmed_at
    assert client.get(link).status_code == 400  # used
    # A recruiter cannot manage colleagues; the owner removes the recruiter.
    assert client.get("/employers/mine/members").status_code == 403
    as_user(client, owner)
    url = f"/employers/mine/members/{user.membership.id}/remove"
    assert post_form(client, url, {}, token_from="/employers/mine/members").status_code == 302
    assert (
        db.session.scalar(select(EmployerMember).where(EmployerMember.user_id == user.id)) is None
    )
    own = f"/employers/mine/members/{owner.membership.id}/remove"
    assert post_form(client, own, {}, token_from="/employers/mine/members").status_code == 303
    assert owner.membership is not None


def test_existing_account_accepts_only_with_the_invited_address(app, client):
    employer = factories.employer()
    invited = factories.user(Role.EMPLOYER, email="wang@example.com")
    other = factories.user(Role.EMPLOYER)
    seeker = factories.user(Role.SEEKER, email="seeker@example.com")
    taken = factories.employer()
    as_user(client, employer.members[0].user)
    for email in ("seeker@example.com", taken.members[0].user.email):
        assert post_form(client, "/employers/mine/members", {"email": email}).status_code == 409
    assert (
        post_form(client, "/employers/mine/members", {"email": "wang@example.com"}).status_code
        == 302
    )
    from app.employers.members import invite_token

    invite = db.session.scalar(select(MemberInvite))
    link = f"/employers/invites/{invite_token(invite)}"
    assert client.get(link[:-3] + "abc").status_code == 400
    as_user(client, other)
    assert post_form(client, link, {}).status_code == 403
    as_user(client, invited)
    assert post_form(client, link, {}).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, invited.id).membership.employer_id == employer.id
    assert seeker.membership is None
