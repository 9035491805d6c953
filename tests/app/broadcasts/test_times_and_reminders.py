"""A briefing is scheduled only for a time still ahead (as it is moved), and "Remind me" is
offered and taken only while the briefing is still to come, as its viewers see it: not
once it is live, has ended (even while its row still says live) or was cancelled."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.broadcasts import service
from app.extensions import db
from app.models import Broadcast, BroadcastReminder, BroadcastStatus, Role, utcnow
from tests import factories
from tests.web import as_user, post_form

MESSAGE = "Choose a start time in the future."


def field_error(page: str, field: str) -> str:
    found = re.search(rf'<p class="error" id="{field}-error">([^<]*)</p>', page)
    return found.group(1) if found else ""


def in_beijing(moment) -> str:
    return service.in_beijing(moment).strftime("%Y-%m-%dT%H:%M")


def test_a_briefing_cannot_be_scheduled_in_the_past(app, client):
    official = factories.user(Role.OFFICIAL, region_code="420102", email="o@example.com")
    as_user(client, official)
    form = {"title": "稳岗补贴解读", "region_code": "420102", "fair_id": "0"}
    past = post_form(
        client, "/broadcasts/new", {**form, "starts_at": in_beijing(utcnow() - timedelta(hours=1))}
    )
    assert past.status_code == 422
    page = past.get_data(as_text=True)
    assert field_error(page, "starts_at") == MESSAGE  # beside the field, as a move says it
    assert 'aria-describedby="starts_at-error"' in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Broadcast)) == 0

    ahead = utcnow().replace(second=0, microsecond=0) + timedelta(hours=2)
    scheduled = post_form(client, "/broadcasts/new", {**form, "starts_at": in_beijing(ahead)})
    assert scheduled.status_code == 302
    assert db.session.scalar(sa.select(Broadcast.starts_at)) == ahead


def test_moving_and_scheduling_refuse_a_past_time_alike(app):
    """One rule: the message a move shows is the one scheduling shows beside its field."""
    broadcast = service.create(db.session, title="改期", starts_at=utcnow() + timedelta(days=1))
    host = factories.user(Role.OFFICIAL, region_code="420102")
    with pytest.raises(service.BroadcastError) as moved:
        service.reschedule(db.session, broadcast, host, utcnow() - timedelta(minutes=1))
    with pytest.raises(service.BroadcastError) as scheduled:
        service.ensure_future(utcnow())
    assert (moved.value.status, moved.value.field) == (422, "starts_at")
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert str(moved.value) == str(scheduled.value) == MESSAGE


@pytest.fixture
def viewer(app, client):
    return as_user(client, factories.user(Role.SEEKER, region_code="420102", email="v@e.com"))


def remind(client, broadcast: Broadcast):
    return post_form(
        client,
        f"/broadcasts/{broadcast.id}/remind",
        {},
        token_from="/",
    )


def reminders() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(BroadcastReminder))


def live(app, title: str, *, media_ended: bool = False) -> Broadcast:
    """A broadcast whose publisher connected; MEDIA_ENDED: its playlist then ended, while the
    row still says live (the minute before storage.end_stalled)."""
    broadcast = service.create(db.session, title=title, starts_at=utcnow())
    service.went_live(db.session, broadcast)
    broadcast.connected_at -= timedelta(seconds=1)  # file times come from a coarse clock
    db.session.commit()
    folder = Path(app.config["BROADCAST_DIR"]) / broadcast.storage_key
    folder.mkdir(parents=True)
    end = "#EXT-X-ENDLIST\n" if media_ended else ""
    (folder / "live.m3u8").write_text(f"#EXTM3U\n#EXTINF:2.000,\nv00000.ts\n{end}")
    return broadcast


def test_remind_me_only_while_the_briefing_is_to_come(app, client, viewer):
    coming = service.create(db.session, title="预告", starts_at=utcnow() + timedelta(days=1))
    db.session.commit()
    page = client.get(f"/broadcasts/{coming.id}").get_data(as_text=True)
    assert 'id="remind"' in page and "Remind me" in page
    assert remind(client, coming).status_code == 303
    assert reminders() == 1

    on_air = live(app, "直播中")
    page = client.get(f"/broadcasts/{on_air.id}").get_data(as_text=True)
    assert 'id="remind"' not in page
    refused = remind(client, on_air)
    assert refused.status_code == 409
    assert "This broadcast is live now: watch it here." in refused.get_data(as_text=True)

    # Its media ended: ended for its viewers, although the row still says live.
    over = live(app, "刚结束", media_ended=True)
    assert db.session.get(Broadcast, over.id).status == BroadcastStatus.LIVE
    assert 'id="remind"' not in client.get(f"/broadcasts/{over.id}").get_data(as_text=True)
    refused = remind(client, over)
    assert refused.status_code == 409
    assert "This broadcast has ended: watch the replay." in refused.get_data(as_text=True)

    called_off = service.create(db.session, title="取消", starts_at=utcnow() + timedelta(days=1))
    service.cancel(db.session, called_off, viewer)
    db.session.commit()
    refused = remind(client, called_off)
    assert refused.status_code == 409
    assert "This broadcast was cancelled." in refused.get_data(as_text=True)

    assert reminders() == 1  # only the one still to come
