"""The settings page creates a token (shown once) and revokes it; the API then refuses it."""

from __future__ import annotations

import re

from app.extensions import db
from app.models import Role
from tests import factories
from tests.web import as_user, csrf_token


def test_settings_page_creates_and_revokes_tokens(client):
    user = as_user(client, factories.user(Role.SEEKER))
    page = client.get("/settings")
    assert page.status_code == 200 and "API tokens" in page.get_data(as_text=True)
    created = client.post(
        "/settings/tokens", data={"csrf_token": csrf_token(client, "/settings"), "name": "script"}
    )
    assert created.status_code == 201
    secret = re.search(r'value="(yp_[^"]+)"', created.get_data(as_text=True)).group(1)
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/me", headers=headers).get_json()["id"] == user.id
    token_id = client.get("/api/v1/tokens", headers=headers).get_json()["items"][0]["id"]
    revoked = client.post(
        f"/settings/tokens/{token_id}/revoke", data={"csrf_token": csrf_token(client, "/settings")}
    )
    assert revoked.status_code == 303
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_settings_cannot_revoke_someone_elses_token(client):
    from app.accounts.service import create_api_token

    other = factories.user(Role.SEEKER)
    create_api_token(other, "theirs")
    db.session.commit()
    as_user(client, factories.user(Role.SEEKER))
    response = client.post(
        "/settings/tokens/1/revoke", data={"csrf_token": csrf_token(client, "/settings")}
    )
    assert response.status_code == 404
    empty = client.post(
        "/settings/tokens", data={"csrf_token": csrf_token(client, "/settings"), "name": ""}
    )
    assert empty.status_code == 422
