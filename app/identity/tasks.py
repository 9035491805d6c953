"""Identity-check jobs: store the final result after the call, delete expired snapshots.

``collect`` is the fallback for a person who closed the page without pressing Finish: it is
enqueued at start to run shortly before the room (and the media server's in-memory result)
expires. ``purge`` deletes snapshots past their region's retention (daily, app/schedule.py).
"""

from __future__ import annotations

from flask import current_app

from app.extensions import db
from app.identity import service
from app.models import IdentityCheck, IdentityState
from app.worker import task


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
