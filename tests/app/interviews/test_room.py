"""Who gets into the room: tokens only for participants, candidates only once admitted;
the scorecard is for interviewers only."""

from __future__ import annotations

import asyncio
import re

import pytest
from aiortc import RTCPeerConnection
from sqlalchemy import select

from app.extensions import db
from app.media.service import settings_for
from app.models import EmployerMember, Interview, InterviewStatus, Scorecard
from tests.web import as_user, csrf_token, post_form
from video import tokens
from video.embedded import start_in_thread

from .helpers import local_slot, propose, world

TOKEN = re.compile(r'data-token="([^"]*)"')


def scheduled(client, w) -> Interview:
    as_user(client, w["owner"])
    propose(client, w["application"].id, [local_slot(1)])
    interview = db.session.scalars(select(Interview)).one()
    as_user(client, w["candidate"])
    post_form(
        client,
        f"/video/interviews/{interview.id}/pick",
        {"slot_id": interview.slots[0].id},
        token_from=f"/video/interviews/{interview.id}",
    )
    db.session.expire_all()
    return db.session.scalars(select(Interview)).one()


def test_tokens_only_for_participants_and_candidates_wait_for_admission(app, client):
    w = world()
    interview = scheduled(client, w)
    room_url = f"/video/interviews/{interview.id}/room"
    lobby_url = f"/video/interviews/{interview.id}/lobby"

    # Outsiders (another employer's member) see nothing at all.
    as_user(client, w["outsider"])
    for url in (
        room_url,
        lobby_url,
        f"/video/interviews/{interview.id}",
        f"/video/interviews/{interview.id}/invite.ics",
    ):
        assert client.get(url).status_code == 404, url

    # The candidate's page carries no token; the lobby says "wait" and lists them as waiting.
    as_user(client, w["candidate"])
    page = client.get(room_url).get_data(as_text=True)
    assert TOKEN.search(page).group(1) == ""
    assert client.get(lobby_url).get_json() == {"admitted": False}
    assert (
        post_form(
            client, f"/video/interviews/{interview.id}/admit", {}, token_from=room_url
        ).status_code
        == 403
    )

    # An interviewer (any member, here the colleague) gets a token bound to room and user, sees who waits, admits.
    as_user(client, w["colleague"])
    page = client.get(room_url).get_data(as_text=True)
    claims = tokens.verify_token("test-secret", TOKEN.search(page).group(1), interview.room_id)
    assert claims["user"] == str(w["colleague"].id) and claims["role"] == "interviewer"
    assert client.get(lobby_url).get_json()["waiting"] == [
        {"id": w["candidate"].id, "name": "李雷"}
    ]
    response = client.post(
        f"/video/interviews/{interview.id}/admit",
        data={"csrf_token": csrf_token(client, room_url)},
        headers={"Accept": "application/json"},
    )
    assert response.get_json() == {"admitted": True}
    assert client.get(lobby_url).get_json()["waiting"] == []

    as_user(client, w["candidate"])
    state = client.get(lobby_url).get_json()
    assert state["admitted"] is True
    claims = tokens.verify_token("test-secret", state["token"], interview.room_id)
    assert claims["user"] == str(w["candidate"].id) and claims["role"] == "candidate"


def test_scorecard_is_for_interviewers_and_end_completes(app, client):
    w = world()
    interview = scheduled(client, w)
    room_url = f"/video/interviews/{interview.id}/room"
    as_user(client, w["owner"])
    response = post_form(
        client,
        f"/video/interviews/{interview.id}/scorecard",
        {"rating": "4", "recommendation": "yes", "notes": "沟通清楚", "next": "room"},
        token_from=room_url,
    )
    assert response.status_code == 303
    card = db.session.scalars(select(Scorecard)).one()
    assert (card.rating, card.recommendation, card.notes, card.application_id) == (
        4,
        "yes",
        "沟通清楚",
        w["application"].id,
    )
    bad = post_form(
        client, f"/video/interviews/{interview.id}/scorecard", {"rating": "9"}, token_from=room_url
    )
    assert bad.status_code == 422
    for rating in ("²", "1" * 5000, "0" * 10 + "4"):  # not a number int() reads, 5000 digits
        refused = post_form(
            client,
            f"/video/interviews/{interview.id}/scorecard",
            {"rating": rating},
            token_from=room_url,
        )
        assert refused.status_code == 422
    assert "沟通清楚" in client.get(f"/video/interviews/{interview.id}").get_data(as_text=True)

    as_user(client, w["candidate"])
    assert "沟通清楚" not in client.get(f"/video/interviews/{interview.id}").get_data(as_text=True)
    assert "沟通清楚" not in client.get(room_url).get_data(as_text=True)
    assert (
        post_form(
            client,
            f"/video/interviews/{interview.id}/scorecard",
            {"rating": "1"},
            token_from=room_url,
        ).status_code
        == 403
    )
    assert (
        post_form(
            client, f"/video/interviews/{interview.id}/end", {}, token_from=room_url
        ).status_code
        == 403
    )

    as_user(client, w["owner"])
    assert (
        post_form(
            client, f"/video/interviews/{interview.id}/end", {}, token_from=room_url
        ).status_code
        == 303
    )
    db.session.expire_all()
    assert db.session.get(Interview, interview.id).status == InterviewStatus.COMPLETED
    assert client.get(room_url).status_code == 404
    assert not app.extensions["redis"].exists(f"yunpin:video:room:{interview.room_id}")


