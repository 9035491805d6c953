"""Identity-check jobs: store the final result after the call, delete expired snapshots.

``collect`` is the fallback for a person who closed the page without pressing Finish: it is
enqueued at start to run shortly before the room (and the media server's in-memory result)
expires. ``purge_daily`` deletes snapshots past their region's retention and re-enqueues
itself on the derived queue; ``ensure_scheduled`` starts that chain once (``yunpin run``).
"""

from __future__ import annotations

from datetime import timedelta

from flask import Flask, current_app

from app.extensions import db
from app.identity import service
from app.models import IdentityCheck, IdentityState
from app.queue import DERIVED, get_queue
from app.redis_store import get_redis
from app.worker import task

PURGE_EVERY = timedelta(days=1)
SCHEDULED_KEY = "yunpin:identity:purge-scheduled"
"""Set while a daily purge is queued, so restarting `yunpin run` does not start a second chain."""
SCHEDULED_SECONDS = int(PURGE_EVERY.total_seconds()) + 3600
"""The key outlives one interval by an hour: a late run must not look like a dead chain."""


@task
def collect(check_id: int) -> bool:
    """Store the media server's result if the check finished and nobody stored it yet.

    Notifications link to pages (``url_for``), which needs a request; a worker has none,
    so it works inside an anonymous one: a POST, since it writes (its transaction takes the
    write lock first, app/database.py).
    """
    with current_app.test_request_context(method="POST"):
        check = db.session.get(IdentityCheck, check_id)
        if check is None or check.state != IdentityState.STARTED:
            return False
        result = service.fetch_result(check)
        if not result or result.get("state") != "done":
            return False
        service.store_result(check, result)
        db.session.commit()
    return True


@task
def purge() -> int:
    purged = service.purge_expired(current_app.config["VIDEO_SNAPSHOT_DIR"])
    db.session.commit()
    return purged


@task
def purge_daily() -> int:
    try:
        return purge()
    finally:
        get_queue(kind=DERIVED).enqueue_in(PURGE_EVERY, "app.identity.tasks.purge_daily")
        get_redis(current_app).set(SCHEDULED_KEY, 1, ex=SCHEDULED_SECONDS)


def ensure_scheduled(app: Flask) -> bool:
    """Queue the daily purge now unless a chain is already running; True when queued."""
    if not get_redis(app).set(SCHEDULED_KEY, 1, nx=True, ex=SCHEDULED_SECONDS):
        return False
    get_queue(app, DERIVED).enqueue("app.identity.tasks.purge_daily")
    return True
