"""Background work through RQ, enqueued only after the database transaction commits.

`defer()` records a job in the session; an `after_commit` hook enqueues it, and a rollback
drops it. So a notification is never sent for a change that did not happen, and a search
index update is never lost for one that did: it waits in Redis until a worker takes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app
from rq import Queue, Retry, Worker
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.redis_store import get_redis

PENDING_KEY = "yunpin_pending_jobs"

# Three queues. What a person waits for (mail, parsing an upload) never queues behind bulk
# derived-data work, and the search index has a queue of its own, so a new job reaches search
# without waiting behind embeddings, recommendation sweeps or rollups (see worker_queues).
MAIN = "main"
INDEX = "index"
DERIVED = "derived"

# Parsing uploads and sending mail must not hang a worker forever.
DEFAULT_TIMEOUT = 120


def queue_name(app: Flask, kind: str) -> str:
    base = app.config["RQ_QUEUE"]
    return base if kind == MAIN else f"{base}-{kind}"


def worker_queues(app: Flask, position: int, workers: int) -> list[str]:
    """The queues worker number POSITION of WORKERS takes, in priority order.

    The first worker is the indexer: it takes the index queue before the main one and never
    derived work, so a rollup or a sweep cannot hold a write back from search (and the
    embedded index, which allows one writing process, has exactly one). The others share
    the main queue and the derived work. A lone worker takes everything, index first.
    """
    if workers == 1:
        kinds = [INDEX, MAIN, DERIVED]
    elif position == 0:
        kinds = [INDEX, MAIN]
    else:
        kinds = [MAIN, DERIVED]
    return [queue_name(app, kind) for kind in kinds]


def get_queue(app: Flask | None = None, kind: str = MAIN) -> Queue:
    app = app or current_app._get_current_object()
    return Queue(queue_name(app, kind), connection=get_redis(app))


def defer(
    func: str,
    *args: Any,
    job_timeout: int = DEFAULT_TIMEOUT,
    queue: str = MAIN,
    retry: Retry | None = None,
    job_id: str | None = None,
    **kwargs: Any,
) -> None:
    """Run FUNC (a dotted path, ``app.<feature>.tasks.<job>``) with ARGS once the current
    transaction commits.

    Jobs take ids, not objects: the worker reads the committed row itself. QUEUE is MAIN
    for work a person waits for, DERIVED for keeping derived data up to date. JOB_ID names
    a job a page will ask about (:func:`waiting`).
    """
    from app.extensions import db

    pending = db.session.info.setdefault(PENDING_KEY, [])
    pending.append((func, args, kwargs, job_timeout, queue, retry, job_id))


@dataclass(frozen=True)
class Waiting:
    """Where a job a person waits for stands, to tell them the truth."""

    running: bool
    ahead: int
    """Jobs before it in its queue."""
    workers: int
    """Workers taking its queue now (0: it waits until one is started)."""


def waiting(job_id: str, app: Flask | None = None) -> Waiting:
    """The state of the job JOB_ID (see ``defer(job_id=...)``); an unknown job (not yet
    enqueued, or its record expired) is reported as first in line."""
    app = app or current_app._get_current_object()
    connection = get_redis(app)
    try:
        job = Job.fetch(job_id, connection=connection)
        queue = Queue(job.origin, connection=connection)
        running = job.get_status() == JobStatus.STARTED
        ahead = 0 if running else job.get_position() or 0
    except NoSuchJobError:
        queue, running, ahead = get_queue(app), False, 0
    return Waiting(running, ahead, Worker.count(queue=queue))


def init_app(app: Flask) -> None:
    from app.extensions import db

    with app.app_context():
        session_class = db.session.session_factory.class_

    @event.listens_for(session_class, "after_commit")
    def _enqueue_pending(session: Session) -> None:
        for func, args, kwargs, timeout, kind, retry, job_id in session.info.pop(PENDING_KEY, []):
            get_queue(kind=kind).enqueue_call(
                func, args=args, kwargs=kwargs, timeout=timeout, retry=retry, job_id=job_id
            )

    @event.listens_for(session_class, "after_soft_rollback")
    def _drop_pending(session: Session, previous_transaction) -> None:
        if not session.in_transaction():
            session.info.pop(PENDING_KEY, None)
