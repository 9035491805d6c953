"""Background jobs of broadcasts: reminders, news of a cancelled or moved broadcast for those
who asked to be reminded, and the periodic ones of app/schedule.py."""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app, url_for

from app.broadcasts import service, storage
from app.database import update_if
from app.extensions import db
from app.models import Broadcast, BroadcastReminder, BroadcastStatus, User
from app.notifications.service import notify
from app.worker import task


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
        return _tell(broadcast, "broadcast_cancelled")


@task
def tell_rescheduled(broadcast_id: int, starts_at: str) -> int:
    """The broadcast moved to STARTS_AT (ISO, UTC): tell everyone who asked to be reminded.
    A job whose time is no longer the broadcast's (moved again, or cancelled since) tells
    nobody: the later job tells the latest news once."""
    with current_app.test_request_context(method="POST"):
        broadcast = db.session.get(Broadcast, broadcast_id)
        if (
            broadcast is None
            or broadcast.status != BroadcastStatus.SCHEDULED
            or broadcast.starts_at.isoformat() != starts_at
        ):
            return 0
        return _tell(broadcast, "broadcast_rescheduled")


def _tell(broadcast: Broadcast, kind: str) -> int:
    """Notify those who asked to be reminded of KIND, with the title and the start time."""
    users = _reminded(broadcast)
    link = url_for("broadcasts.show", broadcast_id=broadcast.id)
    when = service.in_beijing(broadcast.starts_at).strftime("%Y-%m-%d %H:%M")
    for user in users:
        notify(user, kind, link=link, title=broadcast.title, when=when)
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
