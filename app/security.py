"""Passwords, the session user loader, signed links, what every request may carry, and
response headers."""

from __future__ import annotations

import contextlib
import functools
import secrets
from urllib.parse import urlsplit

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import Flask, Response, current_app, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from werkzeug.exceptions import BadRequest

from app.errors import DomainError
from app.extensions import db, login_manager
from app.models import SignIn, User
from app.models.accounts import digest

_hasher = PasswordHasher()


def same_site(target: str | None, default: str) -> str:
    r"""TARGET when it is a path on this site, else DEFAULT: redirects never leave the site.
    Browsers drop tabs and newlines from a URL and read ``\`` as ``/``, so ``/\t/host``
    and ``/\host`` lead to other sites; those characters are refused outright."""
    target = target or ""
    parts = urlsplit(target)
    if (
        target.startswith("/")
        and not target.startswith("//")
        and not any(c in target for c in "\\\t\r\n")
        and not parts.netloc
    ):
        return target
    return default


def hash_password(password: str) -> str:
    return _hasher.hash(password)


@functools.cache
def _unknown_account_hash() -> str:
    """Verified when no account has the email, so a wrong email takes as long as a wrong
    password and the time of a login does not tell which emails are registered."""
    return _hasher.hash("no account has this password")


def check_password(user: User | None, password: str) -> bool:
    if user is None:
        with contextlib.suppress(VerificationError, InvalidHashError):
            _hasher.verify(_unknown_account_hash(), password)
        return False
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    return True


class LinkError(DomainError):
    """A signed link that is forged, already used or too old."""

    status = 400


# What each kind of emailed link says when it no longer works: (expired, invalid or used).
LINK_REFUSALS = {
    "confirm": (
        _l("This confirmation link has expired. Log in to get a new one."),
        _l("This confirmation link is not valid."),
    ),
    "reset": (
        _l("This reset link has expired. Ask for a new one."),
        _l("This reset link is not valid or was already used."),
    ),
}


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"yunpin-{purpose}")


def make_link_token(purpose: str, user: User) -> str:
    """A token for a link in an email. It carries a fingerprint of the password hash, so a
    reset link stops working once it has been used (the hash changes)."""
    return _serializer(purpose).dumps({"uid": user.id, "pw": user.password_hash[-12:]})


def read_link_token(purpose: str, token: str, max_age: int) -> User:
    """The user a link of PURPOSE (a key of LINK_REFUSALS) names; LinkError saying why not."""
    expired, invalid = LINK_REFUSALS[purpose]
    try:
        data = _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise LinkError(expired) from exc
    except BadSignature as exc:
        raise LinkError(invalid) from exc
    user = db.session.get(User, data.get("uid")) if isinstance(data, dict) else None
    if user is None or user.password_hash[-12:] != data.get("pw"):
        raise LinkError(invalid)
    return user


def sign_in(user: User, remember: bool = False) -> None:
    """Log USER in on this browser: a new SignIn row, whose key the session (and the
    remember-me cookie) carries."""
    key = secrets.token_urlsafe(24)
    agent = (request.user_agent.string or "")[:200]
    db.session.add(SignIn(user_id=user.id, key_hash=digest(key), user_agent=agent))
    user.sign_in_key = key
    login_user(user, remember=remember)


def sign_out() -> None:
    """End this browser's sign-in: its session and any copy of its cookies stop working."""
    key = getattr(current_user, "sign_in_key", None)
    if key:
        db.session.execute(sa.delete(SignIn).where(SignIn.key_hash == digest(key)))
    logout_user()


def sign_out_everywhere(user: User, keep_current: bool = False) -> int:
    """End USER's sign-ins on every browser (a password change), or on every other one
    ("sign out other devices"); returns how many ended."""
    doomed = sa.delete(SignIn).where(SignIn.user_id == user.id)
    if keep_current and user.sign_in_key:
        doomed = doomed.where(SignIn.key_hash != digest(user.sign_in_key))
    return db.session.execute(doomed).rowcount


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """The user of a session or remember-me cookie ("<id>:<sign-in key>"), while that
    sign-in has not been ended."""
    number, _sep, key = user_id.partition(":")
    if not number.isdecimal() or not key:
        return None
    user = db.session.scalar(
        sa.select(User)
        .join(SignIn, SignIn.user_id == User.id)
        .where(User.id == int(number), SignIn.key_hash == digest(key))
    )
    if user is not None:
        user.sign_in_key = key
    return user


def carries_nul() -> bool:
    """Whether the request's path, query, form fields or uploaded file names hold a NUL.

    PostgreSQL refuses NUL in text (a 500 wherever the value reached a query or a row), and
    neither database gives it back through JSON in a form the API accepts. Nothing a person
    types holds one, so the whole request is refused once, here, rather than field by field.
    Other control characters stay: both databases keep them, and Word's line break (U+000B)
    arrives in pasted résumés. Lone surrogates cannot arrive: werkzeug decodes invalid UTF-8
    as U+FFFD, and the API's JSON `Text` refuses them (app/api/fields.py)."""
    values = [request.path]
    for multi in (request.args, request.form):
        for key, items in multi.lists():
            values.append(key)
            values.extend(items)
    values.extend(upload.filename or "" for upload in request.files.values())
    values.extend(request.files.keys())
    return any("\x00" in value for value in values)


def refuse_nul() -> None:
    """Answer 400 to a request carrying NUL: an error page, or problem+json under /api/."""
    if carries_nul():
        raise BadRequest(_("The request contains a NUL character, which is never valid here."))


PRIVATE = "private, no-store"
"""What a signed-in person's pages and API answers say to caches: the browser's back button
and a shared proxy must not keep someone's messages, or a token secret shown once."""


def credentialed() -> bool:
    """A request made as someone: a signed-in session or a bearer token (even a wrong one)."""
    return "Authorization" in request.headers or current_user.is_authenticated


def private_unless_static(response: Response) -> Response:
    """`Cache-Control: private, no-store` on what a credentialed request gets back, unless
    the view chose its own (open data, the event stream); static files keep their caching."""
    static = (request.endpoint or "").rpartition(".")[2] == "static"
    if not static and "Cache-Control" not in response.headers and credentialed():
        response.headers["Cache-Control"] = PRIVATE
    return response


# Every asset is served from our own origin; nothing loads from a CDN.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; "
    "style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'; "
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)


def init_app(app: Flask) -> None:
    app.before_request(refuse_nul)
    app.after_request(private_unless_static)

    @app.after_request
    def set_headers(response):
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault(
            "Permissions-Policy", "camera=(self), microphone=(self), geolocation=()"
        )
        return response
