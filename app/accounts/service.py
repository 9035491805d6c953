"""Creating API tokens (the API checks them in app.api.auth)."""

from __future__ import annotations

import secrets

from app.extensions import db
from app.models import ApiToken, User


def create_api_token(user: User, name: str) -> str:
    """Add a token for USER to the session and return its secret (stored only as a hash)."""
    token = "yp_" + secrets.token_urlsafe(32)
    db.session.add(ApiToken(user_id=user.id, name=name[:80], token_hash=ApiToken.hash(token)))
    return token
