"""The schedule form says every problem at once, each beside the time it is about, and keeps
what was typed: a past time and a repeated one are both named in one answer."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from app.extensions import db
from app.models import Interview, InterviewStatus
from tests.app.interviews.helpers import as_user, local_slot, propose, world
from tests.web import post_form


def errors_by_field(page: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for field, text in re.findall(r'<p class="error" id="([\w-]+)-error">([^<]*)</p>', page):
        found.setdefault(field, []).append(text)
    return found


def skipped_time(zone: str = "Europe/Berlin") -> str:
    """The next wall-clock time ZONE skips (clocks going forward), as a form value."""
    place = ZoneInfo(zone)
    day = datetime.now(place).replace(hour=2, minute=30, second=0, microsecond=0, tzinfo=None)
    for _ in range(400):
        day += timedelta(days=1)
        if (
            day.replace(tzinfo=place)
            .astimezone(ZoneInfo("UTC"))
            .astimezone(place)
            .replace(tzinfo=None)
            != day
        ):
            return day.strftime("%Y-%m-%dT%H:%M")
    raise AssertionError(f"{zone} skips no time within a year")


def test_a_past_time_and_a_repeated_one_are_both_named_beside_their_fields(app, client):
    w = world()
    as_user(client, w["owner"])
    past, good = local_slot(-3), local_slot(30)
    response = propose(client, w["application"].id, [past, good, good, "", "tomorrow at noon"])
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert errors_by_field(page) == {
        "slot-0": ["This time has already passed."],
        "slot-2": ["The same time as time 2."],
        "slot-4": ["Enter a date and time, e.g. 2026-12-01T14:30."],
    }
    assert "Please correct the fields marked below." in page
    # What was typed stays where it was typed, the blank one blank.
    for n, value in enumerate([past, good, good, "", "tomorrow at noon"]):
        assert f'id="slot-{n}" name="slot" value="{value}"' in page
    assert f'id="slot-0" name="slot" value="{past}" required aria-invalid="true"' in page
    assert 'aria-invalid="true"' not in page.split('id="slot-1"')[1].split("</div>")[0]
    assert db.session.scalars(select(Interview)).all() == []

    fixed = propose(client, w["application"].id, [local_slot(26), good, local_slot(50)])
    assert fixed.status_code == 303
    interview = db.session.scalar(select(Interview))
    assert interview.status == InterviewStatus.PROPOSED and len(interview.slots) == 3


def test_zone_duration_and_a_skipped_time_are_said_beside_their_fields(app, client):
    w = world()
    as_user(client, w["owner"])
    url = w["application"].id
    page = propose(client, url, [local_slot(30)], zone="Mars/Olympus", duration="7").get_data(
        as_text=True
    )
    assert errors_by_field(page) == {
        "duration": ["Choose a duration from the list."],
        "timezone": ["Choose a valid time zone."],
    }
    assert '<option value="45">' in page  # the durations are offered again

    skipped = skipped_time()
    response = propose(client, url, [local_slot(30, "Europe/Berlin"), skipped], "Europe/Berlin")
    assert response.status_code == 422
    (problem,) = errors_by_field(response.get_data(as_text=True))["slot-1"]
    assert "the clocks skip it" in problem
    assert '<option value="Europe/Berlin" selected>' in response.get_data(as_text=True)

    nothing = propose(client, url, ["", ""])
    assert errors_by_field(nothing.get_data(as_text=True)) == {
        "slot-0": ["Propose at least one time."]
    }
    assert db.session.scalars(select(Interview)).all() == []


def test_rescheduling_names_its_problems_beside_the_fields_too(app, client):
    w = world()
    as_user(client, w["owner"])
    assert propose(client, w["application"].id, [local_slot(30)]).status_code == 303
    interview = db.session.scalar(select(Interview))
    url = f"/video/interviews/{interview.id}/reschedule"
    page = client.get(url).get_data(as_text=True)
    assert '<option value="Asia/Shanghai" selected>' in page and 'class="error"' not in page
    response = post_form(
        client,
        url,
        {"slot": [local_slot(-1), local_slot(-2)], "timezone": "Asia/Shanghai", "duration": "45"},
    )
    assert response.status_code == 422
    assert errors_by_field(response.get_data(as_text=True)) == {
        "slot-0": ["This time has already passed."],
        "slot-1": ["This time has already passed."],
    }
    db.session.refresh(interview)
    assert interview.duration_minutes == 30  # unchanged
