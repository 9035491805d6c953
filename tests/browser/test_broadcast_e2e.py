"""A live broadcast in real browsers: an official goes live from the studio with Chromium's
fake camera (WHIP through the app to a real media server), and a second browser, at phone
size, plays the HLS stream with hls.js from the static server of the broadcast folder."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from app.broadcasts import service
from app.extensions import db
from app.media.service import settings_for
from app.models import Role, utcnow
from bench.media_servers import _free_port
from tests import factories
from video.embedded import start_in_thread

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
PLAY_TIMEOUT_MS = 60_000
"""An upper bound for the viewer's video to advance, never a wait: a loaded machine needs
seconds for ICE and DTLS and the first two segments (4 s of media)."""


def wait_until(page, expression: str, timeout_ms: int = PLAY_TIMEOUT_MS) -> None:
    """Poll EXPRESSION with page.evaluate (wait_for_function compiles a string in the page,
    which the app's Content-Security-Policy rightly forbids)."""
    deadline = time.monotonic() + timeout_ms / 1000
    while not page.evaluate(f"() => Boolean({expression})"):
        assert time.monotonic() < deadline, f"never true: {expression}"
        time.sleep(0.2)


def log_in(browser, base, email, viewport):
    context = browser.new_context(viewport=viewport, locale="en-US")
    page = context.new_page()
    page.goto(base + "/auth/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(factories.PASSWORD)
    page.locator("main button.button").click()
    page.wait_for_url(base + "/")
    return context, page


@pytest.fixture
def broadcast_stack(live_server, tmp_path):
    """The live app plus a media server and a static server sharing one broadcast folder."""
    base, app = live_server
    folder = tmp_path / "broadcasts"
    folder.mkdir()
    port = _free_port()
    storage = subprocess.Popen(
        [sys.executable, "-m", "video.broadcast.storage_server", str(folder), "--port", str(port)]
    )
    app.config["BROADCAST_DIR"] = str(folder)
    media = start_in_thread(settings_for(app, port=0))
    app.config["VIDEO_URL"] = media.url
    app.config["BROADCAST_PLAYBACK_URL"] = f"http://127.0.0.1:{port}/hls"
    yield base, app
    media.stop()
    storage.terminate()
    storage.wait(10)


@pytest.mark.browser
def test_go_live_with_the_fake_camera_and_watch_with_hls_js(browser, broadcast_stack):
    base, app = broadcast_stack
    with app.app_context():
        official = factories.user(Role.OFFICIAL, region_code="420102", email="o@example.com")
        broadcast = service.create(
            db.session,
            title="稳岗政策直播",
            starts_at=utcnow(),
            region_code="420102",
            host=official,
        )
        db.session.commit()
        broadcast_id = broadcast.id

    studio_context, studio = log_in(browser, base, "o@example.com", DESKTOP)
    studio.goto(f"{base}/broadcasts/{broadcast_id}/studio")
    studio.locator("#camera").click()
    wait_until(studio, "document.getElementById('preview').readyState >= 2")
    studio.screenshot(path=str(app.instance_path) + "/studio.png", full_page=True)
    studio.locator("#start").click()
    wait_until(studio, "document.getElementById('golive-state').textContent.includes('live')")

    viewer_context = browser.new_context(viewport=PHONE, locale="en-US")
    viewer = viewer_context.new_page()
    viewer.goto(f"{base}/broadcasts/{broadcast_id}")
    assert viewer.locator(".badge", has_text="Live").count() == 1
    wait_until(
        viewer,
        "(() => { const v = document.getElementById('video');"
        " return v.readyState >= 2 && v.currentTime > 0.5 && v.videoWidth > 0; })()",
    )
    width, height = viewer.evaluate(
        "[document.getElementById('video').videoWidth, document.getElementById('video').videoHeight]"
    )
    assert (width, height) == (640, 480)
    viewer.screenshot(path=str(app.instance_path) + "/viewer.png")

    # Audio only: the player switches to the audio playlist and keeps playing.
    viewer.locator("#audio-only").check()
    started = viewer.evaluate("document.getElementById('video').currentTime")
    wait_until(viewer, f"document.getElementById('video').currentTime > {started} + 0.5")

    studio.locator("#stop").click()
    wait_until(studio, "document.getElementById('golive-state').textContent.includes('ended')")
    deadline = time.monotonic() + 10
    with app.app_context():
        while time.monotonic() < deadline:
            db.session.expire_all()
            if db.session.get(type(broadcast), broadcast_id).status == "ended":
                break
            time.sleep(0.2)
        assert db.session.get(type(broadcast), broadcast_id).status == "ended"
    studio_context.close()
    viewer_context.close()
