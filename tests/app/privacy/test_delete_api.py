"""DELETE /api/v1/me asks for the password, as the Settings page does: a bearer token alone
(copied from a script, a log) no longer deletes an account, and guesses are rate limited
per account as log-ins are."""

from __future__ import annotations

from datetime import timedelta

from app import create_app
from app.accounts.routes import ACCOUNT_LIMIT, AUTH_LIMIT
from app.accounts.service import create_api_token
from app.extensions import db
from app.models import AuditEntry, Role, User, utcnow
from tests import factories

PROBLEM = "application/problem+json"


def bearer(user: User) -> dict:
    token = {"Authorization": "Bearer " + create_api_token(user, "t")}
    db.session.commit()
    return token


def pending(user: User) -> bool:
    db.session.expire_all()
    return db.session.get(User, user.id).delete_after is not None


def test_the_password_is_asked_and_a_wrong_or_missing_one_deletes_nothing(app, client):
    seeker = factories.user(Role.SEEKER)
    auth = bearer(seeker)

    missing = client.delete("/api/v1/me", headers=auth, json={})
    assert (missing.status_code, missing.mimetype) == (422, PROBLEM)
    assert missing.json["errors"] == {"password": ["This field is required."]}
    no_body = client.delete("/api/v1/me", headers=auth)
    assert no_body.status_code == 415 and no_body.mimetype == PROBLEM
    wrong = client.delete("/api/v1/me", headers=auth, json={"password": "nope"})
    assert (wrong.status_code, wrong.mimetype) == (403, PROBLEM)
    assert wrong.json["detail"] == "Your password is not correct."
    padded = client.delete("/api/v1/me", headers=auth, json={"password": factories.PASSWORD + " "})
    assert padded.status_code == 403  # a password is what was typed, spaces too
    assert not pending(seeker)
    assert db.session.query(AuditEntry).filter_by(action="account.delete_request").count() == 0

    asked = client.delete("/api/v1/me", headers=auth, json={"password": factories.PASSWORD})
    assert asked.status_code == 202 and asked.json["delete_after"]
    assert pending(seeker)
    (via,) = db.session.query(AuditEntry.data).filter_by(action="account.delete_request").all()
    assert via[0]["via"] == "api"


def test_password_guesses_are_limited_per_account_and_per_address(app):
    """A token can create more tokens, and a guesser can change address: the allowance is
    the account's, across its tokens and addresses, besides the address's own."""
    limited = create_app({**app.config, "RATELIMIT_ENABLED": True}).test_client()
    seeker, other = factories.user(Role.SEEKER), factories.user(Role.SEEKER)
    tokens = [bearer(seeker) for _ in range(3)]

    def guess(n: int, password: str, auth: dict | None = None, address: str = ""):
        return limited.delete(
            "/api/v1/me",
            headers=auth or tokens[n % 3],
            json={"password": password},
            environ_base={"REMOTE_ADDR": address or f"10.0.0.{n}"},
        )

    per_account = int(ACCOUNT_LIMIT.split()[0])
    statuses = [guess(n, f"guess-{n}").status_code for n in range(per_account + 1)]
    assert statuses == [403] * per_account + [429]
    refused = guess(99, factories.PASSWORD)
    assert (refused.status_code, refused.mimetype) == (429, PROBLEM)
    assert not pending(seeker)
    assert guess(0, factories.PASSWORD, auth=bearer(other)).status_code == 202

    per_address = int(AUTH_LIMIT.split()[0])
    third = factories.user(Role.SEEKER)
    statuses = [
        guess(0, "nope", auth=bearer(third), address="10.0.1.1").status_code
        for _ in range(per_address + 1)
    ]
    assert statuses == [403] * per_address + [429]


def test_the_document_describes_the_password_and_the_refusals(client):
    operation = client.get("/api/v1/openapi.json").json["paths"]["/me"]["delete"]
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    schema = client.get("/api/v1/openapi.json").json["components"]["schemas"]
    name = body["$ref"].rsplit("/", 1)[-1]
    assert schema[name]["required"] == ["password"]
    assert {"403", "422", "429"} <= set(operation["responses"])


def test_the_grace_period_is_the_configured_one_and_the_document_names_no_other(app, client):
    """The answer's delete_after is DELETION_GRACE_DAYS away; the document points at it rather
    than saying a number of days (or hours, for an export's link) a deployment may not use."""
    app.config["DELETION_GRACE_DAYS"] = 14
    seeker = factories.user(Role.SEEKER)
    asked = client.delete(
        "/api/v1/me", headers=bearer(seeker), json={"password": factories.PASSWORD}
    )
    assert asked.status_code == 202
    db.session.expire_all()
    away = db.session.get(User, seeker.id).delete_after - utcnow()
    assert timedelta(days=14) - timedelta(minutes=1) < away <= timedelta(days=14)
    document = client.get("/api/v1/openapi.json")
    assert "delete_after" in document.json["paths"]["/me"]["delete"]["summary"]
    assert "7-day" not in document.get_data(as_text=True)
    assert "24 hours" not in document.get_data(as_text=True)
