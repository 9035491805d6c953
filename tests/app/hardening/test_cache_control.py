"""What a signed-in person (or a bearer token) gets back is `private, no-store`; visitors'
pages and static files keep their caching."""

from __future__ import annotations

from app.accounts.service import create_api_token
from app.extensions import db
from app.models import Role
from tests import factories
from tests.web import as_user, post_form

PRIVATE = "private, no-store"


def test_signed_in_pages_and_the_new_token_secret_are_not_stored(client):
    as_user(client, factories.user(Role.SEEKER))
    assert client.get("/settings").headers["Cache-Control"] == PRIVATE
    assert client.get("/").headers["Cache-Control"] == PRIVATE  # a public page, but personal
    created = post_form(client, "/settings/tokens", {"name": "cron"}, token_from="/settings")
    assert created.status_code == 201 and "yp_" in created.text
    assert created.headers["Cache-Control"] == PRIVATE


def test_api_answers_to_a_token_are_not_stored(client):
    token = create_api_token(factories.user(Role.SEEKER), "t")
    db.session.commit()
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200 and me.headers["Cache-Control"] == PRIVATE
    refused = client.get("/api/v1/me", headers={"Authorization": "Bearer made-up"})
    assert refused.status_code == 401 and refused.headers["Cache-Control"] == PRIVATE


def test_visitors_pages_and_static_files_keep_their_caching(client):
    for path in ("/", "/jobs/", "/api/v1/stages"):
        assert "no-store" not in client.get(path).headers.get("Cache-Control", ""), path
    as_user(client, factories.user(Role.SEEKER))
    style = client.get("/static/css/app.css")
    assert style.status_code == 200
    assert "no-store" not in style.headers.get("Cache-Control", "")
