"""Media servers in Redis: registration, placement on the least loaded, moving off a dead
server, and a real ``video serve`` process that leaves promptly on SIGTERM and SIGINT."""

from __future__ import annotations

import signal
import time

import pytest

from bench.media_servers import MediaServers
from video import registry, rooms
from video.exceptions import NoMediaServer, RoomNotFound

from .conftest import SECRET


def register(redis, server_id: str, url: str) -> None:
    status = {"rooms": 0, "participants": 0}
    registry.Heartbeat(redis, server_id, url, lambda: status).beat(0.0, status)


def test_rooms_are_placed_on_the_least_loaded_live_server(redis, make_room):
    with pytest.raises(NoMediaServer):
        registry.place(redis, make_room().room_id)
    register(redis, "one", "http://127.0.0.1:1")
    register(redis, "two", "http://127.0.0.1:2")
    placed = [registry.place(redis, make_room().room_id).server_id for _ in range(4)]
    assert sorted(placed) == ["one", "one", "two", "two"]  # a burst spreads before any CPU shows
    with pytest.raises(RoomNotFound):
        registry.place(redis, "no-such-room")


def test_a_room_stays_on_its_server_and_moves_when_the_server_is_gone(redis, make_room):
    register(redis, "one", "http://127.0.0.1:1")
    room = make_room()
    assert registry.place(redis, room.room_id).server_id == "one"
    rooms.set_present(redis, room.room_id, "alice", True)
    register(redis, "two", "http://127.0.0.1:2")
    assert registry.place(redis, room.room_id).server_id == "one"  # sticky while alive

    redis.delete(registry.server_key("one"))  # its heartbeat expired
    assert [s.server_id for s in registry.live_servers(redis)] == ["two"]
    assert registry.place(redis, room.room_id).server_id == "two"
    # Presence is rebuilt by the participants who reconnect to the new server.
    assert rooms.present_users(redis, room.room_id) == set()


def test_serve_registers_and_leaves_promptly_on_sigterm_and_sigint(redis, make_room):
    servers = MediaServers(2, redis, f"unix://{redis.socket_file}", SECRET)
    try:
        assert {s.url for s in servers.wait_registered()} == set(servers.urls)
        for proc, signum in zip(servers.procs, (signal.SIGTERM, signal.SIGINT), strict=True):
            stopped_at = time.monotonic()
            proc.send_signal(signum)
            assert proc.wait(timeout=10) == 0
            assert time.monotonic() - stopped_at < 5
        assert registry.live_servers(redis) == []  # unregistered, not left to expire
        assert redis.smembers(registry.SERVERS_KEY) == set()
    finally:
        servers.stop()