async def _real_offer() -> str:
    """A complete offer as a browser makes it (aiortc: fingerprint, ICE, candidates)."""
    pc = RTCPeerConnection()
    pc.createDataChannel("control")
    pc.addTransceiver("audio")
    await pc.setLocalDescription(await pc.createOffer())
    sdp = pc.localDescription.sdp
    await pc.close()
    return sdp


@pytest.fixture()
def media(app):
    """A real media server on the app's Redis; the app's proxy sends offers to it."""
    handle = start_in_thread(settings_for(app, port=0))
    app.config["VIDEO_URL"] = handle.url
    yield handle
    handle.stop()


def test_a_removed_member_s_token_no_longer_joins(app, client, media):
    w = world()
    interview = scheduled(client, w)
    room_url = f"/video/interviews/{interview.id}/room"
    offer_url = f"/video/rooms/{interview.room_id}/offer"
    sdp = asyncio.run(_real_offer())
    as_user(client, w["colleague"])
    token = TOKEN.search(client.get(room_url).get_data(as_text=True)).group(1)
    joined = client.post(offer_url, json={"sdp": sdp, "type": "offer", "token": token})
    assert joined.status_code == 200, joined.get_json()

    as_user(client, w["owner"])
    member = db.session.scalars(
        select(EmployerMember).where(EmployerMember.user_id == w["colleague"].id)
    ).one()
    removed = post_form(
        client, f"/employers/mine/members/{member.id}/remove", {}, token_from=room_url
    )
    assert removed.status_code in (302, 303)
    refused = client.post(offer_url, json={"sdp": sdp, "type": "offer", "token": token})
    assert refused.status_code == 403 and "access" in refused.get_json()["message"]

    # An offer too big is a 413 in the contract's JSON, through the proxy too (not a 502).
    big = client.post(offer_url, data=b"x" * (2 * 1024 * 1024), content_type="application/json")
    assert (big.status_code, big.get_json()["error"]) == (413, "too_large")


def test_reschedule_closes_the_room_and_forgets_the_admission(app, client):
    w = world()
    interview = scheduled(client, w)
    old_room = interview.room_id
    lobby_url = f"/video/interviews/{interview.id}/lobby"
    redis = app.extensions["redis"]
    as_user(client, w["owner"])
    room_url = f"/video/interviews/{interview.id}/room"
    client.post(
        f"/video/interviews/{interview.id}/admit",
        data={"csrf_token": csrf_token(client, room_url)},
        headers={"Accept": "application/json"},
    )
    rescheduled = post_form(
        client,
        f"/video/interviews/{interview.id}/reschedule",
        {"slot": [local_slot(3)], "timezone": "Asia/Shanghai", "duration": "30"},
    )
    assert rescheduled.status_code == 303
    # The old room is gone, with the reason the media server tells the people still in it.
    assert not redis.exists(f"yunpin:video:room:{old_room}")
    assert redis.get(f"yunpin:video:room:{old_room}:closed") == b"rescheduled"

    # The candidate's lobby page learns why, with the way back (410, not a 404 for ever).
    as_user(client, w["candidate"])
    gone = client.get(lobby_url)
    assert gone.status_code == 410
    state = gone.get_json()
    assert state["closed"] is True and state["status"] == "proposed" and state["message"]
    assert state["url"] == f"/video/interviews/{interview.id}"

    # A new time: a new room, and the candidate waits to be admitted again.
    db.session.expire_all()
    interview = db.session.get(Interview, interview.id)
    post_form(
        client,
        f"/video/interviews/{interview.id}/pick",
        {"slot_id": interview.slots[0].id},
        token_from=f"/video/interviews/{interview.id}",
    )
    db.session.expire_all()
    interview = db.session.get(Interview, interview.id)
    assert interview.room_id not in (None, old_room)
    assert client.get(lobby_url).get_json() == {"admitted": False}

    # Ended: the lobby says so too.
    as_user(client, w["owner"])
    post_form(client, f"/video/interviews/{interview.id}/end", {}, token_from=room_url)
    as_user(client, w["candidate"])
    gone = client.get(lobby_url)
    assert (gone.status_code, gone.get_json()["status"]) == (410, "completed")
    assert redis.get(f"yunpin:video:room:{interview.room_id}:closed") == b"ended"
