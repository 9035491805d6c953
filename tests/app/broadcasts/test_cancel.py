"""Cancelling or moving a scheduled broadcast: who may, when it is refused, what viewers
then see and hear; and the officials' list in pages."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from app.broadcasts import service
from app.extensions import db
from app.models import (
    AuditEntry,
    Broadcast,
    BroadcastStatus,
    Notification,
    Role,
    User,
    utcnow,
)
from tests import factories
from tests.web import as_user, post_form

# 10:00 on 2 December, Beijing time.
STARTS_AT = datetime(2026, 12, 2, 2, 0)


@pytest.fixture
def briefing(app):
    host = factories.user(Role.OFFICIAL, region_code="420102", email="host@example.com")
    broadcast = service.create(
        db.session, title="稳岗补贴解读", starts_at=STARTS_AT, region_code="420102", host=host
    )
    db.session.commit()
    return broadcast


def cancel(client, broadcast: Broadcast):
    return post_form(
        client,
        f"/broadcasts/{broadcast.id}/cancel",
        {},
        token_from=f"/broadcasts/{broadcast.id}",
    )


def test_the_host_cancels_and_those_reminded_are_told(app, client, worker, briefing):
    reminded = factories.user(Role.SEEKER, region_code="420102", email="r@example.com")
    bystander = factories.user(Role.SEEKER, region_code="420102", email="b@example.com")
    as_user(client, reminded)
    post_form(client, f"/broadcasts/{briefing.id}/remind", {}, token_from="/")

    as_user(client, db.session.get(User, briefing.host_id))
    studio = client.get(f"/broadcasts/{briefing.id}/studio").get_data(as_text=True)
    assert f'action="/broadcasts/{briefing.id}/cancel"' in studio
    response = cancel(client, briefing)
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Broadcast, briefing.id).status == BroadcastStatus.CANCELLED
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "broadcast.cancel"))
    assert entry.actor_id == briefing.host_id and entry.object_id == str(briefing.id)
    studio = client.get(f"/broadcasts/{briefing.id}/studio").get_data(as_text=True)
    assert 'id="golive"' not in studio and "can no longer go live" in studio

    # The worker tells those who asked (in the app, then by mail), nobody else.
    assert worker() == 2
    notes = db.session.scalars(sa.select(Notification)).all()
    assert [(n.user_id, n.kind) for n in notes] == [(reminded.id, "broadcast_cancelled")]
    assert notes[0].params == {"title": "稳岗补贴解读", "when": "2026-12-02 10:00"}
    assert notes[0].link == f"/broadcasts/{briefing.id}"

    # The public page says so and has no player, no reminder, no question form.
    as_user(client, bystander)
    page = client.get(f"/broadcasts/{briefing.id}").get_data(as_text=True)
    assert 'id="cancelled"' in page and "was cancelled and will not take place" in page
    assert 'id="player"' not in page and "/remind" not in page and 'id="ask"' not in page
    assert 'id="questions"' not in page  # nobody asked before it was called off
    assert "稳岗补贴解读" not in client.get("/broadcasts/").get_data(as_text=True)
    late = post_form(client, f"/broadcasts/{briefing.id}/remind", {}, token_from="/")
    assert late.status_code == 409
    asked = post_form(client, f"/broadcasts/{briefing.id}/questions", {"body": "还办吗？"})
    assert asked.status_code == 409

    # The publisher's token still works for 24 h, but nothing goes live any more.
    whip = client.post(
        f"/broadcasts/{briefing.id}/whip",
        data=b"v=0\r\n",
        headers={"Content-Type": "application/sdp", "Authorization": "Bearer x"},
    )
    assert whip.status_code == 409 and b"cancelled" in whip.data
    briefing = db.session.get(Broadcast, briefing.id)
    assert not service.went_live(db.session, briefing)
    service.send_reminders(briefing)  # a reminder job left over never fires for it
    db.session.commit()
    assert worker() == 1
    db.session.expire_all()
    assert db.session.get(Broadcast, briefing.id).status == BroadcastStatus.CANCELLED
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Notification)) == 1


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 302),  # to the login page
        ("seeker", 404),
        ("employer", 404),
        ("official_elsewhere", 404),  # 江汉区 does not cover 江岸区
        ("official_below", 404),  # a street office inside it is not its host either
        ("official_above", 303),  # 武汉市 covers 江岸区
        ("admin", 303),
    ],
)
def test_only_the_host_and_officials_above_may_cancel(app, client, briefing, who, status):
    users = {
        "seeker": factories.user(Role.SEEKER, region_code="420102"),
        "employer": factories.user(Role.EMPLOYER),
        "official_elsewhere": factories.user(Role.OFFICIAL, region_code="420103"),
        "official_below": factories.user(Role.OFFICIAL, region_code="420102001"),
        "official_above": factories.user(Role.OFFICIAL, region_code="4201"),
        "admin": factories.user(Role.ADMIN),
    }
    if who != "anonymous":
        as_user(client, users[who])
    assert cancel(client, briefing).status_code == status
    db.session.expire_all()
    cancelled = db.session.get(Broadcast, briefing.id).status == BroadcastStatus.CANCELLED
    assert cancelled == (status == 303)
    audited = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry))
    assert audited == (1 if cancelled else 0)


def test_cancelling_needs_the_csrf_token(app, client, briefing):
    as_user(client, db.session.get(User, briefing.host_id))
    response = client.post(f"/broadcasts/{briefing.id}/cancel")
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(Broadcast, briefing.id).status == BroadcastStatus.SCHEDULED


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (BroadcastStatus.ENDED, "only a scheduled one can be cancelled or moved."),
        (BroadcastStatus.LIVE, "This broadcast is live: it can no longer be cancelled or moved."),
        (BroadcastStatus.CANCELLED, "This broadcast was cancelled."),
    ],
)
def test_only_a_scheduled_broadcast_can_be_cancelled(
    app, client, worker, briefing, status, message
):
    briefing.status = status
    db.session.commit()
    as_user(client, db.session.get(User, briefing.host_id))
    response = cancel(client, briefing)
    assert response.status_code == 409
    assert message in response.get_data(as_text=True)
    assert 'id="figures"' in response.get_data(as_text=True)  # the studio, with the reason
    db.session.expire_all()
    assert db.session.get(Broadcast, briefing.id).status == status
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) == 0
    assert worker() == 0


def beijing(moment: datetime) -> str:
    """MOMENT (naive UTC) as the form's Beijing wall-clock value."""
    return service.in_beijing(moment).strftime("%Y-%m-%dT%H:%M")


