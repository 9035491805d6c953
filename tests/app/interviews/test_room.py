"""Who gets into the room: tokens only for participants, candidates only once admitted;
the scorecard is for interviewers only."""

from __future__ import annotations

import re

from sqlalchemy import select

from app.extensions import db
from app.models import Interview, InterviewStatus, Scorecard
from tests.web import as_user, csrf_token, post_form
from video import tokens

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
