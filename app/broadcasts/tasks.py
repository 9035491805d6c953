"""Background jobs of broadcasts: reminders, and the periodic ones of app/schedule.py."""

from __future__ import annotations

from datetime import UTC
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app, url_for

from app.broadcasts import storage
from app.database import update_if
from app.extensions import db
from app.models import Broadcast, BroadcastReminder, BroadcastStatus, User
from app.notifications.service import notify
from app.worker import task

BEIJING = ZoneInfo("Asia/Shanghai")
"""Briefings are scheduled and announced in Beijing time (the form says so)."""


@task
def remind(broadcast_id: int) -> int:
    """The broadcast went live: notify (in the app and by mail) everyone who asked, once.
    Mail renders in an anonymous POST request context, as interview reminders do."""
    with current_app.test_request_context(method="POST"):
        return _remind(broadcast_id)


def _remind(broadcast_id: int) -> int:
    broadcast = db.session.get(Broadcast, broadcast_id)
    # Never for a cancelled broadcast (it cannot go live; this is the last line all the same).
    if broadcast is None or not update_if(
        db.session,
        broadcast,
        Broadcast.reminders_sent.is_(False),
        Broadcast.status != BroadcastStatus.CANCELLED,
        reminders_sent=True,
    ):
        return 0
    users = _reminded(broadcast)
    link = url_for("broadcasts.show", broadcast_id=broadcast.id)
    for user in users:
        notify(user, "broadcast_live", link=link, title=broadcast.title)
    db.session.commit()
    return len(users)


@task
def tell_cancelled(broadcast_id: int) -> int:
    """The broadcast was cancelled: tell (in the app and by mail) everyone who asked to be
    reminded; a cancel is final, so this runs once per broadcast."""
    with current_app.test_request_context(method="POST"):
        broadcast = db.session.get(Broadcast, broadcast_id)
        if broadcast is None or broadcast.status != BroadcastStatus.CANCELLED:
            return 0
        users = _reminded(broadcast)
        link = url_for("broadcasts.show", broadcast_id=broadcast.id)
        when = broadcast.starts_at.replace(tzinfo=UTC).astimezone(BEIJING)
        for user in users:
            notify(
                user,
                "broadcast_cancelled",
                link=link,
                title=broadcast.title,
                when=when.strftime("%Y-%m-%d %H:%M"),
            )
        db.session.commit()
        return len(users)


def _reminded(broadcast: Broadcast) -> list[User]:
    return db.session.scalars(
        sa.select(User)
        .join(BroadcastReminder, BroadcastReminder.user_id == User.id)
        .where(BroadcastReminder.broadcast_id == broadcast.id)
    ).all()


@task
def end_stalled() -> list[int]:
    """Every minute: live broadcasts whose publisher vanished are ended, with their replay."""
    return storage.end_stalled(current_app, db.session)


@task
def sweep_storage() -> dict[str, int]:
    """Hourly: live-only files, orphaned folders and expired replays leave the folder."""
    return storage.sweep(current_app, db.session)
