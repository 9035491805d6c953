"""Room registry in Redis, shared by the Flask app (writer) and the media server (reader).

One hash per room, ``yunpin:video:room:<id>`` with fields ``kind`` (interview | identity |
adhoc), ``capacity``, ``codec``, ``created_at``, ``expires_at`` (unix seconds) and, for rooms
created with ``listed=True``, ``access=listed``; the key itself expires at ``expires_at`` so
stale rooms vanish without a sweeper. The media server mirrors who is connected into the set
``yunpin:video:room:<id>:participants`` so the app can show presence without talking to the
media server.

**Access of listed rooms.** A token is a bearer credential valid for hours, and nothing the app
does can recall it. So in a listed room a token also needs its user on the sorted set
``yunpin:video:room:<id>:access`` with a score (unix seconds) in the future: the app grants a
short lease whenever it checks, against the database, that the user still belongs in the room
(:func:`grant`), and stops renewing it when they do not (the lease runs out) or revokes it
at once (:func:`revoke`, :func:`close_room`). Every media-server process reads the same Redis,
so no process has to be told.

**Closing.** :func:`close_room` deletes the room and leaves ``…:closed`` holding the reason
for :data:`CLOSED_NOTE_SECONDS`; :func:`revoke` leaves the reason and the moment in the hash
``…:revoked`` (user → JSON). A media server reads both for its rooms once a second
(:func:`endings`) and tells the people concerned why before hanging up on them: everyone in a
closed room, a revoked user alone (:meth:`video.sfu.SFU.watch_rooms`).
"""

from __future__ import annotations

import json
import re
import secrets
import time
from dataclasses import dataclass, field

from .exceptions import AccessEnded, RoomNotFound
from .settings import DEFAULT_CODEC, DEFAULT_MAX_PARTICIPANTS, SUPPORTED_CODECS

KEY_PREFIX = "yunpin:video:room:"
ROOM_ID_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
"""Room ids are URL-safe slugs (``secrets.token_urlsafe`` or a caller's own)."""
KINDS = ("interview", "identity", "adhoc")
DEFAULT_TTL_SECONDS = 4 * 3600
CLOSED_NOTE_SECONDS = 3600
"""How long the reason a room was closed is kept: media servers read it within a second or two."""


def room_key(room_id: str) -> str:
    return f"{KEY_PREFIX}{room_id}"


def participants_key(room_id: str) -> str:
    return f"{KEY_PREFIX}{room_id}:participants"


def access_key(room_id: str) -> str:
    return f"{KEY_PREFIX}{room_id}:access"


def closed_key(room_id: str) -> str:
    return f"{KEY_PREFIX}{room_id}:closed"


def revoked_key(room_id: str) -> str:
    return f"{KEY_PREFIX}{room_id}:revoked"


@dataclass(frozen=True)
class Room:
    room_id: str
    kind: str
    capacity: int
    codec: str
    created_at: int
    expires_at: int
    listed: bool = False
    """Only users the app keeps on the access list may join (see the module's docstring)."""


