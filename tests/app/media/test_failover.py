"""A media server dies mid-call: both browsers (room.js, Chromium with a fake camera) are back
in the call on the other server within 5 seconds, through the app's real signaling proxy.

Two real ``yunpin video serve`` processes register in the app's Redis; the room is placed on
one of them; it is killed with SIGKILL (no goodbye, no unregistering); room.js notices the
silent control channel, re-offers with the same token, and the proxy, refused by the dead
server, places the room on the live one.
"""

from __future__ import annotations

import signal
import time
from pathlib import Path

import pytest
from flask import send_file

from bench.media_servers import MediaServers
from video import registry, rooms, tokens

pytestmark = pytest.mark.browser

PAGE = Path(__file__).resolve().parents[2] / "video" / "room_page.html"
BACK_WITHIN_SECONDS = 5.0
"""The promise of issue #19: both peers receive again within 5 s of the crash."""
SETUP_TIMEOUT_MS = 60_000
"""An upper bound for the first join (Chromium start, DTLS, renegotiation on a loaded box)."""

FRAMES_DECODED = """() => window.room.pc.getStats().then((stats) => {
  let frames = 0;
  stats.forEach((r) => { if (r.type === "inbound-rtp" && r.kind === "video") frames += r.framesDecoded || 0; });
  return frames;
})"""


@pytest.fixture
def app_with_media_servers(live_server, redis_server):
    base_url, app = live_server

    def room_page():  # the test page of tests/video, same-origin with the app's proxy
        response = send_file(PAGE)
        response.headers["Content-Security-Policy"] = (
            "script-src 'self' 'unsafe-inline' 'unsafe-eval'"
        )
        return response

    app.add_url_rule("/_test/room", "test_room_page", room_page)
    servers = MediaServers(
        2, redis_server, f"unix://{redis_server.socket_file}", app.config["SECRET_KEY"]
    )
    try:
        servers.wait_registered()
        yield base_url, app, servers
    finally:
        servers.stop()


def test_calls_survive_a_killed_media_server(app_with_media_servers, browser):
    base_url, app, servers = app_with_media_servers
    redis = app.extensions["redis"]
    room = rooms.create_room(redis, kind="interview", capacity=2)
    contexts = [browser.new_context() for _ in range(2)]
    try:
        pages = {}
        for user, context in zip(("alice", "bob"), contexts, strict=True):
            token = tokens.issue_token(app.config["SECRET_KEY"], room.room_id, user, 600)
            pages[user] = context.new_page()
            pages[user].goto(f"{base_url}/_test/room?room={room.room_id}&token={token}")
        a_call_moves_when_its_server_dies(redis, servers, room, pages)
    finally:
        for context in contexts:
            context.close()


def a_call_moves_when_its_server_dies(redis, servers, room, pages) -> None:
    for user, page in pages.items():
        other = "bob" if user == "alice" else "alice"
        page.wait_for_function("window.joined || window.joinError", timeout=SETUP_TIMEOUT_MS)
        assert page.evaluate("window.joinError || null") is None
        page.wait_for_function(
            f"document.querySelector('#remote video[data-user=\"{other}\"]')?.videoWidth > 0",
            timeout=SETUP_TIMEOUT_MS,
        )

    holder = registry.place(redis, room.room_id)
    for page in pages.values():
        page.evaluate("window.pcBeforeCrash = window.room.pc")
    servers.process_at(holder.url).send_signal(signal.SIGKILL)
    killed_at = time.monotonic()

    back = {}
    while len(back) < len(pages):
        for user, page in pages.items():
            if user in back:
                continue
            reconnected = page.evaluate("window.room.pc !== window.pcBeforeCrash")
            if reconnected and page.evaluate(FRAMES_DECODED) >= 5:
                back[user] = time.monotonic() - killed_at
        elapsed = time.monotonic() - killed_at
        assert elapsed < BACK_WITHIN_SECONDS, f"after {elapsed:.1f} s only {back} are back"
        time.sleep(0.05)

    # The room now lives on the surviving server, and presence was rebuilt there.
    moved = registry.place(redis, room.room_id)
    assert moved.url != holder.url
    assert rooms.present_users(redis, room.room_id) == {"alice", "bob"}
    events = pages["alice"].evaluate("window.events.map((e) => e.type)")
    assert "reconnecting" in events and "reconnected" in events
