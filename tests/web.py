"""Driving the app like a browser does: CSRF tokens from the page, then the form post."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def csrf_token(client: FlaskClient, url: str = "/auth/login") -> str:
    page = client.get(url).get_data(as_text=True)
    match = CSRF.search(page)
    assert match, f"no CSRF token on {url}"
    return match.group(1)


def post_form(client: FlaskClient, url: str, data: dict, token_from: str | None = None, **kwargs):
    token = csrf_token(client, token_from or url)
    return client.post(url, data={"csrf_token": token, **data}, **kwargs)


def login(client: FlaskClient, email: str, password: str):
    return post_form(client, "/auth/login", {"email": email, "password": password})


def as_user(client: FlaskClient, user):
    """Log CLIENT in as USER (committing first, so the login request sees the row)."""
    from app.extensions import db
    from tests.factories import PASSWORD

    db.session.commit()
    client.post("/auth/logout", data={"csrf_token": csrf_token(client, "/")})
    response = login(client, user.email, PASSWORD)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return user
