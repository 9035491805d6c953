"""Interviews: proposed time slots, the chosen one, and the video room it happens in."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, created_at_column, enum_column

if TYPE_CHECKING:
    from app.models.applications import Application


class InterviewStatus(enum.StrEnum):
    PROPOSED = "proposed"  # slots offered, candidate has not picked
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"
    COMPLETED = "completed"


class RoomKind(enum.StrEnum):
    INTERVIEW = "interview"
    IDENTITY = "identity"
    ADHOC = "adhoc"


class Room(Base):
    """A video room. The media server learns of it through the shared room registry."""

    __tablename__ = "rooms"

    id: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    kind: Mapped[RoomKind] = enum_column(RoomKind)
    capacity: Mapped[int] = mapped_column(default=4)
    created_at: Mapped[datetime] = created_at_column()
    expires_at: Mapped[datetime]


class Interview(Base):
    __tablename__ = "interviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[InterviewStatus] = enum_column(InterviewStatus, default=InterviewStatus.PROPOSED)
    duration_minutes: Mapped[int] = mapped_column(default=30)
    # Times are stored in UTC; this is the zone the interviewer proposed them in.
    timezone: Mapped[str] = mapped_column(sa.String(40), default="Asia/Shanghai")
    starts_at: Mapped[datetime | None] = mapped_column(index=True)
    room_id: Mapped[str | None] = mapped_column(sa.ForeignKey("rooms.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = created_at_column()
    # Why it was cancelled: a code of `app.labels.CANCEL_REASONS`, said in each reader's
    # language, and what the person who cancelled it typed, as they wrote it.
    cancel_reason: Mapped[str] = mapped_column(sa.String(30), default="")
    cancel_note: Mapped[str] = mapped_column(sa.String(500), default="")

    application: Mapped[Application] = relationship()
    slots: Mapped[list[InterviewSlot]] = relationship(
        order_by="InterviewSlot.starts_at", cascade="all, delete-orphan"
    )
    room: Mapped[Room | None] = relationship()


class InterviewSlot(Base):
    __tablename__ = "interview_slots"
    __table_args__ = (sa.UniqueConstraint("interview_id", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    interview_id: Mapped[int] = mapped_column(
        sa.ForeignKey("interviews.id", ondelete="CASCADE"), index=True
    )
    starts_at: Mapped[datetime]
