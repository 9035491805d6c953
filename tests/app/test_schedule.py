"""The periodic jobs (app/schedule.py) through RQ's real cron scheduler and a real worker."""

from __future__ import annotations

from datetime import timedelta

from rq.utils import now

from app.extensions import db
from app.models import RecommendationList, Role, utcnow
from app.queue import DERIVED, get_queue
from app.schedule import PERIODIC, scheduler
from tests import factories


def test_a_starting_scheduler_queues_nothing(app):
    """Cron expressions, not intervals: a fresh instance's first backlog comes first."""
    cron = scheduler(app)
    assert len(cron.get_jobs()) == len(PERIODIC)
    assert cron.enqueue_jobs() == []
    assert get_queue(app, DERIVED).count == 0
    assert all(job.next_enqueue_time > now() for job in cron.get_jobs())


def test_every_periodic_job_runs_when_due(app, worker):
    seeker = factories.user(Role.SEEKER, last_login_at=utcnow())
    factories.resume(seeker)
    db.session.flush()
    db.session.add(
        RecommendationList(user_id=seeker.id, items=[], stale=True, computed_at=utcnow())
    )
    db.session.commit()
    stale_since = utcnow()

    cron = scheduler(app)
    for job in cron.get_jobs():
        job.next_enqueue_time = now() - timedelta(seconds=1)
    assert len(cron.enqueue_jobs()) == len(PERIODIC)
    enqueued_at = now()
    assert worker(DERIVED) >= len(PERIODIC)  # fails on any failed job

    recomputed = db.session.get(RecommendationList, seeker.id)
    db.session.refresh(recomputed)
    assert recomputed.stale is False and recomputed.computed_at >= stale_since
    # each rescheduled past the moment it was queued (the every-minute one may come round
    # again while the worker runs the others)
    assert all(job.next_enqueue_time > enqueued_at for job in cron.get_jobs())
