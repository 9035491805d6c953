"""Live broadcasts: policy briefings and job-fair livestreams, their Q&A and their audience."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, created_at_column, enum_column


class BroadcastStatus(enum.StrEnum):
    SCHEDULED = "scheduled"
    LIVE = "live"
    ENDED = "ended"
    # Called off by its host before it went live: no player, no reminders, no publishing.
    CANCELLED = "cancelled"


class Broadcast(Base):
    """One broadcast: scheduled by an official (or an employer at a fair), published over
    WHIP, watched as HLS from the storage folder named by ``storage_key``."""

    __tablename__ = "broadcasts"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(120))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    # The region it is for (a statistical code, matched by prefix; not a foreign key, so a
    # briefing can target a region whose villages this instance has not loaded); None: all.
    region_code: Mapped[str | None] = mapped_column(sa.String(12), index=True)
    starts_at: Mapped[datetime] = mapped_column(index=True)
    fair_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("job_fairs.id", ondelete="SET NULL"), index=True
    )
    # Policy documents shown beside the player: [{"title": ..., "url": ...}].
    documents: Mapped[list[dict]] = mapped_column(default=list)
    host_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    status: Mapped[BroadcastStatus] = enum_column(
        BroadcastStatus, default=BroadcastStatus.SCHEDULED
    )
    # The storage folder's random name: playlists of unlisted broadcasts cannot be guessed.
    storage_key: Mapped[str] = mapped_column(sa.String(32), unique=True)
    started_at: Mapped[datetime | None]
    # The publisher's latest WHIP connection: media written before it belongs to an earlier
    # session (app.broadcasts.lifecycle tells a stalled broadcast from a reconnecting one).
    connected_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    # The storage sweep removed the replay's files after BROADCAST_REPLAY_DAYS.
    replay_expired_at: Mapped[datetime | None]
    peak_viewers: Mapped[int] = mapped_column(default=0)
    reminders_sent: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = created_at_column()


class QuestionStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    ANSWERED = "answered"
    REJECTED = "rejected"


class BroadcastQuestion(Base):
    """A viewer's question; viewers see it once a moderator approved it."""

    __tablename__ = "broadcast_questions"
    __table_args__ = (
        sa.Index("ix_broadcast_questions_broadcast_status", "broadcast_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    broadcast_id: Mapped[int] = mapped_column(sa.ForeignKey("broadcasts.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[QuestionStatus] = enum_column(QuestionStatus, default=QuestionStatus.PENDING)
    answer: Mapped[str] = mapped_column(sa.Text, default="")
    answered_on_air: Mapped[bool] = mapped_column(default=False)
    pinned: Mapped[bool] = mapped_column(default=False)
    votes: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = created_at_column()
    answered_at: Mapped[datetime | None]

    author = relationship("User")


class BroadcastVote(Base):
    """One upvote per viewer and question (the primary key decides double clicks)."""

    __tablename__ = "broadcast_votes"

    question_id: Mapped[int] = mapped_column(
        sa.ForeignKey("broadcast_questions.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )


class BroadcastViewer(Base):
    """Someone who watched: a signed-in user (``user:<id>``, with their region) or an
    anonymous browser (``anon:<random>``, region unknown)."""

    __tablename__ = "broadcast_viewers"

    broadcast_id: Mapped[int] = mapped_column(
        sa.ForeignKey("broadcasts.id", ondelete="CASCADE"), primary_key=True
    )
    viewer_key: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    region_code: Mapped[str | None] = mapped_column(sa.String(12))
    first_seen: Mapped[datetime] = created_at_column()


class BroadcastPin(Base):
    """A job card pinned during a fair livestream."""

    __tablename__ = "broadcast_pins"

    broadcast_id: Mapped[int] = mapped_column(
        sa.ForeignKey("broadcasts.id", ondelete="CASCADE"), primary_key=True
    )
    job_id: Mapped[int] = mapped_column(
        sa.ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True
    )
    pinned_at: Mapped[datetime] = created_at_column()


class BroadcastApplication(Base):
    """An application made from a pinned job card: counted in the broadcast's figures and,
    as a fair application, in its fair's."""

    __tablename__ = "broadcast_applications"

    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("applications.id", ondelete="CASCADE"), primary_key=True
    )
    broadcast_id: Mapped[int] = mapped_column(
        sa.ForeignKey("broadcasts.id", ondelete="CASCADE"), index=True
    )


class BroadcastReminder(Base):
    """A viewer who asked to be reminded when the broadcast starts."""

    __tablename__ = "broadcast_reminders"

    broadcast_id: Mapped[int] = mapped_column(
        sa.ForeignKey("broadcasts.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