def create_room(
    redis,
    room_id: str | None = None,
    kind: str = "adhoc",
    capacity: int = DEFAULT_MAX_PARTICIPANTS,
    ttl_seconds: int = DEFAULT_TTL_SECONDS,
    codec: str = DEFAULT_CODEC,
    listed: bool = False,
) -> Room:
    """Create (or overwrite) a room and return it. ``room_id`` defaults to a random slug.
    A ``listed`` room admits only tokens whose user holds a lease (:func:`grant`)."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}")
    if capacity < 1:
        raise ValueError("capacity must be >= 1")
    codec = codec.upper()
    if codec not in SUPPORTED_CODECS:
        raise ValueError(f"codec must be one of {SUPPORTED_CODECS}")
    room_id = room_id or secrets.token_urlsafe(9)
    now = int(time.time())
    room = Room(room_id, kind, int(capacity), codec, now, now + int(ttl_seconds), listed)
    key = room_key(room_id)
    fields = {
        "kind": kind,
        "capacity": room.capacity,
        "codec": codec,
        "created_at": now,
        "expires_at": room.expires_at,
    }
    if listed:
        fields["access"] = "listed"
    pipe = redis.pipeline()
    pipe.delete(key, closed_key(room_id))
    pipe.hset(key, mapping=fields)
    pipe.expireat(key, room.expires_at)
    if listed:
        pipe.expireat(access_key(room_id), room.expires_at)  # an existing list stays good
    pipe.execute()
    return room


def get_room(redis, room_id: str) -> Room:
    """Return the room or raise :class:`RoomNotFound` (unknown or expired)."""
    return _room(room_id, redis.hgetall(room_key(room_id)))


def room_for(redis, room_id: str, user_id: str) -> Room:
    """The room ``user_id`` (holding a valid token) may join now, in one round trip; raises
    :class:`RoomNotFound`, or :class:`AccessEnded` if the room is listed and the user's lease
    is missing or past."""
    pipe = redis.pipeline(transaction=False)
    pipe.hgetall(room_key(room_id))
    pipe.zscore(access_key(room_id), str(user_id))
    raw, until = pipe.execute()
    room = _room(room_id, raw)
    if room.listed and (until is None or until < time.time()):
        raise AccessEnded("your access to this room has ended")
    return room


def _room(room_id: str, raw: dict) -> Room:
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
        listed=data.get("access") == "listed",
    )
    if room.expires_at and room.expires_at < time.time():
        raise RoomNotFound(room_id)
    return room


def delete_room(redis, room_id: str) -> None:
    redis.delete(*_room_keys(room_id))


def _room_keys(room_id: str) -> tuple[str, ...]:
    return room_key(room_id), participants_key(room_id), access_key(room_id), revoked_key(room_id)


def close_room(redis, room_id: str, reason: str) -> None:
    """Delete the room and note why (``ended``, ``cancelled``, ``rescheduled``): the media
    server holding it tells the people still in it and hangs up; new offers find no room."""
    pipe = redis.pipeline()
    pipe.delete(*_room_keys(room_id))
    pipe.set(closed_key(room_id), reason, ex=CLOSED_NOTE_SECONDS)
    pipe.execute()


@dataclass(frozen=True)
class Revocation:
    reason: str
    at: float
    """When (unix seconds): whoever was let in after it, on a new lease, stays."""


@dataclass
class Endings:
    """What :func:`endings` found: rooms gone (id → reason) and users whose access was revoked
    in rooms that remain (id → user → :class:`Revocation`)."""

    closed: dict[str, str] = field(default_factory=dict)
    revoked: dict[str, dict[str, Revocation]] = field(default_factory=dict)


def endings(redis, room_ids: list[str]) -> Endings:
    """Of ``room_ids``, those that no longer exist, with why (``expired`` if nobody said), and
    the revocations in the others: one round trip, however many rooms."""
    pipe = redis.pipeline(transaction=False)
    for room_id in room_ids:
        pipe.exists(room_key(room_id))
        pipe.get(closed_key(room_id))
        pipe.hgetall(revoked_key(room_id))
    replies = pipe.execute()
    found = Endings()
    for room_id, exists, reason, revoked in zip(
        room_ids, replies[::3], replies[1::3], replies[2::3], strict=True
    ):
        if not exists:
            found.closed[room_id] = _text(reason) if reason is not None else "expired"
        elif revoked:
            found.revoked[room_id] = {
                _text(user): Revocation(**json.loads(note)) for user, note in revoked.items()
            }
    return found


def grant(redis, room_id: str, user_id: str, seconds: int, expires_at: int) -> None:
    """Let ``user_id`` join the listed room for the next ``seconds`` (a lease the app renews
    while the user still belongs there); the list itself goes with the room at ``expires_at``."""
    key = access_key(room_id)
    pipe = redis.pipeline()
    pipe.zadd(key, {str(user_id): time.time() + seconds})
    pipe.expireat(key, int(expires_at))
    pipe.execute()


def revoke(redis, room_id: str, user_id: str, reason: str) -> None:
    """End ``user_id``'s lease now and hang up their call: their next offer is refused, and the
    media server holding the room tells them ``reason`` (``removed``, ``erased``) and closes
    their connection while the others stay. The note goes with the room, or after
    :data:`CLOSED_NOTE_SECONDS` (the media server reads it within a second or two)."""
    note = json.dumps({"reason": reason, "at": time.time()})
    pipe = redis.pipeline()
    pipe.zrem(access_key(room_id), str(user_id))
    pipe.hset(revoked_key(room_id), str(user_id), note)
    pipe.expire(revoked_key(room_id), CLOSED_NOTE_SECONDS)
    pipe.execute()


def _text(value) -> str:
    return value.decode() if isinstance(value, bytes) else value


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
