"""The conversation API as a plain HTTP client uses it (issue #15's contract)."""

from __future__ import annotations

import json

from app.extensions import db
from app.models import Conversation


def open_as_seeker(api, world):
    return api("seeker").post("/conversations", json={"job_id": world.ids["java"]})


def test_open_send_read_poll(api, world):
    created = open_as_seeker(api, world)
    assert created.status_code == 201, created.json
    body = created.json
    assert {"id", "job_id", "candidate_id", "employer_id", "created_at", "unread"} <= set(body)
    assert body["job_id"] == world.ids["java"]
    assert body["candidate_id"] == world.ids["seeker"]
    assert body["employer_id"] == world.ids["employer"]
    assert body["unread"] == 0
    again = open_as_seeker(api, world)
    assert again.status_code == 200 and again.json["id"] == body["id"]

    # The employer opens the same conversation from the application.
    same = api("owner").post("/conversations", json={"application_id": world.ids["application"]})
    assert same.status_code == 200 and same.json["id"] == body["id"]

    cid = body["id"]
    sent = api("seeker").post(f"/conversations/{cid}/messages", json={"text": " 您好 <b>hi</b> "})
    assert sent.status_code == 201, sent.json
    message = sent.json
    assert set(message) >= {"id", "conversation_id", "sender_id", "text", "created_at"}
    assert message["text"] == "您好 <b>hi</b>"  # plain text, stored as written, escaped on pages
    assert message["sender_id"] == world.ids["seeker"]

    listing = api("owner").get("/conversations").json
    assert listing["items"][0]["id"] == cid and listing["items"][0]["unread"] == 1
    page = api("owner").get(f"/conversations/{cid}/messages?after=0").json
    assert [m["id"] for m in page["items"]] == [message["id"]] and page["next_cursor"] is None
    assert (
        api("owner").get(f"/conversations/{cid}/messages?after={message['id']}").json["items"] == []
    )

    read = api("owner").post(f"/conversations/{cid}/read", json={"up_to": message["id"]})
    assert read.status_code == 200 and read.json["unread"] == 0
    assert api("owner").get("/conversations").json["items"][0]["unread"] == 0


def test_only_the_two_sides_see_it(api, world):
    cid = open_as_seeker(api, world).json["id"]
    for who in ("other_seeker", "rival_owner", "official", "far_official"):
        assert api(who).get(f"/conversations/{cid}/messages").status_code == 404, who
        assert (
            api(who).post(f"/conversations/{cid}/messages", json={"text": "x"}).status_code == 404
        ), who
    assert api(None).get(f"/conversations/{cid}/messages").status_code == 401


def test_officials_read_reported_conversations_of_their_region(api, world):
    cid = open_as_seeker(api, world).json["id"]
    api("seeker").post(f"/conversations/{cid}/messages", json={"text": "pay a deposit?"})
    conversation = db.session.get(Conversation, cid)
    from app.chat import service
    from app.models import User

    service.report(conversation, db.session.get(User, world.ids["seeker"]), "asked for money")
    db.session.commit()
    assert api("official").get(f"/conversations/{cid}/messages").status_code == 200
    assert api("far_official").get(f"/conversations/{cid}/messages").status_code == 404
    # Reporting blocks: nobody sends any more; an official never sends.
    refused = api("owner").post(f"/conversations/{cid}/messages", json={"text": "?"})
    assert refused.status_code == 409
    assert (
        api("official").post(f"/conversations/{cid}/messages", json={"text": "x"}).status_code
        == 403
    )


def test_bad_input(api, world):
    cid = open_as_seeker(api, world).json["id"]
    too_long = api("seeker").post(f"/conversations/{cid}/messages", json={"text": "长" * 2001})
    assert too_long.status_code == 422
    blank = api("seeker").post(f"/conversations/{cid}/messages", json={"text": "   "})
    assert blank.status_code == 422
    assert api("seeker").post("/conversations", json={}).status_code == 422
    assert (
        api("seeker").post("/conversations", json={"job_id": world.ids["hidden_job"]}).status_code
        == 404
    )
    assert (
        api("owner")
        .post("/conversations", json={"application_id": world.ids["their_application"]})
        .status_code
        == 404
    )
    assert (
        api("seeker").post(f"/conversations/{cid}/read", json={"up_to": 999999}).status_code == 422
    )


def test_events_stream_in_a_web_thread(api, world, app):
    """GET /api/v1/events on the web port: replays what was missed after ?after=, then
    ends with the hold time (a plain client reconnects)."""
    from app.chat import events

    cid = open_as_seeker(api, world).json["id"]
    first = api("owner").post(f"/conversations/{cid}/messages", json={"text": "来面试吧"}).json
    events.HOLD_S, held = 0.5, events.HOLD_S
    try:
        response = api("seeker").get("/events?after=0", buffered=True)
    finally:
        events.HOLD_S = held
    assert response.status_code == 200
    assert response.mimetype == "text/event-stream"
    text = response.get_data(as_text=True)
    assert f"id: {first['id']}\nevent: message\n" in text
    data = json.loads(text.split("event: message\ndata: ", 1)[1].split("\n", 1)[0])
    assert data["text"] == "来面试吧" and data["conversation_id"] == cid
    assert api(None).get("/events").status_code == 401


