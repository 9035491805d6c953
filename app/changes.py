"""Watching writes to jobs, résumés and employers, so derived data follows the database.

The database is the source of truth; the search index and the matching embeddings are
derived from it. `after_flush` collects the ids of changed jobs and résumés in the session,
and when the transaction commits, one background job per consumer and object is enqueued
(through `app.queue.defer`, which enqueues after commit). Consumers are separate jobs so
that one failing (the search cluster is down) neither blocks nor repeats the other.
"""

from __future__ import annotations

from flask import Flask
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.models import Employer, Job, Resume

CHANGED_KEY = "yunpin_changed"

# Which background jobs follow a change of each kind of object (dotted paths to RQ jobs).
CONSUMERS: dict[type, tuple[str, ...]] = {
    Job: ("app.ranking.tasks.refresh_job", "app.indexing.tasks.sync_job"),
    Resume: ("app.ranking.tasks.refresh_resume", "app.indexing.tasks.sync_resume"),
    Employer: ("app.indexing.tasks.sync_employer",),
}


def init_app(app: Flask) -> None:
    from app.extensions import db
    from app.queue import DERIVED, defer

    with app.app_context():
        session_class = db.session.session_factory.class_

    @event.listens_for(session_class, "after_flush")
    def _collect(session: Session, _context) -> None:
        changed = session.info.setdefault(CHANGED_KEY, set())
        for obj in (*session.new, *session.dirty, *session.deleted):
            if type(obj) in CONSUMERS and (obj in session.deleted or session.is_modified(obj)):
                changed.add((type(obj), obj.id))

    @event.listens_for(session_class, "before_commit")
    def _enqueue(session: Session) -> None:
        # Flush first so the last changes are collected; defer() itself waits for the commit.
        session.flush()
        for model, ident in sorted(
            session.info.pop(CHANGED_KEY, set()), key=lambda c: (c[0].__name__, c[1])
        ):
            for consumer in CONSUMERS[model]:
                defer(consumer, ident, queue=DERIVED)

    @event.listens_for(session_class, "after_soft_rollback")
    def _forget(session: Session, _previous) -> None:
        if not session.in_transaction():
            session.info.pop(CHANGED_KEY, None)
