"""Where the media server is, and the settings it runs with when the app embeds it.

``VIDEO_URL`` names a separate ``yunpin video serve`` process; unset, ``yunpin run`` starts
the media server in a thread on ``VIDEO_EMBEDDED_PORT`` with the app's Redis and SECRET_KEY,
so the two agree on rooms and tokens without any configuration.
"""

from __future__ import annotations

from flask import Flask

from app.redis_store import get_redis
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
    )


def media_url(app: Flask) -> str:
    """Base URL of the media server the proxy forwards to."""
    url = app.config.get("VIDEO_URL")
    if url:
        return url.rstrip("/")
    return f"http://127.0.0.1:{app.config['VIDEO_EMBEDDED_PORT']}"


def start_embedded(app: Flask):
    """Start the media server in a thread when no VIDEO_URL is configured; else None."""
    if app.config.get("VIDEO_URL"):
        return None
    from video.embedded import start_in_thread

    try:
        return start_in_thread(settings_for(app))
    except RuntimeError as error:  # e.g. the port is taken: the rest of the product still runs
        app.logger.warning("video interviews unavailable: %s", error)
        return None
