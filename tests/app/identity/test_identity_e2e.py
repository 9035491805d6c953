"""End to end: a real media server, the app on a real port, and an aiortc peer acting out the
prompts with the synthetic face video (tests/video); the offer goes through the app's proxy
and the Finish page stores the passed result with its snapshots."""

from __future__ import annotations

import asyncio

import pytest

from app.extensions import db
from app.identity import service as identity
from app.media.service import settings_for
from app.models import IdentityCheck, IdentityState
from bench.peers import ClientPeer
from tests.app.media.test_proxy import run_in_own_loop
from tests.video.test_video_liveness import (  # noqa: F401  (short_timings is an autouse fixture)
    ScriptedAudioTrack,
    ScriptedFaceTrack,
    follow_prompts,
    short_timings,
)
from tests.web import as_user, post_form, served_on_a_port
from video.embedded import start_in_thread


@pytest.fixture
def served(app):
    """The media server (snapshots in the app's VIDEO_SNAPSHOT_DIR) and the app on real ports."""
    media = start_in_thread(settings_for(app, port=0))
    app.config["VIDEO_URL"] = media.url
    with served_on_a_port(app) as base:
        yield base
    media.stop()


def test_phone_follows_prompts_through_the_proxy_and_the_app_stores_the_result(
    app, client, people, served
):
    as_user(client, people.owner)
    assert (
        post_form(client, "/video/identity/start", {}, token_from="/video/identity").status_code
        == 303
    )
    check = db.session.query(IdentityCheck).one()
    with app.test_request_context(method="POST"):
        token = identity.token_for(check, str(people.owner.id), "subject")
    # Before the call there is nothing to store.
    page = f"/video/identity/{check.id}"
    assert post_form(client, f"{page}/finish", {}, token_from=page).status_code == 409

    # read here: the scenario's thread has no app context to load expired rows in
    owner_id, room = str(people.owner.id), check.room_id

    async def scenario():
        video, audio = ScriptedFaceTrack(), ScriptedAudioTrack()
        peer = ClientPeer(owner_id, [video, audio])
        try:
            assert await peer.join(f"{served}/video/rooms/{room}/offer", token) == 200
            final = await asyncio.wait_for(follow_prompts(peer, video, audio), 40)
            assert final["passed"] is True, final
        finally:
            await peer.close()

    run_in_own_loop(scenario())
    response = post_form(client, f"{page}/finish", {}, token_from=page)
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    db.session.refresh(check)
    assert check.state == IdentityState.CHECKED and check.result["passed"] is True
    assert {p["id"]: p["passed"] for p in check.result["prompts"]} == {
        "turn_left": True,
        "blink": True,
        "digits": True,
    }
    assert 3 <= len(check.snapshots) <= 5
    snapshot = client.get(f"{page}/snapshots/{check.snapshots[0]}")
    assert snapshot.status_code == 200 and snapshot.data[:2] == b"\xff\xd8"
    as_user(client, people.official)
    assert check.snapshots[0] in client.get(f"/officials/reviews/{people.employer.id}").get_data(
        as_text=True
    )
