"""Propose → pick → .ics → reminders → reschedule / cancel, through the pages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import icalendar
import pytest
from rq.registry import ScheduledJobRegistry
from sqlalchemy import select

from app.extensions import db
from app.interviews.service import to_utc
from app.interviews.tasks import remind
from app.models import Interview, InterviewStatus, Notification, Room
from app.queue import get_queue
from tests.concurrency import at_once, refusals
from tests.web import as_user, post_form

from .helpers import local_slot, propose, world


def notes_for(user, kind):
    return db.session.scalars(
        select(Notification).where(Notification.user_id == user.id, Notification.kind == kind)
    ).all()


def only_interview() -> Interview:
    return db.session.scalars(select(Interview)).one()


def test_propose_pick_ics_and_reminders(app, client):
    w = world()
    as_user(client, w["owner"])
    slots = [local_slot(48), local_slot(72)]
    response = propose(client, w["application"].id, slots)
    assert response.status_code == 303
    interview = only_interview()
    assert interview.status == InterviewStatus.PROPOSED and len(interview.slots) == 2
    # Stored in UTC: 48 h from now in Shanghai is the same instant in any zone.
    assert interview.slots[0].starts_at == to_utc(datetime.fromisoformat(slots[0]), "Asia/Shanghai")
    assert notes_for(w["candidate"], "interview_proposed")

    # The candidate sees the times in their own zone, with the zone named, and picks one.
    as_user(client, w["candidate"])
    page = client.get(f"/video/interviews/{interview.id}").get_data(as_text=True)
    assert "Berlin time" in page and "Beijing time" not in page  # the viewer's zone, in words
    slot = interview.slots[0]
    response = post_form(
        client,
        f"/video/interviews/{interview.id}/pick",
        {"slot_id": slot.id},
        token_from=f"/video/interviews/{interview.id}",
    )
    assert response.status_code == 303
    db.session.expire_all()
    interview = only_interview()
    assert interview.status == InterviewStatus.SCHEDULED and interview.starts_at == slot.starts_at
    assert db.session.get(Room, interview.room_id) is not None
    assert app.extensions["redis"].exists(f"yunpin:video:room:{interview.room_id}")
    assert notes_for(w["owner"], "interview_scheduled") and notes_for(
        w["colleague"], "interview_scheduled"
    )

    # Both sides download the same invitation, valid iCalendar at the chosen time.
    for user in (w["candidate"], w["owner"]):
        as_user(client, user)
        response = client.get(f"/video/interviews/{interview.id}/invite.ics")
        assert response.status_code == 200 and response.mimetype == "text/calendar"
        event = icalendar.Calendar.from_ical(response.data).walk("VEVENT")[0]
        assert event.decoded("dtstart") == slot.starts_at.replace(tzinfo=UTC)
        assert event.decoded("dtend") - event.decoded("dtstart") == timedelta(minutes=30)
        assert str(event["uid"]) == f"interview-{interview.id}@yunpin.test"

    # Reminders wait in RQ's scheduler at 24 h and 15 min before the start.
    registry = ScheduledJobRegistry(queue=get_queue(app))
    due = sorted(
        registry.get_scheduled_time(job_id).replace(tzinfo=None)
        for job_id in registry.get_job_ids()
    )
    start = slot.starts_at.replace(microsecond=0)
    assert due == [start - timedelta(hours=24), start - timedelta(minutes=15)]

    # The reminder task tells everyone taking part ...
    assert remind(interview.id, "soon", interview.starts_at.isoformat()) == 3
    assert notes_for(w["candidate"], "interview_reminder_soon")


def test_reschedule_and_cancel_notify_the_other_side(app, client):
    w = world()
    as_user(client, w["owner"])
    propose(client, w["application"].id, [local_slot(30)])
    interview = only_interview()
    as_user(client, w["candidate"])
    post_form(
        client,
        f"/video/interviews/{interview.id}/pick",
        {"slot_id": interview.slots[0].id},
        token_from=f"/video/interviews/{interview.id}",
    )
    db.session.expire_all()
    old_start = only_interview().starts_at.isoformat()

    as_user(client, w["owner"])
    response = post_form(
        client,
        f"/video/interviews/{interview.id}/reschedule",
        {"slot": [local_slot(50), local_slot(60)], "timezone": "Asia/Shanghai", "duration": "45"},
    )
    assert response.status_code == 303
    db.session.expire_all()
    interview = only_interview()
    assert interview.status == InterviewStatus.PROPOSED and len(interview.slots) == 2
    assert interview.duration_minutes == 45
    assert notes_for(w["candidate"], "interview_rescheduled")
    # The reminder queued for the old time finds nothing to do.
    assert remind(interview.id, "day", old_start) == 0

    as_user(client, w["candidate"])
    response = post_form(
        client,
        f"/video/interviews/{interview.id}/cancel",
        {"reason": "生病了"},
        token_from=f"/video/interviews/{interview.id}",
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert only_interview().status == InterviewStatus.CANCELLED
    cancelled = notes_for(w["owner"], "interview_cancelled")
    assert cancelled and cancelled[0].params == {
        "job": w["job"].title,
        "reason": "candidate_cancelled",
        "by": w["candidate"].name,
        "note": "生病了",  # the candidate's own words, as typed
    }
    assert not notes_for(w["candidate"], "interview_cancelled")


def test_bad_proposals_are_422_and_write_nothing(app, client):
    w = world()
    as_user(client, w["owner"])
    url = w["application"].id
    cases = [
        [],  # no slot
        [local_slot(-2)],  # past
        [local_slot(30)] * 2,  # same twice
        [local_slot(24 + i) for i in range(6)],  # too many
        ["tomorrow at noon"],
    ]
    for slots in cases:
        assert propose(client, url, slots).status_code == 422, slots
    assert propose(client, url, [local_slot(30)], zone="Mars/Olympus").status_code == 422
    assert propose(client, url, [local_slot(30)], duration="7").status_code == 422
    assert db.session.scalars(select(Interview)).all() == []
    assert not notes_for(w["candidate"], "interview_proposed")


def test_scheduling_pages_are_for_the_employer_of_the_application(app, client):
    w = world()
    as_user(client, w["outsider"])
    assert client.get(f"/video/applications/{w['application'].id}/schedule").status_code == 404
    as_user(client, w["candidate"])
    assert client.get(f"/video/applications/{w['application'].id}/schedule").status_code == 403


def test_typed_offsets_are_kept_and_times_the_clocks_skip_are_refused(app):
    from app.interviews.service import SchedulingError

    typed = datetime.fromisoformat("2027-03-01T10:00+02:00")
    assert to_utc(typed, "Asia/Shanghai") == datetime(2027, 3, 1, 8, 0)  # not 10:00 Beijing
    with app.test_request_context(), pytest.raises(SchedulingError, match="2027-03-28 02:30"):
        to_utc(datetime(2027, 3, 28, 2, 30), "Europe/Berlin")  # clocks go 02:00 → 03:00
    # 02:30 happens twice on 31 October in Berlin: the first (summer time, UTC+2) is meant
    assert to_utc(datetime(2027, 10, 31, 2, 30), "Europe/Berlin") == datetime(2027, 10, 31, 0, 30)


def test_one_interview_is_arranged_at_a_time_even_when_proposed_twice_at_once(app, client):
    from app.interviews import service
    from app.models import Application, User

    w = world()
    application_id, people = w["application"].id, [w["owner"].id, w["colleague"].id]
    db.session.commit()

    def propose_at_once(n: int) -> Interview:
        return service.propose(
            db.session.get(Application, application_id),
            db.session.get(User, people[n]),
            [datetime.fromisoformat(local_slot(48))],
            "Asia/Shanghai",
            30,
        )

    assert refusals(at_once(app, len(people), propose_at_once)) == 1
    assert len(db.session.scalars(select(Interview)).all()) == 1

    # the page says so, and points to changing the times of the one being arranged
    as_user(client, db.session.get(User, people[0]))
    again = propose(client, application_id, [local_slot(72)])
    assert again.status_code == 409 and "already being arranged" in again.text
