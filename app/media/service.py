"""Where the media servers are, how `yunpin run` starts them, and the settings they share.

Media servers register themselves in Redis (:mod:`video.registry`); the signaling proxy sends
each room's offers to the server the room is placed on. Three ways to run them:

- ``yunpin run`` starts ``VIDEO_PROCESSES`` media-server processes (default: one per core;
  each is one event loop, so its ceiling is one core) with the app's Redis and SECRET_KEY:
  :func:`media_server_commands` gives their command lines.
- ``VIDEO_PROCESSES=0``: the deployment runs ``yunpin video serve`` itself (other machines,
  its own supervisor), pointed at the same Redis; they are found through the registry.
- ``VIDEO_URL``: one fixed media server, no registry (a single server, or tests).
"""

from __future__ import annotations

import os

from flask import Flask

from app.redis_store import get_redis
from video import registry
from video.settings import VideoSettings

MAX_PARTICIPANTS = 4
"""An interview is the candidate plus up to three of the employer's people."""


def settings_for(app: Flask, port: int | None = None) -> VideoSettings:
    """Media-server settings sharing the app's Redis, secret and ICE servers."""
    return VideoSettings(
        secret=app.config["SECRET_KEY"],
        redis=get_redis(app),
        host="127.0.0.1",
        port=app.config["VIDEO_EMBEDDED_PORT"] if port is None else port,
        ice_servers=list(app.config.get("VIDEO_ICE_SERVERS") or []),
        max_participants=MAX_PARTICIPANTS,
        snapshot_dir=app.config["VIDEO_SNAPSHOT_DIR"],
        broadcast_dir=app.config["BROADCAST_DIR"],
        broadcast_stale_seconds=app.config["BROADCAST_STALE_SECONDS"],
    )


def media_process_count(app: Flask) -> int:
    """How many media-server processes `yunpin run` starts (0: they run elsewhere)."""
    if app.config.get("VIDEO_URL"):
        return 0
    configured = app.config.get("VIDEO_PROCESSES")
    return (os.cpu_count() or 1) if configured is None else configured


def media_server_commands(app: Flask) -> list[list[str]]:
    """The arguments after ``yunpin`` of each media-server process `yunpin run` supervises:
    ``video serve`` on consecutive loopback ports from ``VIDEO_EMBEDDED_PORT``. Each registers
    in Redis, so the ports only need to be free, not known to anybody."""
    base = app.config["VIDEO_EMBEDDED_PORT"]
    return [
        ["video", "serve", "--host", "127.0.0.1", "--port", str(base + i if base else 0)]
        for i in range(media_process_count(app))
    ]


def server_for_room(app: Flask, room_id: str) -> str:
    """Base URL of the media server holding ``room_id`` (placing the room if it has none).

    Raises :class:`video.exceptions.RoomNotFound` or :class:`video.exceptions.NoMediaServer`.
    """
    fixed = app.config.get("VIDEO_URL")
    if fixed:
        return fixed.rstrip("/")
    return registry.place(get_redis(app), room_id).url


def forget_server(app: Flask, url: str) -> None:
    """The server at ``url`` refused a connection: drop it so its rooms move on."""
    if app.config.get("VIDEO_URL"):
        return
    redis = get_redis(app)
    for server in registry.live_servers(redis):
        if server.url == url:
            registry.forget(redis, server.server_id)


def media_url(app: Flask, room_id: str | None = None) -> str:
    """Base URL of the media server for ``room_id`` (see :func:`server_for_room`); without a
    room, the fixed ``VIDEO_URL`` or the in-thread server's port."""
    if room_id is not None:
        return server_for_room(app, room_id)
    url = app.config.get("VIDEO_URL")
    if url:
        return url.rstrip("/")
    return f"http://127.0.0.1:{app.config['VIDEO_EMBEDDED_PORT']}"
