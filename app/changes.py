"""Watching writes to jobs, résumés and employers, so derived data follows the database.

The database is the source of truth; the search index and the matching embeddings are
derived from it. `after_flush` collects the changed objects in the session, and when the
transaction commits they are marked for each consumer that derives data from them
(`app.batching`: repeated ids are coalesced and one flush job handles a batch). Consumers
are separate, so that one failing (the search cluster is down) neither blocks nor repeats
the other.
"""

from __future__ import annotations

from flask import Flask
from sqlalchemy import event
from sqlalchemy.orm import Session

from app import batching
from app.models import Employer, Job, Resume

CHANGED_KEY = "yunpin_changed"

# Which consumers (app.batching) follow a change of each kind of object, and its mark's kind.
CONSUMERS: dict[type, tuple[str, tuple[str, ...]]] = {
    Job: ("job", ("search", "embeddings")),
    Resume: ("resume", ("search", "embeddings")),
    Employer: ("employer", ("search",)),  # its name and verification are in its jobs' documents
}


def init_app(app: Flask) -> None:
    from app.extensions import db

    with app.app_context():
        session_class = db.session.session_factory.class_

    @event.listens_for(session_class, "after_flush")
    def _collect(session: Session, _context) -> None:
        changed = session.info.setdefault(CHANGED_KEY, set())
        for obj in (*session.new, *session.dirty, *session.deleted):
            if type(obj) in CONSUMERS and (obj in session.deleted or session.is_modified(obj)):
                changed.add((type(obj), obj.id))

    @event.listens_for(session_class, "before_commit")
    def _mark(session: Session) -> None:
        # Flush first so the last changes are collected; the marks wait for the commit.
        session.flush()
        for model, ident in session.info.pop(CHANGED_KEY, set()):
            kind, consumers = CONSUMERS[model]
            for consumer in consumers:
                batching.mark(session, consumer, [f"{kind}:{ident}"])

    @event.listens_for(session_class, "after_soft_rollback")
    def _forget(session: Session, _previous) -> None:
        if not session.in_transaction():
            session.info.pop(CHANGED_KEY, None)
