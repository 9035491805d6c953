"""Accounts: creating them, and their API tokens (the API checks tokens in app.api.auth)."""

from __future__ import annotations

import secrets
from typing import Any

from flask import flash
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from app import audit
from app.database import update_if
from app.errors import DomainError
from app.extensions import db
from app.models import ApiToken, Role, User, utcnow
from app.privacy.export import revoke_exports
from app.security import LINK_REFUSALS, LinkError, hash_password, sign_out_everywhere
from app.templating import current_locale


class AccountError(DomainError):
    """The account cannot be created as asked (422); the message says why."""

    status = 422


def create_user(
    name: str, email: str, password: str, role: Role, confirmed: bool = False, **audited: Any
) -> User:
    """Add and audit an account in the language of the page that registers it (the one
    chosen on the site, else the browser's): its mail is written in that language.

    CONFIRMED: the address is already proven (the person followed a link sent to it).
    """
    user = User(
        name=name.strip(),
        email=email.strip().lower(),
        password_hash=hash_password(password),
        role=role,
        locale=current_locale(),
        email_confirmed_at=utcnow() if confirmed else None,
    )
    db.session.add(user)
    try:
        db.session.flush()
    except IntegrityError:
        raise AccountError(_l("An account with this email already exists.")) from None
    audit.record("user.register", user, actor=user, **audited)
    return user


MAX_ACTIVE_TOKENS = 20
"""Tokens an account may hold unrevoked: each is a credential to keep safe, and a program
needs one, not hundreds (the settings page and `GET /api/v1/tokens` list them all)."""

REVOKED_SHOWN = 20
"""Revoked tokens listed (the most recently revoked), so their last use stays visible while
the list stays short however many were ever made."""


class TokenLimitError(DomainError):
    """The account holds MAX_ACTIVE_TOKENS unrevoked tokens already (409)."""


def create_api_token(user: User, name: str) -> str:
    """Add a token for USER to the session and return its secret (stored only as a hash);
    TokenLimitError when USER has MAX_ACTIVE_TOKENS. The account row is locked first, so
    of several requests at once no two count the same tokens (on SQLite the write lock
    does it)."""
    db.session.execute(select(User.id).where(User.id == user.id).with_for_update())
    if active_token_count(user) >= MAX_ACTIVE_TOKENS:
        raise TokenLimitError(
            _l(
                "You have %(num)d API tokens already, the most an account may hold. "
                "Revoke one you no longer use, then create the new one.",
                num=MAX_ACTIVE_TOKENS,
            )
        )
    token = "yp_" + secrets.token_urlsafe(32)
    db.session.add(ApiToken(user_id=user.id, name=name[:80], token_hash=ApiToken.hash(token)))
    return token


def active_token_count(user: User) -> int:
    """How many of USER's API tokens still work (unrevoked)."""
    return db.session.scalar(
        select(func.count())
        .select_from(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    )


def user_tokens(user: User) -> list[ApiToken]:
    """USER's unrevoked tokens and the REVOKED_SHOWN most recently revoked, newest first."""
    owned = select(ApiToken).where(ApiToken.user_id == user.id)
    active = db.session.scalars(owned.where(ApiToken.revoked_at.is_(None)))
    revoked = db.session.scalars(
        owned.where(ApiToken.revoked_at.is_not(None))
        .order_by(ApiToken.revoked_at.desc(), ApiToken.id.desc())
        .limit(REVOKED_SHOWN)
    )
    return sorted([*active, *revoked], key=lambda t: (t.created_at, t.id), reverse=True)


def revoke(token: ApiToken) -> None:
    """Stop TOKEN working from now on (kept, so its last use stays visible)."""
    if token.revoked_at is None:
        token.revoked_at = utcnow()


def revoke_all_tokens(user: User) -> int:
    """Revoke every API token of USER (a password reset or change: whoever knew the old
    password may have made one, and a token can make more); returns how many."""
    live = update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    return db.session.execute(live.values(revoked_at=utcnow())).rowcount


def reset_password(user: User, password: str) -> int:
    """Set USER's password from a reset link read a moment ago; returns how many API tokens
    were revoked. The link names the password hash it was minted for, and only the request
    that replaces that very hash uses it: of several posts of one link at once (which all
    read the old hash), exactly one UPDATE still finds it, and the others are told the link
    was used (LinkError) and change nothing."""
    if not update_if(
        db.session,
        user,
        User.password_hash == user.password_hash,
        password_hash=hash_password(password),
        # Following the link proves the address, too.
        email_confirmed_at=user.email_confirmed_at or utcnow(),
    ):
        raise LinkError(LINK_REFUSALS["reset"][1])
    # whoever knew the old password is out, with the API tokens and export links they may have
    sign_out_everywhere(user)
    revoked = revoke_all_tokens(user)
    revoke_exports(user, reason="user.password_reset")
    audit.record("user.password_reset", user, actor=user, tokens_revoked=revoked)
    return revoked


def tell_tokens_revoked(count: int) -> None:
    """Flash that COUNT tokens were revoked with the password, when there were any."""
    if count:
        flash(
            ngettext(
                "Your API token was revoked: create a new one in Settings.",
                "Your %(num)d API tokens were revoked: create new ones in Settings.",
                count,
            ),
            "info",
        )