def move(client, broadcast: Broadcast, starts_at: str):
    return post_form(
        client,
        f"/broadcasts/{broadcast.id}/reschedule",
        {"starts_at": starts_at},
        token_from=f"/broadcasts/{broadcast.id}",
    )


def test_the_host_moves_it_and_those_reminded_hear_the_latest_time(app, client, worker):
    host = factories.user(Role.OFFICIAL, region_code="420102", email="host@example.com")
    reminded = factories.user(Role.SEEKER, region_code="420102", email="r@example.com")
    soon = utcnow().replace(second=0, microsecond=0) + timedelta(days=1)
    briefing = service.create(
        db.session, title="招聘会预告", starts_at=soon, region_code="420102", host=host
    )
    as_user(client, reminded)
    post_form(client, f"/broadcasts/{briefing.id}/remind", {}, token_from="/")

    as_user(client, host)
    studio = client.get(f"/broadcasts/{briefing.id}/studio").get_data(as_text=True)
    assert f'value="{beijing(soon)}"' in studio  # the form starts from the current time
    later, latest = soon + timedelta(days=2), soon + timedelta(days=3, hours=1)
    assert move(client, briefing, beijing(later)).status_code == 303
    assert move(client, briefing, beijing(latest)).status_code == 303
    db.session.expire_all()
    assert db.session.get(Broadcast, briefing.id).starts_at == latest
    entries = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "broadcast.reschedule")
    ).all()
    assert [e.data["previous"] for e in entries] == [soon.isoformat(), later.isoformat()]

    # Moved twice before the worker ran: one notice, with the latest time (and its mail).
    assert worker() == 3
    note = db.session.scalar(sa.select(Notification))
    assert note.kind == "broadcast_rescheduled" and note.user_id == reminded.id
    assert note.params["when"] == beijing(latest).replace("T", " ")
    page = client.get(f"/broadcasts/{briefing.id}").get_data(as_text=True)
    assert service.in_beijing(latest).strftime("%Y-%m-%d %H:%M") in page


