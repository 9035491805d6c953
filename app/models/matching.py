"""Data derived for matching: stored embeddings, cached recommendations, "not interested".

Embeddings and recommendation lists are derived data (recomputed by RQ jobs from jobs and
résumés); dismissals are the candidate's own choice and are never recomputed away.
"""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, created_at_column, enum_column, utcnow


class EmbeddedKind(enum.StrEnum):
    JOB = "job"
    RESUME = "resume"


class Embedding(Base):
    """The sentence vectors of one job or résumé (float32 bytes, 512-d), computed in a worker
    so that ranking never embeds on the request path. DIGEST identifies the embedded texts:
    an unchanged text is not embedded again."""

    __tablename__ = "embeddings"
    __table_args__ = (
        sa.UniqueConstraint("kind", "object_id"),
        # what changed since a time, per kind (app/ranking/stage_one.py)
        sa.Index("ix_embeddings_kind_updated_at", "kind", "updated_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[EmbeddedKind] = enum_column(EmbeddedKind, name="embedded_kind")
    object_id: Mapped[int]
    model: Mapped[str] = mapped_column(sa.String(40))
    digest: Mapped[str] = mapped_column(sa.String(64))
    text_vector: Mapped[bytes] = mapped_column(sa.LargeBinary)
    title_vector: Mapped[bytes] = mapped_column(sa.LargeBinary)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class RecommendationList(Base):
    """A candidate's cached "Recommended for you": [{"job_id", "score", "reasons"}], best first.

    STALE marks a list whose inputs changed (a job was edited or published); REASONS_VERSION is
    the `matching.reasons.VERSION` its reasons were computed under (0: before versions were
    kept). The scheduled refresh recomputes stale, old and older-reasoned lists, and the page
    shows the cached one meanwhile.
    """

    __tablename__ = "recommendation_lists"

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    items: Mapped[list[dict]] = mapped_column(default=list)
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)
    stale: Mapped[bool] = mapped_column(default=False, index=True)
    reasons_version: Mapped[int] = mapped_column(default=0, server_default="0")


class Dismissal(Base):
    """A candidate said "not interested" in a job: it never comes back in their recommendations."""

    __tablename__ = "dismissals"
    __table_args__ = (sa.UniqueConstraint("user_id", "job_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    job_id: Mapped[int] = mapped_column(sa.ForeignKey("jobs.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = created_at_column()
