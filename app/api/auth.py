"""Bearer-token authentication for the API (tokens are stored hashed), and who may do what.

The role and membership checks mirror app.access for the pages: a wrong role is 403, an
object the caller may not see is 404. Tokens are listed and revoked here for both the API
and the settings page.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from flask import g, request
from flask_babel import gettext as _
from sqlalchemy import select

from app.api.http import ApiError
from app.errors import problem
from app.extensions import db
from app.models import ApiToken, Employer, MemberRole, Role, User, utcnow


def bearer() -> str | None:
    """The token in the Authorization header, or None when there is no bearer header."""
    header = request.headers.get("Authorization", "")
    scheme, _sep, token = header.partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip()


def token_user() -> User | None:
    token = bearer()
    if not token or len(token) > 200:
        return None
    record = db.session.scalar(
        select(ApiToken).where(
            ApiToken.token_hash == ApiToken.hash(token), ApiToken.revoked_at.is_(None)
        )
    )
    if record is None or not record.user.active:
        return None
    record.last_used_at = utcnow()
    db.session.commit()
    return record.user


def _unauthorized():
    response = problem(401, _("A valid bearer token is required."))
    response.headers["WWW-Authenticate"] = 'Bearer realm="yunpin"'
    return response


def token_required(view: Callable) -> Callable:
    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        user = token_user()
        if user is None:
            return _unauthorized()
        g.api_user = user
        return view(*args, **kwargs)

    return wrapped


def token_optional(view: Callable) -> Callable:
    """Anonymous callers are welcome (public data); a token that is sent must be valid."""

    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        g.api_user = None
        if "Authorization" in request.headers:
            g.api_user = token_user()
            if g.api_user is None:
                return _unauthorized()
        return view(*args, **kwargs)

    return wrapped


def require_role(*roles: Role) -> User:
    user = g.api_user
    if user.role not in roles:
        raise ApiError(403, _("Your account type cannot do that."))
    return user


def member_employer(owner_only: bool = False) -> Employer:
    """The caller's employer, as app.access.current_employer: 403 when none or not owner."""
    user = require_role(Role.EMPLOYER)
    membership = user.membership
    if membership is None or (owner_only and membership.role != MemberRole.OWNER):
        raise ApiError(
            403,
            _("Only your company's owner can do that.")
            if membership
            else _("Create your company profile first."),
        )
    return membership.employer


def rate_key() -> str:
    """Limit per token when one is sent (many users may share one NAT address), else per IP."""
    token = bearer()
    if token:
        return "token:" + ApiToken.hash(token[:200])
    return "ip:" + (request.remote_addr or "unknown")


def user_tokens(user: User) -> list[ApiToken]:
    return list(
        db.session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == user.id)
            .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )


def revoke(token: ApiToken) -> None:
    """Stop TOKEN working from now on (kept, so its last use stays visible)."""
    if token.revoked_at is None:
        token.revoked_at = utcnow()
