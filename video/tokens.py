"""Room tokens: signed, time-limited, bound to one room and one user.

The Flask app issues a token when it shows the room page; the media server verifies it on
every offer. The token is an :mod:`itsdangerous` ``URLSafeTimedSerializer`` payload signed
with the app ``SECRET_KEY`` and a fixed salt, so a token minted for another purpose with the
same key (e.g. a password-reset link) never validates here.
"""

from __future__ import annotations

import time
from typing import Any

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from .exceptions import TokenError, TokenExpired, TokenWrongRoom

SALT = "yunpin.video.room-token"
"""Salt separating room tokens from every other use of SECRET_KEY."""

ROLES = ("participant", "interviewer", "candidate", "reviewer", "subject")
"""Roles the server understands; the role is passed on in presence messages only."""


def _serializer(secret: str) -> URLSafeTimedSerializer:
    if not secret:
        raise ValueError("a non-empty secret is required to sign video tokens")
    return URLSafeTimedSerializer(secret, salt=SALT)


def issue_token(
    secret: str, room_id: str, user_id: str, ttl_seconds: int, role: str = "participant"
) -> str:
    """Return a token letting ``user_id`` join ``room_id`` for ``ttl_seconds``."""
    if ttl_seconds <= 0:
        raise ValueError("ttl_seconds must be positive")
    claims = {
        "room": str(room_id),
        "user": str(user_id),
        "role": role,
        "exp": int(time.time()) + int(ttl_seconds),
    }
    return _serializer(secret).dumps(claims)


def verify_token(secret: str, token: Any, room_id: str) -> dict:
    """Return the claims ``{"room", "user", "role", "exp"}`` of a valid token.

    Raises :class:`TokenExpired`, :class:`TokenWrongRoom` or :class:`TokenError` (bad
    signature / not a string / malformed payload). The expiry is checked against the
    ``exp`` claim, which the issuer chose, not against a server-side max age.
    """
    if not isinstance(token, str) or not token:
        raise TokenError("token missing or not a string")
    try:
        claims = _serializer(secret).loads(token)
    except SignatureExpired as exc:  # only if a max_age is ever passed
        raise TokenExpired("token expired") from exc
    except BadSignature as exc:
        raise TokenError("bad token signature") from exc
    if not isinstance(claims, dict) or not {"room", "user", "exp"} <= claims.keys():
        raise TokenError("malformed token payload")
    if claims["exp"] < time.time():
        raise TokenExpired("token expired")
    if claims["room"] != str(room_id):
        raise TokenWrongRoom("token was issued for another room")
    claims.setdefault("role", "participant")
    return claims
