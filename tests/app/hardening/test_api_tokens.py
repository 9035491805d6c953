"""The API's allowance is per account, not per token; an account holds at most
MAX_ACTIVE_TOKENS unrevoked tokens; chat messages share one limit across the site and the API."""

from __future__ import annotations

from app import create_app
from app.accounts.service import (
    MAX_ACTIVE_TOKENS,
    REVOKED_SHOWN,
    TokenLimitError,
    create_api_token,
    revoke,
    user_tokens,
)
from app.chat import service as chat
from app.extensions import db
from app.models import ApiToken, Role, User
from tests import factories
from tests.concurrency import at_once, refusals
from tests.web import as_user, post_form


def limited_client(app, redis_server, **config):
    limited = create_app({**app.config, "RATELIMIT_ENABLED": True, **config})
    limited.extensions["redis"] = redis_server
    return limited.test_client()


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def test_an_accounts_tokens_share_one_allowance(app, redis_server):
    person, other = factories.user(Role.SEEKER), factories.user(Role.SEEKER)
    first, second = create_api_token(person, "a"), create_api_token(person, "b")
    theirs = create_api_token(other, "c")
    db.session.commit()
    client = limited_client(app, redis_server, API_RATE_LIMIT="3 per minute")

    statuses = [client.get("/api/v1/me", headers=bearer(t)).status_code for t in (first, second)]
    statuses.append(client.get("/api/v1/me", headers=bearer(first)).status_code)
    assert statuses == [200, 200, 200]
    refused = client.get("/api/v1/me", headers=bearer(second))
    assert refused.status_code == 429 and refused.mimetype == "application/problem+json"
    assert client.get("/api/v1/me", headers=bearer(theirs)).status_code == 200


def test_an_account_holds_at_most_so_many_tokens(client):
    person = factories.user(Role.SEEKER)
    secrets = [create_api_token(person, f"t{n}") for n in range(MAX_ACTIVE_TOKENS - 1)]
    db.session.commit()

    created = client.post("/api/v1/tokens", json={"name": "last"}, headers=bearer(secrets[0]))
    assert created.status_code == 201
    refused = client.post("/api/v1/tokens", json={"name": "one more"}, headers=bearer(secrets[0]))
    assert refused.status_code == 409 and refused.mimetype == "application/problem+json"
    assert "Revoke one" in refused.get_json()["detail"]

    as_user(client, person)
    page = post_form(client, "/settings/tokens", {"name": "from the page"}, token_from="/settings")
    assert page.status_code == 409 and "Revoke one" in page.text
    assert db.session.query(ApiToken).filter_by(user_id=person.id).count() == MAX_ACTIVE_TOKENS

    gone = db.session.query(ApiToken).filter_by(user_id=person.id).first()
    revoke(gone)
    db.session.commit()
    again = post_form(client, "/settings/tokens", {"name": "from the page"}, token_from="/settings")
    assert again.status_code == 201


def test_the_token_list_stays_short(client):
    """Made and revoked again and again, tokens do not grow the list without end."""
    person = factories.user(Role.SEEKER)
    for n in range(REVOKED_SHOWN + 5):
        create_api_token(person, f"old {n}")
        db.session.flush()
        revoke(db.session.query(ApiToken).filter_by(user_id=person.id, revoked_at=None).one())
    live = create_api_token(person, "live")
    db.session.commit()

    listed = client.get("/api/v1/tokens", headers=bearer(live)).get_json()["items"]
    assert len(listed) == 1 + REVOKED_SHOWN
    assert [t["name"] for t in listed if t["revoked_at"] is None] == ["live"]
    assert len(user_tokens(person)) == 1 + REVOKED_SHOWN


def test_tokens_made_at_once_never_pass_the_cap(app):
    person = factories.user(Role.SEEKER)
    for n in range(MAX_ACTIVE_TOKENS - 2):
        create_api_token(person, f"t{n}")
    db.session.commit()
    person_id = person.id

    outcomes = at_once(
        app, 5, lambda n: create_api_token(db.session.get(User, person_id), f"race {n}")
    )

    assert refusals(outcomes) == 3
    assert all(isinstance(o, TokenLimitError) for o in outcomes if not isinstance(o, str))
    assert db.session.query(ApiToken).filter_by(user_id=person_id).count() == MAX_ACTIVE_TOKENS


def test_chat_messages_from_the_site_and_the_api_share_one_limit(app, redis_server):
    candidate = factories.user(Role.SEEKER)
    factories.resume(candidate)
    owner = factories.user(Role.EMPLOYER)
    conversation, _made = chat.open_for_job(candidate, factories.job(factories.employer(owner)))
    token = create_api_token(candidate, "bot")
    owner_token = create_api_token(owner, "crm")
    db.session.commit()
    client = limited_client(app, redis_server)
    page = f"/conversations/{conversation.id}"
    api = f"/api/v1/conversations/{conversation.id}/messages"

    def from_the_site(text: str) -> int:
        headers = {"Accept": "application/json"}
        return post_form(
            client, page + "/messages", {"text": text}, page, headers=headers
        ).status_code

    def from_the_api(text: str, secret: str = token) -> int:
        return client.post(api, json={"text": text}, headers=bearer(secret)).status_code

    as_user(client, candidate)
    sent = [from_the_site(f"网页 {n}") for n in range(20)] + [
        from_the_api(f"API {n}") for n in range(10)
    ]
    assert sent == [201] * 30
    assert from_the_api("one too many") == 429
    assert from_the_site("one too many") == 429
    assert from_the_api("收到", owner_token) == 201
