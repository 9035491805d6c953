"""Publisher tokens: signed, time-limited, naming one broadcast and its storage key.

The app issues the token (``yunpin broadcast create``, the go-live page); the media server
verifies it on the WHIP ``POST`` and ``DELETE``. The storage key travels inside the token, so
the media server knows which folder to write without a database: the folder name is random,
which keeps the playlists of unlisted broadcasts unguessable.
"""

from __future__ import annotations

import re
import time

from itsdangerous import BadSignature, URLSafeSerializer

from ..exceptions import TokenError, TokenExpired, TokenWrongRoom

SALT = "yunpin.video.broadcast-publisher"
"""Separates publisher tokens from room tokens and every other use of SECRET_KEY."""

STORAGE_KEY_RE = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


def issue(secret: str, broadcast_id: int | str, storage_key: str, ttl_seconds: int) -> str:
    """A token that lets its bearer publish ``broadcast_id`` for ``ttl_seconds``."""
    if not STORAGE_KEY_RE.match(storage_key):
        raise ValueError("storage key must be 8-64 of A-Z a-z 0-9 _ -")
    claims = {"b": str(broadcast_id), "k": storage_key, "exp": int(time.time()) + int(ttl_seconds)}
    return URLSafeSerializer(secret, salt=SALT).dumps(claims)


def verify(secret: str, token: str, broadcast_id: str) -> str:
    """The storage key of a valid token for ``broadcast_id``; raises :class:`TokenError`."""
    if not token:
        raise TokenError("no bearer token")
    try:
        claims = URLSafeSerializer(secret, salt=SALT).loads(token)
    except BadSignature as exc:
        raise TokenError("bad token signature") from exc
    if not isinstance(claims, dict) or not {"b", "k", "exp"} <= claims.keys():
        raise TokenError("malformed token")
    if claims["exp"] < time.time():
        raise TokenExpired("token expired")
    if claims["b"] != str(broadcast_id):
        raise TokenWrongRoom("token was issued for another broadcast")
    if not isinstance(claims["k"], str) or not STORAGE_KEY_RE.match(claims["k"]):
        raise TokenError("malformed token")
    return claims["k"]
