"""Recomputing the dashboard rollups in the background.

``refresh`` is deferred by the officials' "Refresh figures" button and after a new
labor-cooperation agreement (its flows are rollups too), through ``refresh_after_commit``.
"""

from __future__ import annotations

from app.dashboards.rollups import recompute
from app.extensions import db
from app.queue import DERIVED, defer
from app.worker import task

REFRESH_TIMEOUT = 1800
"""Seconds one recomputation may take: a country's rollups take minutes, not the default two."""


@task
def refresh() -> dict[str, int]:
    written = recompute(db.session)
    db.session.commit()
    return written


def refresh_after_commit() -> None:
    """Queue ``refresh`` on the derived-data queue once the current transaction commits."""
    defer("app.dashboards.tasks.refresh", job_timeout=REFRESH_TIMEOUT, queue=DERIVED)