def test_a_move_needs_a_future_time_and_a_scheduled_broadcast(app, client, worker, briefing):
    as_user(client, db.session.get(User, briefing.host_id))
    past = move(client, briefing, beijing(utcnow() - timedelta(hours=1)))
    assert past.status_code == 422
    assert "Choose a start time in the future." in past.get_data(as_text=True)
    assert '<details class="card" id="change" open>' in past.get_data(as_text=True)  # to fix it
    garbage = move(client, briefing, "next tuesday")
    assert garbage.status_code == 422 and "Give the new start time." in garbage.get_data(
        as_text=True
    )
    briefing.status = BroadcastStatus.ENDED
    db.session.commit()
    ended = move(client, briefing, beijing(utcnow() + timedelta(days=1)))
    assert ended.status_code == 409 and "only a scheduled one" in ended.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Broadcast, briefing.id).starts_at == STARTS_AT
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) == 0
    assert worker() == 0

    as_user(client, factories.user(Role.OFFICIAL, region_code="420103"))
    briefing.status = BroadcastStatus.SCHEDULED
    db.session.commit()
    assert move(client, briefing, beijing(utcnow() + timedelta(days=1))).status_code == 404


def test_the_officials_list_comes_in_pages(app, client):
    official = factories.user(Role.OFFICIAL, region_code="420102")
    start = utcnow()
    for n in range(53):
        service.create(
            db.session,
            title=f"第{n:02d}场",
            starts_at=start + timedelta(hours=n),
            region_code="420102",
        )
    service.create(db.session, title="江汉区的", starts_at=start, region_code="420103")
    as_user(client, official)

    def rows(path: str) -> tuple[list[str], str]:
        text = client.get(path).get_data(as_text=True)
        return re.findall(r"<th scope=\"row\"><a [^>]*>([^<]+)</a>", text), text

    first, text = rows("/officials/broadcasts")
    assert first == [f"第{n:02d}场" for n in range(52, 2, -1)]  # latest start first, 50
    assert 'href="/officials/broadcasts?page=2" rel="next"' in text and 'rel="prev"' not in text
    second, text = rows("/officials/broadcasts?page=2")
    assert second == ["第02场", "第01场", "第00场"]
    assert 'rel="next"' not in text and 'href="/officials/broadcasts?page=1" rel="prev"' in text
    # The region filter survives paging.
    _narrowed, text = rows("/officials/broadcasts?region=420102")
    assert 'href="/officials/broadcasts?region=420102&amp;page=2"' in text
    past, text = rows("/officials/broadcasts?page=3")
    assert past == [] and "back to the first page" in text
    assert client.get("/officials/broadcasts?page=0").status_code == 400
    assert client.get("/officials/broadcasts?page=99999999").status_code == 400


def test_cancelling_and_moving_at_once_decide_once(app, briefing):
    """Two tabs or two officials at once: one cancel wins, the others are refused, and a move
    racing a cancel never moves a cancelled broadcast (both are one conditional UPDATE)."""
    from tests.concurrency import at_once, refusals

    broadcast_id = briefing.id
    host_id = briefing.host_id
    later = utcnow().replace(microsecond=0) + timedelta(days=3)

    def cancel_or_move(n: int):
        item, who = db.session.get(Broadcast, broadcast_id), db.session.get(User, host_id)
        if n % 2:
            return service.reschedule(db.session, item, who, later + timedelta(hours=n))
        return service.cancel(db.session, item, who)

    outcomes = at_once(app, 6, cancel_or_move)
    refused = refusals(outcomes)
    db.session.expire_all()
    item = db.session.get(Broadcast, broadcast_id)
    assert item.status == BroadcastStatus.CANCELLED
    actions = db.session.scalars(
        sa.select(AuditEntry.action).where(AuditEntry.action.like("broadcast.%"))
    ).all()
    assert actions.count("broadcast.cancel") == 1
    # every move that was not refused came before the cancel, so each succeeded on a
    # scheduled broadcast: successes are exactly one cancel and the recorded moves
    assert 6 - refused == 1 + actions.count("broadcast.reschedule")


@pytest.mark.parametrize("page", ["٣", "３", "x", "0", "10001"])
def test_the_officials_list_takes_only_plain_page_numbers(app, client, page):
    """``?page=`` as every listing reads it (app.routing.page_number): "٣" is no page 3."""
    service.create(db.session, title="第一场", starts_at=utcnow(), region_code="420102")
    as_user(client, factories.user(Role.OFFICIAL, region_code="420102", locale="en"))
    response = client.get("/officials/broadcasts", query_string={"page": page})
    assert response.status_code == 400
    assert "page must be a whole number from 1 to 10000." in response.get_data(as_text=True)
    assert "第一场" in client.get("/officials/broadcasts?page=1").get_data(as_text=True)
