"""Every periodic job, in one table.

``yunpin cron`` (exactly one such process per deployment; `yunpin run` supervises it) runs
RQ's cron scheduler over this table: it queues each job when its cron expression comes round,
and the workers run it like any other. Cron fields are the scheduler's local time. Cron
expressions rather than intervals: an interval job runs the moment the scheduler starts,
which would put a rollup and a sweep in front of a fresh instance's first backlog.
"""

from __future__ import annotations

import importlib
from typing import NamedTuple

from flask import Flask
from rq.cron import CronScheduler

from app.queue import DERIVED, queue_name
from app.redis_store import get_redis


class Periodic(NamedTuple):
    job: str
    """Dotted name of an `@task` function taking no arguments."""
    cron: str
    timeout: int = 600
    """Seconds one run may take."""


PERIODIC = [
    # Stale and old recommendation lists of active candidates (a batch per run).
    Periodic("app.ranking.tasks.sweep", "*/30 * * * *"),
    # Stage 1's retrievers, once more jobs than MATCHING_RETRIEVER_ABOVE are published, built
    # afresh (compacted) for the web processes to start from.
    Periodic("app.ranking.tasks.build_retrievers", "10 4 * * *", timeout=7200),
    # The officials' figures; a country's rollups take minutes, so half-hourly at most.
    Periodic("app.dashboards.tasks.refresh", "15,45 * * * *", timeout=1800),
    # Identity-check snapshots past their region's retention period.
    Periodic("app.identity.tasks.purge", "40 3 * * *"),
    # Accounts past their deletion grace period are erased; expired exports deleted.
    Periodic("app.privacy.tasks.sweep", "5 * * * *"),
    # Published and paused jobs whose apply-by date is over close.
    Periodic("app.jobs.tasks.close_expired", "1 * * * *"),
    # Fast-track approvals whose documents check is overdue, where the rule revokes them.
    Periodic("app.employers.tasks.revoke_overdue", "25 * * * *"),
    # Saved-search alerts: instant ones, and daily ones (sent in the 08:00 hour of Beijing).
    Periodic("app.alerts.tasks.instant", "*/5 * * * *"),
    Periodic("app.alerts.tasks.daily", "0 * * * *"),
    # Live broadcasts whose publisher vanished (no media for BROADCAST_STALE_SECONDS) end.
    Periodic("app.broadcasts.tasks.end_stalled", "* * * * *", timeout=120),
    # Broadcast files: live-only renditions, leftovers, replays past BROADCAST_REPLAY_DAYS.
    Periodic("app.broadcasts.tasks.sweep_storage", "50 * * * *", timeout=1800),
    # Uploaded files no row names a day after they came (a worker killed mid-transaction).
    Periodic("app.uploads.sweep", "20 4 * * *", timeout=1800),
]


def _function(dotted: str):
    module, name = dotted.rsplit(".", 1)
    return getattr(importlib.import_module(module), name)


def scheduler(app: Flask) -> CronScheduler:
    """RQ's cron scheduler with PERIODIC registered, on the derived-data queue (none of these
    jobs is something a person waits for)."""
    scheduler = CronScheduler(connection=get_redis(app))
    for periodic in PERIODIC:
        scheduler.register(
            _function(periodic.job),
            queue_name(app, DERIVED),
            cron=periodic.cron,
            job_timeout=periodic.timeout,
        )
    return scheduler
