"""Bearer-token authentication for the API (tokens are stored hashed)."""

from __future__ import annotations

import functools
from collections.abc import Callable

from flask import g, request
from flask_babel import gettext as _
from sqlalchemy import select

from ..errors import problem
from ..extensions import db
from ..models import ApiToken, User, utcnow


def token_user() -> User | None:
    header = request.headers.get("Authorization", "")
    scheme, _sep, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    record = db.session.scalar(
        select(ApiToken).where(
            ApiToken.token_hash == ApiToken.hash(token.strip()), ApiToken.revoked_at.is_(None)
        )
    )
    if record is None or not record.user.active:
        return None
    record.last_used_at = utcnow()
    db.session.commit()
    return record.user


def token_required(view: Callable) -> Callable:
    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        user = token_user()
        if user is None:
            response = problem(401, _("A valid bearer token is required."))
            response.headers["WWW-Authenticate"] = 'Bearer realm="yunpin"'
            return response
        g.api_user = user
        return view(*args, **kwargs)

    return wrapped
