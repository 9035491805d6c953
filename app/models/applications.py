"""Applications, their stage history, recruiter notes, and invitations to apply."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, WriteOnlyMapped, mapped_column, relationship

from app.models.base import Base, created_at_column, enum_column, utcnow

if TYPE_CHECKING:
    from app.models.accounts import User
    from app.models.jobs import Job
    from app.models.resumes import Resume


class Stage(enum.StrEnum):
    NEW = "new"
    SCREENING = "screening"
    INTERVIEW = "interview"
    OFFER = "offer"
    HIRED = "hired"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class Source(enum.StrEnum):
    APPLY = "apply"
    INVITATION = "invitation"
    FAIR = "fair"


class Application(Base):
    __tablename__ = "applications"
    # One application per candidate and job: a double click or a retried request cannot
    # create a second one, whatever the web tier does.
    __table_args__ = (
        sa.UniqueConstraint("job_id", "candidate_id"),
        sa.Index("ix_applications_job_stage", "job_id", "stage"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(sa.ForeignKey("jobs.id", ondelete="CASCADE"))
    candidate_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    resume_id: Mapped[int | None] = mapped_column(sa.ForeignKey("resumes.id", ondelete="SET NULL"))
    stage: Mapped[Stage] = enum_column(Stage, default=Stage.NEW)
    source: Mapped[Source] = enum_column(Source, default=Source.APPLY)
    fair_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("job_fairs.id", ondelete="SET NULL"), index=True
    )
    answers: Mapped[list[str]] = mapped_column(default=list)
    match_score: Mapped[float | None]
    match_reasons: Mapped[list[dict]] = mapped_column(default=list)
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # When the employer first moved it out of "new": time-to-first-response statistics.
    first_response_at: Mapped[datetime | None]

    job: Mapped[Job] = relationship(lazy="joined")
    candidate: Mapped[User] = relationship()
    resume: Mapped[Resume | None] = relationship()
    history: WriteOnlyMapped[StageChange] = relationship(
        order_by="StageChange.created_at", passive_deletes=True
    )


class StageChange(Base):
    __tablename__ = "stage_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    from_stage: Mapped[Stage | None] = enum_column(Stage, name="from_stage", nullable=True)
    to_stage: Mapped[Stage] = enum_column(Stage, name="to_stage")
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    message: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = created_at_column()


class ApplicationNote(Base):
    """A recruiter's private note; never shown to the candidate."""

    __tablename__ = "application_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = created_at_column()


class Invitation(Base):
    """An employer's invitation to a candidate to apply for a job."""

    __tablename__ = "invitations"
    __table_args__ = (sa.UniqueConstraint("job_id", "candidate_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(sa.ForeignKey("jobs.id", ondelete="CASCADE"))
    candidate_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    invited_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    message: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = created_at_column()
    responded_at: Mapped[datetime | None]
    accepted: Mapped[bool | None]