def test_saved_searches_and_favourites(api, world):
    saved = api("seeker").post(
        "/saved-searches",
        json={"query": "Java", "filters": {"region": "420102"}, "frequency": "instant"},
    )
    assert saved.status_code == 201, saved.json
    assert saved.json["filters"] == {"region": "420102"}
    assert [s["id"] for s in api("seeker").get("/saved-searches").json["items"]] == [
        saved.json["id"]
    ]
    assert api("other_seeker").delete(f"/saved-searches/{saved.json['id']}").status_code == 404
    bad = api("seeker").post("/saved-searches", json={"filters": {"colour": "red"}})
    assert bad.status_code == 422
    assert api("seeker").delete(f"/saved-searches/{saved.json['id']}").status_code == 204

    job = world.ids["java"]
    assert api("seeker").put(f"/jobs/{job}/favourite").status_code == 200
    assert api("seeker").put(f"/jobs/{job}/favourite").status_code == 200
    assert api("seeker").put(f"/jobs/{world.ids['hidden_job']}/favourite").status_code == 404
    assert api("seeker").delete(f"/jobs/{job}/favourite").status_code == 204
    assert api("owner").put(f"/jobs/{job}/favourite").status_code == 403


def test_a_web_process_holds_few_streams_and_gives_their_slots_back(api, world, app):
    """Beyond its few slots a web process answers 503 (the stream processes hold the
    many); a stream closed before it was ever read still gives its slot back."""
    from app.chat import events

    taken = 0
    while events.try_hold():
        taken += 1
    try:
        refused = api("seeker").get("/events")
        assert refused.status_code == 503 and refused.headers["Retry-After"] == "5"
    finally:
        for _ in range(taken):
            events.let_go()
    opened = api("seeker").get("/events")  # the test client does not read it
    assert opened.status_code == 200
    opened.close()
    for _ in range(taken):
        assert events.try_hold()
    for _ in range(taken):
        events.let_go()


def test_employer_opens_from_an_invitation(api, world):
    """An employer talks to a candidate it invited, whether or not they applied yet."""
    from app.applications.service import invite
    from app.models import Job, User

    job = db.session.get(Job, world.ids["java"])
    candidate = db.session.get(User, world.ids["other_seeker"])
    invitation, _made = invite(job, candidate, db.session.get(User, world.ids["owner"]))
    db.session.commit()
    opened = api("owner").post("/conversations", json={"invitation_id": invitation.id})
    assert opened.status_code == 201, opened.json
    assert opened.json["candidate_id"] == candidate.id and opened.json["job_id"] == job.id
    again = api("owner").post("/conversations", json={"invitation_id": invitation.id})
    assert again.status_code == 200 and again.json["id"] == opened.json["id"]
    # The invited candidate sees it; another company cannot open it; two keys are refused.
    assert [c["id"] for c in api("other_seeker").get("/conversations").json["items"]] == [
        opened.json["id"]
    ]
    assert (
        api("rival_owner").post("/conversations", json={"invitation_id": invitation.id}).status_code
        == 404
    )
    both = {"invitation_id": invitation.id, "application_id": world.ids["application"]}
    assert api("owner").post("/conversations", json=both).status_code == 422
    assert (
        api("seeker").post("/conversations", json={"invitation_id": invitation.id}).status_code
        == 422
    )


def test_a_client_sees_who_blocked(api, world, app):
    """A block is set on the conversation's page; the API says it stands and whose it is, so a
    client need not learn of it from a refused send."""
    from app.chat import service
    from app.models import User

    cid = open_as_seeker(api, world).json["id"]
    first = api("seeker").get("/conversations").json["items"][0]
    assert (first["blocked"], first["blocked_by_you"]) == (False, False)
    with app.app_context():
        conversation = db.session.get(Conversation, cid)
        service.block(conversation, db.session.get(User, world.ids["seeker"]))
        db.session.commit()
    seeker = api("seeker").get("/conversations").json["items"][0]
    owner = api("owner").get("/conversations").json["items"][0]
    assert (seeker["blocked"], seeker["blocked_by_you"]) == (True, True)
    assert (owner["blocked"], owner["blocked_by_you"]) == (True, False)
    reopened = api("owner").post(
        "/conversations", json={"application_id": world.ids["application"]}
    )
    assert (reopened.json["blocked"], reopened.json["blocked_by_you"]) == (True, False)
    refused = api("owner").post(f"/conversations/{cid}/messages", json={"text": "在吗"})
    assert refused.status_code == 409
