"""The signaling proxy on the app's port: a real aiortc peer joins through it."""

from __future__ import annotations

import asyncio
import json
import socket
import threading

import pytest
from aiortc.mediastreams import AudioStreamTrack

from app.media.service import settings_for
from bench.peers import ClientPeer, SyntheticVideoTrack
from video import registry, rooms, tokens
from video.embedded import start_in_thread


def run_in_own_loop(coro) -> None:
    """On a thread of its own: Playwright's sync API may hold a running loop in this one."""
    outcome = {}

    def target():
        try:
            asyncio.run(asyncio.wait_for(coro, 60))
        except BaseException as error:  # re-raised in the test's thread
            outcome["error"] = error

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]


@pytest.fixture
def media(live_server):
    base_url, app = live_server
    handle = start_in_thread(settings_for(app, port=0))
    app.config["VIDEO_URL"] = handle.url
    yield base_url, app
    handle.stop()


def test_aiortc_peers_join_through_the_flask_proxy(media):
    base_url, app = media
    redis = app.extensions["redis"]
    room = rooms.create_room(redis, kind="interview", capacity=2)
    url = f"{base_url}/video/rooms/{room.room_id}/offer"

    def token(user):
        return tokens.issue_token("test-secret", room.room_id, user, 300)

    async def scenario():
        alice = ClientPeer("alice", [SyntheticVideoTrack(), AudioStreamTrack()])
        bob = ClientPeer("bob", [SyntheticVideoTrack(), AudioStreamTrack()])
        carol = ClientPeer("carol", [SyntheticVideoTrack()])
        try:
            assert await alice.join(url, token("alice")) == 200
            assert await bob.join(url, token("bob")) == 200
            frames = await alice.wait_frames("bob", count=5, timeout=15)
            assert frames.last.width == 320
            await bob.wait_frames("alice", count=5, timeout=15)
            # 409 passes through unchanged: the room holds two.
            assert await carol.join(url, token("carol")) == 409
            assert carol.error["error"] == "room_full"
        finally:
            for peer in (alice, bob, carol):
                await peer.close()

    run_in_own_loop(scenario())


def test_errors_pass_through_and_a_dead_media_server_is_503(media):
    _, app = media
    client = app.test_client()
    room = rooms.create_room(app.extensions["redis"], kind="interview")
    url = f"/video/rooms/{room.room_id}/offer"
    offer = {"sdp": "v=0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\n", "type": "offer"}

    response = client.post(url, data=b"not json", content_type="application/json")
    assert response.status_code == 400 and response.get_json()["error"] == "bad_request"
    response = client.post(
        url, json={**offer, "token": tokens.issue_token("wrong-secret", room.room_id, "x", 60)}
    )
    assert response.status_code == 403 and response.get_json()["error"] == "forbidden"
    response = client.post(
        "/video/rooms/nope/offer",
        json={**offer, "token": tokens.issue_token("test-secret", "nope", "x", 60)},
    )
    assert response.status_code == 404 and response.get_json()["error"] == "room_not_found"

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        app.config["VIDEO_URL"] = f"http://127.0.0.1:{s.getsockname()[1]}"
    response = client.post(
        url, data=json.dumps({**offer, "token": "x"}), content_type="application/json"
    )
    assert response.status_code == 503 and response.get_json()["error"] == "media_unavailable"


def test_without_video_url_offers_go_to_the_server_the_room_is_placed_on(live_server):
    base_url, app = live_server
    app.config["VIDEO_URL"] = None
    redis = app.extensions["redis"]
    client = app.test_client()
    room = rooms.create_room(redis, kind="interview", capacity=2)
    offer = {"sdp": "v=0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\n", "type": "offer", "token": "x"}

    # No media server registered yet: 503, the same JSON shape as the media server's errors.
    response = client.post(f"/video/rooms/{room.room_id}/offer", json=offer)
    assert response.status_code == 503 and response.get_json()["error"] == "media_unavailable"
    assert client.post("/video/rooms/bad%20id/offer", json=offer).status_code == 400

    handle = start_in_thread(settings_for(app, port=0))  # registers itself in Redis
    try:
        response = client.post("/video/rooms/nosuchroom/offer", json=offer)
        assert response.status_code == 404 and response.get_json()["error"] == "room_not_found"
        url = f"{base_url}/video/rooms/{room.room_id}/offer"

        def token(user):
            return tokens.issue_token("test-secret", room.room_id, user, 300)

        async def scenario():
            alice = ClientPeer("alice", [SyntheticVideoTrack()])
            bob = ClientPeer("bob", [SyntheticVideoTrack()])
            try:
                assert await alice.join(url, token("alice")) == 200
                assert await bob.join(url, token("bob")) == 200
                await alice.wait_frames("bob", count=5, timeout=30)
            finally:
                for peer in (alice, bob):
                    await peer.close()

        run_in_own_loop(scenario())
        assert registry.place(redis, room.room_id).server_id == handle.sfu.server_id
    finally:
        handle.stop()
