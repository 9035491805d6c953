"""The marketplace as a whole, for the scorer: the collection statistics
(`matching.collection`) of the published jobs' and the default résumés' stored vectors.

A candidate's cosines are read against the published jobs, a job's against the candidates.
The statistics move slowly (one new job barely changes what is typical), so each process keeps
them and, once they are older than `MATCHING_COLLECTION_SECONDS` (5 minutes), looks whether a
side's stored vectors changed (a query over all of its live items) and recomputes it if so. A side with too few vectors to say anything
(`collection.MIN_SIZE`) is retried on every change, so a young deployment gets them as soon
as it can.
"""

from __future__ import annotations

import time

import numpy as np
from flask import current_app
from sqlalchemy import func, select

from app.extensions import db
from app.models import EmbeddedKind, Embedding, Job, Resume
from matching.collection import MIN_SIZE, Collection

SAMPLE = 5_000
"""The most recently embedded items of a side that make its statistics (a few MB to read)."""

_kept: dict[tuple[str, str, EmbeddedKind], tuple[float, tuple, Collection | None]] = {}
"""(instance, database, side) -> (when it was last looked at, its signature, its statistics)."""


def _rows(kind: EmbeddedKind):
    """A query over the stored vectors of KIND's live items (published jobs, default résumés)."""
    model, live = (Job, Job.is_public) if kind == EmbeddedKind.JOB else (Resume, Resume.is_default)
    return (
        select(Embedding)
        .join(model, model.id == Embedding.object_id)
        .where(Embedding.kind == kind, live)
    )


def collection(kind: EmbeddedKind) -> Collection | None:
    """The statistics of KIND's side, or None (embeddings off, or too few vectors)."""
    if not current_app.config.get("MATCHING_EMBEDDINGS", True):
        return None
    key = (current_app.instance_path, str(db.engine.url), kind)
    kept = _kept.get(key)
    now = time.monotonic()
    if (
        kept
        and kept[2] is not None
        and now - kept[0] < current_app.config["MATCHING_COLLECTION_SECONDS"]
    ):
        return kept[2]  # no query: the signature reads every live item (0.8 s at 100k jobs)
    rows = _rows(kind).subquery()
    signature = tuple(db.session.execute(select(func.count(), func.max(rows.c.updated_at))).one())
    if kept and kept[1] == signature:
        _kept[key] = (now, signature, kept[2])  # unchanged: look again after another while
        return kept[2]
    vectors = db.session.execute(
        _rows(kind)
        .with_only_columns(Embedding.title_vector, Embedding.text_vector)
        .order_by(Embedding.id.desc())
        .limit(SAMPLE)
    ).all()
    found = None
    if len(vectors) >= MIN_SIZE:
        titles, texts = (
            np.stack([np.frombuffer(v[i], np.float32) for v in vectors]) for i in (0, 1)
        )
        found = Collection.of(kind.value, titles, texts)
    _kept[key] = (now, signature, found)
    return found
