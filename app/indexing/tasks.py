"""Keep the search index in step with jobs and résumés.

Writes mark the changed jobs, résumés and employers for the "search" consumer
(`app.batching`), and `flush` indexes a whole batch: one read of the rows, one bulk write
and one commit, or a delete for each row that should no longer be found (unpublished,
closed, employer not verified, résumé hidden). It runs on the index queue, which only the
indexer worker takes, so new writes never wait behind other derived work. Doing the work in
a job, never in the request, is what lets a write survive a search outage: when the engine
is unavailable the flush FAILS with retries attached, its batch stays marked, RQ runs it
again (later and later), and it succeeds once the engine is back.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from rq import get_current_job
from sqlalchemy import select

from app import batching
from app.extensions import db
from app.indexing import service
from app.models import Job
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


@task(writes=False)
@retried_while_unavailable
def flush() -> dict[str, int]:
    """Index or delete every job and résumé marked since the last flush; returns counts."""
    with batching.take("search") as batch:
        job_ids = set(batch.ids("job"))
        employers = batch.ids("employer")
        if employers:
            job_ids.update(db.session.scalars(select(Job.id).where(Job.employer_id.in_(employers))))
        return {
            "jobs": sync("jobs", sorted(job_ids)),
            "resumes": sync("resumes", batch.ids("resume")),
        }


def sync(kind: str, ids: list[int]) -> int:
    """Index the documents of IDS that belong in the index and delete the others; returns
    how many ids were handled."""
    if not ids:
        return 0
    backend = service.get_backend()
    docs = list(service.documents(kind, ids))
    if docs:
        backend.bulk(docs, kind=kind)
    indexed = {doc["id"] for doc in docs}
    backend.delete_many([i for i in ids if i not in indexed], kind=kind)
    return len(ids)
