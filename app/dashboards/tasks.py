"""Recomputing the dashboard rollups in the background: on demand and on a schedule.

The refresh button defers ``refresh``; ``refresh_every`` runs and then re-enqueues itself
with ``enqueue_in``, which the RQ scheduler (``rq worker --with-scheduler``, started by
``yunpin run``) releases when due. Started once by ``yunpin rollups schedule``.
"""

from __future__ import annotations

from datetime import timedelta

from app.extensions import db
from app.worker import task


@task
def refresh() -> dict[str, int]:
    from app.dashboards.rollups import recompute

    written = recompute(db.session)
    db.session.commit()
    return written


@task
def refresh_every(seconds: int) -> dict[str, int]:
    from app.queue import DERIVED, get_queue

    try:
        return refresh()
    finally:
        get_queue(kind=DERIVED).enqueue_in(
            timedelta(seconds=seconds), "app.dashboards.tasks.refresh_every", seconds
        )
