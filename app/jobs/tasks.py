"""Job postings' own periodic work: closing those whose apply-by date is over (hourly, from
app/schedule.py, so a posting closes within the hour after midnight in Beijing)."""

from __future__ import annotations

from app.extensions import db
from app.jobs import service
from app.worker import task


@task
def close_expired() -> int:
    closed = service.close_expired()
    db.session.commit()
    return closed
