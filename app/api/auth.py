"""Bearer-token authentication for the API (tokens are stored hashed), and who may do what.

The role and membership checks mirror app.access for the pages: a wrong role is 403, an
object the caller may not see is 404. The decorators check before the request's input is
read and note in the OpenAPI document what they require. Tokens are created, listed and
revoked by app.accounts.service.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import timedelta
from typing import NoReturn

from flask import abort, g, request
from flask_babel import gettext as _
from sqlalchemy import select, update
from werkzeug.datastructures import WWWAuthenticate
from werkzeug.exceptions import Unauthorized

from app.api.problems import document
from app.extensions import db
from app.models import ApiToken, Employer, MemberRole, Role, User, utcnow

TOKEN_KEY = "yunpin.api_token"


def bearer() -> str | None:
    """The token in the Authorization header, or None when there is no bearer header."""
    header = request.headers.get("Authorization", "")
    scheme, _sep, token = header.partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip()


def live_token() -> ApiToken | None:
    """The request's token when it is known, not revoked and its user active; looked up once
    per request (the rate limit asks first), kept on the request rather than on `g`."""
    if TOKEN_KEY not in request.environ:
        token = bearer()
        record = None
        if token and len(token) <= 200:
            record = db.session.scalar(
                select(ApiToken).where(
                    ApiToken.token_hash == ApiToken.hash(token), ApiToken.revoked_at.is_(None)
                )
            )
        request.environ[TOKEN_KEY] = record if record is not None and record.user.active else None
    return request.environ[TOKEN_KEY]


def token_user() -> User | None:
    record = live_token()
    if record is None:
        return None
    note_use(record)
    return record.user


STAMP_EVERY = timedelta(minutes=1)
"""A token's last use is stamped at most this often: a write per API call would make every
call queue for SQLite's one write lock (measured in docs/benchmarks/chat.md)."""


def note_use(record: ApiToken) -> None:
    """Stamp the token's last use in a transaction of its own whose first statement is the
    write: a GET's transaction has read (the token) and must not write after that on SQLite
    (app/database.py)."""
    if record.last_used_at is not None and utcnow() - record.last_used_at < STAMP_EVERY:
        return
    token_id = record.id
    db.session.commit()
    db.session.execute(
        update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=utcnow())
    )
    db.session.commit()


def unauthorized() -> NoReturn:
    raise Unauthorized(
        _("A valid bearer token is required."),
        www_authenticate=WWWAuthenticate("bearer", {"realm": "yunpin"}),
    )


def token_required(view: Callable) -> Callable:
    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        g.api_user = token_user() or unauthorized()
        return view(*args, **kwargs)

    return document(wrapped, auth="required")


def token_optional(view: Callable) -> Callable:
    """Anonymous callers are welcome (public data); a token that is sent must be valid."""

    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        g.api_user = None
        if "Authorization" in request.headers:
            g.api_user = token_user() or unauthorized()
        return view(*args, **kwargs)

    return document(wrapped, auth="optional")


def require_role(*roles: Role) -> User:
    user = g.api_user
    if user.role not in roles:
        abort(403, _("Your account type cannot do that."))
    return user


def role_required(*roles: Role) -> Callable[[Callable], Callable]:
    """Decorator: a token of a user with one of ROLES (others 403)."""

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            require_role(*roles)
            return view(*args, **kwargs)

        return token_required(document(wrapped, problems=[403]))

    return decorator


def member_employer(owner_only: bool = False) -> Employer:
    """The caller's employer, as app.access.current_employer: 403 when none or not owner."""
    user = require_role(Role.EMPLOYER)
    membership = user.membership
    if membership is None or (owner_only and membership.role != MemberRole.OWNER):
        abort(
            403,
            _("Only your company's owner can do that.")
            if membership
            else _("Create your company profile first."),
        )
    return membership.employer


def rate_key() -> str:
    """Limit per account when a valid token is sent (many users may share one NAT address),
    else per address: made-up tokens must not buy a fresh allowance each, nor a second token
    a second allowance. The key is `app.extensions.per_account`'s for the same person, so a
    limit a page and an endpoint share (sending a chat message) counts them together."""
    record = live_token()
    if record is not None:
        return f"user:{record.user_id}"
    return "ip:" + (request.remote_addr or "unknown")
