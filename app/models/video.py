"""What interviewers record about a video interview: one scorecard per interviewer."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, created_at_column, utcnow


class Scorecard(Base):
    """An interviewer's rating and private notes, saved to the application.

    Only the employer's members ever see it; the candidate has no route to it.
    """

    __tablename__ = "scorecards"
    __table_args__ = (sa.UniqueConstraint("interview_id", "author_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    interview_id: Mapped[int] = mapped_column(
        sa.ForeignKey("interviews.id", ondelete="CASCADE"), index=True
    )
    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    rating: Mapped[int | None]
    recommendation: Mapped[str] = mapped_column(sa.String(16), default="")
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
