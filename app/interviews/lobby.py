"""The waiting room: candidates wait here until an interviewer admits them.

State lives in Redis next to the room registry and expires with the room, so nothing
needs cleaning up. A candidate counts as waiting while their lobby page keeps polling.
"""

from __future__ import annotations

import time

WAITING_FRESH_SECONDS = 20
"""A waiting entry older than this means the candidate closed the page."""


def _waiting_key(room_id: str) -> str:
    return f"yunpin:video:lobby:{room_id}:waiting"


def _admitted_key(room_id: str) -> str:
    return f"yunpin:video:lobby:{room_id}:admitted"


def mark_waiting(redis, room_id: str, user_id: int, ttl_seconds: int) -> None:
    key = _waiting_key(room_id)
    pipe = redis.pipeline()
    pipe.hset(key, str(user_id), int(time.time()))
    pipe.expire(key, ttl_seconds)
    pipe.execute()


def waiting(redis, room_id: str) -> list[int]:
    """Users who polled recently and are not admitted yet."""
    now = time.time()
    admitted = {int(u) for u in redis.smembers(_admitted_key(room_id))}
    return sorted(
        int(user)
        for user, seen in redis.hgetall(_waiting_key(room_id)).items()
        if now - int(seen) <= WAITING_FRESH_SECONDS and int(user) not in admitted
    )


def admit(redis, room_id: str, user_id: int, ttl_seconds: int) -> None:
    key = _admitted_key(room_id)
    pipe = redis.pipeline()
    pipe.sadd(key, str(user_id))
    pipe.expire(key, ttl_seconds)
    pipe.execute()


def is_admitted(redis, room_id: str, user_id: int) -> bool:
    return bool(redis.sismember(_admitted_key(room_id), str(user_id)))


def clear(redis, room_id: str) -> None:
    """Forget who waited and who was admitted (the room closed: a new one starts afresh)."""
    redis.delete(_waiting_key(room_id), _admitted_key(room_id))
