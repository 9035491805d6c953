"""Room registry in Redis, shared by the Flask app (writer) and the media server (reader).

One hash per room, ``yunpin:video:room:<id>`` with fields ``kind`` (interview | identity |
adhoc), ``capacity``, ``codec``, ``created_at`` and ``expires_at`` (unix seconds); the key
itself expires at ``expires_at`` so stale rooms vanish without a sweeper. The media server
mirrors who is connected into the set ``yunpin:video:room:<id>:participants`` so the app can
show presence without talking to the media server.
"""

from __future__ import annotations

import re
import secrets
import time
from dataclasses import dataclass

from .exceptions import RoomNotFound
from .settings import DEFAULT_CODEC, DEFAULT_MAX_PARTICIPANTS, SUPPORTED_CODECS

KEY_PREFIX = "yunpin:video:room:"
ROOM_ID_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
"""Room ids are URL-safe slugs (``secrets.token_urlsafe`` or a caller's own)."""
KINDS = ("interview", "identity", "adhoc")
DEFAULT_TTL_SECONDS = 4 * 3600


def room_key(room_id: str) -> str:
    return f"{KEY_PREFIX}{room_id}"


def participants_key(room_id: str) -> str:
    return f"{KEY_PREFIX}{room_id}:participants"


@dataclass(frozen=True)
class Room:
    room_id: str
    kind: str
    capacity: int
    codec: str
    created_at: int
    expires_at: int


def create_room(
    redis,
    room_id: str | None = None,
    kind: str = "adhoc",
    capacity: int = DEFAULT_MAX_PARTICIPANTS,
    ttl_seconds: int = DEFAULT_TTL_SECONDS,
    codec: str = DEFAULT_CODEC,
) -> Room:
    """Create (or overwrite) a room and return it. ``room_id`` defaults to a random slug."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}")
    if capacity < 1:
        raise ValueError("capacity must be >= 1")
    codec = codec.upper()
    if codec not in SUPPORTED_CODECS:
        raise ValueError(f"codec must be one of {SUPPORTED_CODECS}")
    room_id = room_id or secrets.token_urlsafe(9)
    now = int(time.time())
    room = Room(room_id, kind, int(capacity), codec, now, now + int(ttl_seconds))
    key = room_key(room_id)
    pipe = redis.pipeline()
    pipe.delete(key)
    pipe.hset(
        key,
        mapping={
            "kind": kind,
            "capacity": room.capacity,
            "codec": codec,
            "created_at": now,
            "expires_at": room.expires_at,
        },
    )
    pipe.expireat(key, room.expires_at)
    pipe.execute()
    return room


def get_room(redis, room_id: str) -> Room:
    """Return the room or raise :class:`RoomNotFound` (unknown or expired)."""
    raw = redis.hgetall(room_key(room_id))
    if not raw:
        raise RoomNotFound(room_id)
    data = {
        (k.decode() if isinstance(k, bytes) else k): (v.decode() if isinstance(v, bytes) else v)
        for k, v in raw.items()
    }
    room = Room(
        room_id=room_id,
        kind=data.get("kind", "adhoc"),
        capacity=int(data.get("capacity", DEFAULT_MAX_PARTICIPANTS)),
        codec=data.get("codec", DEFAULT_CODEC).upper(),
        created_at=int(data.get("created_at", 0)),
        expires_at=int(data.get("expires_at", 0)),
    )
    if room.expires_at and room.expires_at < time.time():
        raise RoomNotFound(room_id)
    return room


def delete_room(redis, room_id: str) -> None:
    redis.delete(room_key(room_id), participants_key(room_id))


def set_present(redis, room_id: str, user_id: str, present: bool) -> None:
    """Mirror presence into Redis (best effort: the media server's memory is authoritative)."""
    key = participants_key(room_id)
    if present:
        pipe = redis.pipeline()
        pipe.sadd(key, user_id)
        pipe.expire(key, DEFAULT_TTL_SECONDS)
        pipe.execute()
    else:
        redis.srem(key, user_id)


def present_users(redis, room_id: str) -> set[str]:
    return {
        u.decode() if isinstance(u, bytes) else u for u in redis.smembers(participants_key(room_id))
    }
