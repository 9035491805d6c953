"""Media servers in Redis: who is alive, how loaded, and which one holds each room.

A media-server process is one event loop, so its ceiling is one core: a deployment runs
several, and they find each other (and the app finds them) here.

- ``yunpin:video:servers`` is the set of server ids; each live server keeps the hash
  ``yunpin:video:server:<id>`` (``url``, ``rooms``, ``participants``, ``cpu``: its share of
  one core over the last beat) alive with a heartbeat every :data:`HEARTBEAT_SECONDS`; the
  hash expires :data:`TTL_SECONDS` after the last beat, so a killed server drops out
  without anybody cleaning up.
- A room is placed on a server when its first offer arrives (:func:`place`): the field
  ``server`` of the room hash (:mod:`video.rooms`) names it, and the room id goes into the
  server's set ``yunpin:video:server:<id>:rooms``, whose size is the load placement
  compares. Counting placed rooms rather than measured CPU spreads a burst of new rooms at
  once, before any of them costs anything.
- A room whose server is gone is placed again on a live one; its presence set is emptied
  so that it is rebuilt from the participants who reconnect (``room.js`` re-offers with
  the same token when its connection dies).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from dataclasses import dataclass

import redis as redis_lib

from . import rooms
from .exceptions import NoMediaServer, RoomNotFound

logger = logging.getLogger(__name__)

SERVERS_KEY = "yunpin:video:servers"
HEARTBEAT_SECONDS = 1.0
"""How often a server refreshes its entry."""
TTL_SECONDS = 3
"""A server missing this many seconds of heartbeats is dead (a killed one is noticed sooner:
the app forgets a server whose port refuses connections, see :func:`forget`)."""


def server_key(server_id: str) -> str:
    return f"yunpin:video:server:{server_id}"


def placed_key(server_id: str) -> str:
    return f"yunpin:video:server:{server_id}:rooms"


def new_server_id() -> str:
    return uuid.uuid4().hex[:12]


@dataclass(frozen=True)
class Server:
    server_id: str
    url: str
    rooms: int  # rooms placed on it (the placement load)
    cpu: float  # share of one core over the last heartbeat


def _text(value) -> str:
    return value.decode() if isinstance(value, bytes) else value


def live_servers(redis) -> list[Server]:
    """Every server with a fresh heartbeat; ids whose entry expired are removed."""
    ids = sorted(_text(i) for i in redis.smembers(SERVERS_KEY))
    if not ids:
        return []
    pipe = redis.pipeline(transaction=False)
    for server_id in ids:
        pipe.hgetall(server_key(server_id))
        pipe.scard(placed_key(server_id))
    replies = pipe.execute()
    servers, dead = [], []
    for server_id, entry, placed in zip(ids, replies[::2], replies[1::2], strict=True):
        entry = {_text(k): _text(v) for k, v in entry.items()}
        if "url" not in entry:
            dead.append(server_id)
            continue
        servers.append(Server(server_id, entry["url"], placed, float(entry.get("cpu", 0))))
    for server_id in dead:
        forget(redis, server_id)
    return servers


def forget(redis, server_id: str) -> None:
    """Drop a server (it stopped, or its port refuses connections): its rooms move on their
    next offer."""
    pipe = redis.pipeline()
    pipe.srem(SERVERS_KEY, server_id)
    pipe.delete(server_key(server_id), placed_key(server_id))
    pipe.execute()


def place(redis, room_id: str) -> Server:
    """The live server holding ``room_id``, placing it on the least loaded one if it has none
    (or its server died). Raises :class:`RoomNotFound` or :class:`NoMediaServer`."""
    key = rooms.room_key(room_id)
    while True:
        servers = {s.server_id: s for s in live_servers(redis)}
        with redis.pipeline() as pipe:
            try:
                pipe.watch(key)
                if not pipe.exists(key):
                    raise RoomNotFound(room_id)
                current = pipe.hget(key, "server")
                current = _text(current) if current is not None else None
                if current in servers:
                    return servers[current]
                if not servers:
                    raise NoMediaServer("no media server is running")
                best = min(servers.values(), key=lambda s: (s.rooms, s.cpu, s.server_id))
                pipe.multi()
                pipe.hset(key, "server", best.server_id)
                pipe.sadd(placed_key(best.server_id), room_id)
                if current is not None:
                    # Moved from a dead server: presence is rebuilt as people reconnect.
                    pipe.delete(rooms.participants_key(room_id))
                pipe.execute()
            except redis_lib.WatchError:
                continue  # somebody placed it meanwhile: read their choice
        if current is not None:
            logger.info("room %s moved from dead server %s to %s", room_id, current, best.url)
        return best


def room_active(redis, server_id: str, room_id: str) -> None:
    """A server holds the room (also when an offer reached it without :func:`place`)."""
    redis.sadd(placed_key(server_id), room_id)


def room_closed(redis, server_id: str, room_id: str) -> None:
    """The room's last participant left this server: it no longer counts as load."""
    redis.srem(placed_key(server_id), room_id)


class Heartbeat:
    """Keeps one server's entry alive; :meth:`stop` removes it (clean shutdown)."""

    def __init__(self, redis, server_id: str, url: str, status) -> None:
        self.redis, self.server_id, self.url, self.status = redis, server_id, url, status
        self._task: asyncio.Task | None = None

    def beat(self, cpu: float, status: dict) -> None:
        """Write the entry (blocking: call it off the event loop)."""
        key = server_key(self.server_id)
        pipe = self.redis.pipeline()
        pipe.hset(
            key,
            mapping={
                "url": self.url,
                "rooms": status["rooms"],
                "participants": status["participants"],
                "cpu": round(cpu, 3),
                "beat_at": round(time.time(), 3),
            },
        )
        pipe.expire(key, TTL_SECONDS)
        pipe.sadd(SERVERS_KEY, self.server_id)
        pipe.execute()

    async def start(self) -> None:
        """Register now (so the server is placeable as soon as this returns), then keep beating."""
        await asyncio.to_thread(self.beat, 0.0, self.status())
        self._task = asyncio.ensure_future(self._run())

    async def _run(self) -> None:
        cpu0, t0 = time.process_time(), time.monotonic()
        while True:
            await asyncio.sleep(HEARTBEAT_SECONDS)
            cpu1, t1 = time.process_time(), time.monotonic()
            try:
                cpu = (cpu1 - cpu0) / max(t1 - t0, 1e-6)
                # status() reads the server's rooms: in the loop's thread, not the worker's.
                await asyncio.to_thread(self.beat, cpu, self.status())
            except redis_lib.RedisError as error:  # keep serving calls; retry on the next beat
                logger.warning("media-server heartbeat failed: %s", error)
            cpu0, t0 = cpu1, t1

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        with contextlib.suppress(redis_lib.RedisError):
            await asyncio.to_thread(forget, self.redis, self.server_id)
