"""Keep the search index in step with jobs and résumés.

`sync_job`/`sync_resume`/`sync_employer` are enqueued on the DERIVED queue by app.changes
after a commit that touched the row. Each reads the committed row and indexes it, or deletes
it from the index when it should no longer be found (unpublished, closed, employer not
verified, résumé hidden). Doing the work in a job, never in the request, is what lets a write
survive a search outage: when the engine is unavailable the job FAILS with retries attached,
RQ puts it back (later and later), and it succeeds once the engine is back.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from rq import get_current_job
from sqlalchemy import select

from app.extensions import db
from app.indexing import service
from app.models import Job, Resume
from app.worker import task
from search import SearchUnavailable

RETRY_INTERVALS = [10, 30, 60, 300, 600]
"""Seconds before each retry; the last one repeats. Needs the RQ scheduler (`yunpin run`
and `rq worker --with-scheduler` start it)."""

RETRY_MAX = 1000
"""About a week at the longest interval; `yunpin search check --repair` catches the rest."""


def retried_while_unavailable(sync: Callable[..., Any]) -> Callable[..., Any]:
    """When the engine is unavailable, attach retries to the running job (on its first
    failure) and fail it, so RQ runs it again later."""

    @functools.wraps(sync)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return sync(*args, **kwargs)
        except SearchUnavailable:
            job = get_current_job()
            if job is not None and job.retries_left is None:
                job.retries_left = RETRY_MAX
                job.retry_intervals = RETRY_INTERVALS
            raise

    return run


@task
@retried_while_unavailable
def sync_job(job_id: int) -> str:
    return _sync("jobs", job_id, db.session.get(Job, job_id))


@task
@retried_while_unavailable
def sync_employer(employer_id: int) -> int:
    """An employer's name or verification is part of each of its jobs' documents."""
    jobs = db.session.scalars(select(Job).where(Job.employer_id == employer_id)).all()
    for job in jobs:
        _sync("jobs", job.id, job)
    return len(jobs)


@task
@retried_while_unavailable
def sync_resume(resume_id: int) -> str:
    return _sync("resumes", resume_id, db.session.get(Resume, resume_id))


def _sync(kind: str, object_id: int, row: Job | Resume | None) -> str:
    """Index ROW, or delete OBJECT_ID from the index when ROW is gone or no longer belongs."""
    spec = service.KINDS[kind]
    backend = service.get_backend()
    if spec.accepts(row):
        backend.index(spec.document(row), kind=kind)
        return "indexed"
    backend.delete(object_id, kind=kind)
    return "deleted"
