"""Keep the search index in step with jobs and résumés.

`sync_job`/`sync_resume` are enqueued on the DERIVED queue by app.changes after a commit
that touched the row. Each reads the committed row and indexes it, or deletes it from the
index when it should no longer be found (unpublished, closed, employer not verified,
résumé hidden). Doing the work in a job, never in the request, is what lets a write
survive a search outage: when the engine is unavailable the job FAILS with retries
attached, RQ puts it back (later and later), and it succeeds once the engine is back.
"""

from __future__ import annotations

from rq import get_current_job
from sqlalchemy import select

from app.extensions import db
from app.indexing import service as search_index
from app.models import Job, Resume
from app.worker import task
from search import SearchUnavailable

RETRY_INTERVALS = [10, 30, 60, 300, 600]
"""Seconds before each retry; the last one repeats. Needs the RQ scheduler (`yunpin run`
and `rq worker --with-scheduler` start it)."""

RETRY_MAX = 1000
"""About a week at the longest interval; `yunpin search check --repair` catches the rest."""


def _retry_later(exc: SearchUnavailable) -> None:
    """Attach retries to the running job (first failure only) and fail it."""
    job = get_current_job()
    if job is not None and job.retries_left is None:
        job.retries_left = RETRY_MAX
        job.retry_intervals = RETRY_INTERVALS
    raise exc


@task
def sync_job(job_id: int) -> str:
    try:
        return _sync_job(job_id, db.session.get(Job, job_id))
    except SearchUnavailable as exc:
        _retry_later(exc)
        raise


@task
def sync_employer(employer_id: int) -> int:
    """An employer's name or verification is part of each of its jobs' documents."""
    jobs = db.session.scalars(select(Job).where(Job.employer_id == employer_id)).all()
    try:
        for job in jobs:
            _sync_job(job.id, job)
    except SearchUnavailable as exc:
        _retry_later(exc)
        raise
    return len(jobs)


def _sync_job(job_id: int, job: Job | None) -> str:
    backend = search_index.get_backend()
    if search_index.job_indexable(job):
        backend.index(search_index.job_document(job), kind="jobs")
        return "indexed"
    backend.delete(job_id, kind="jobs")
    return "deleted"


@task
def sync_resume(resume_id: int) -> str:
    resume = db.session.get(Resume, resume_id)
    backend = search_index.get_backend()
    try:
        if search_index.resume_indexable(resume):
            backend.index(search_index.resume_document(resume), kind="resumes")
            return "indexed"
        backend.delete(resume_id, kind="resumes")
        return "deleted"
    except SearchUnavailable as exc:
        _retry_later(exc)
        raise
