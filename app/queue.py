"""Background work through RQ, enqueued only after the database transaction commits.

`defer()` records a job in the session; an `after_commit` hook enqueues it, and a rollback
drops it. So a notification is never sent for a change that did not happen, and a search
index update is never lost for one that did: it waits in Redis until a worker takes it.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app
from rq import Queue, Retry
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.redis_store import get_redis

PENDING_KEY = "yunpin_pending_jobs"

# Two queues, taken in this order by every worker: what a person waits for (mail, parsing
# an upload) never queues behind bulk derived-data work (search index, embeddings, rollups).
MAIN = "main"
DERIVED = "derived"

# Parsing uploads and sending mail must not hang a worker forever.
DEFAULT_TIMEOUT = 120


def queue_names(app: Flask) -> list[str]:
    """The RQ queue names, in priority order (what `rq worker` should be given)."""
    return [app.config["RQ_QUEUE"], app.config["RQ_QUEUE"] + "-" + DERIVED]


def get_queue(app: Flask | None = None, kind: str = MAIN) -> Queue:
    app = app or current_app._get_current_object()
    main, derived = queue_names(app)
    return Queue(derived if kind == DERIVED else main, connection=get_redis(app))


def defer(
    func: str,
    *args: Any,
    job_timeout: int = DEFAULT_TIMEOUT,
    queue: str = MAIN,
    retry: Retry | None = None,
    **kwargs: Any,
) -> None:
    """Run FUNC (a dotted path, ``app.<feature>.tasks.<job>``) with ARGS once the current
    transaction commits.

    Jobs take ids, not objects: the worker reads the committed row itself. QUEUE is MAIN
    for work a person waits for, DERIVED for keeping derived data up to date.
    """
    from app.extensions import db

    pending = db.session.info.setdefault(PENDING_KEY, [])
    pending.append((func, args, kwargs, job_timeout, queue, retry))


def init_app(app: Flask) -> None:
    from app.extensions import db

    with app.app_context():
        session_class = db.session.session_factory.class_

    @event.listens_for(session_class, "after_commit")
    def _enqueue_pending(session: Session) -> None:
        for func, args, kwargs, timeout, kind, retry in session.info.pop(PENDING_KEY, []):
            get_queue(kind=kind).enqueue_call(
                func, args=args, kwargs=kwargs, timeout=timeout, retry=retry
            )

    @event.listens_for(session_class, "after_soft_rollback")
    def _drop_pending(session: Session, previous_transaction) -> None:
        if not session.in_transaction():
            session.info.pop(PENDING_KEY, None)
