"""Conversations between an employer and a candidate about one job, their messages, saved
job searches with alerts, and favourite jobs."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, created_at_column, enum_column, utcnow

if TYPE_CHECKING:
    from app.models.accounts import User
    from app.models.employers import Employer
    from app.models.jobs import Job


class Side(enum.StrEnum):
    CANDIDATE = "candidate"
    EMPLOYER = "employer"


class Conversation(Base):
    """One per job and candidate. The employer side is the company: any of its members may
    answer. Read positions are message ids (read receipts); contact details are exchanged
    only once both sides have agreed."""

    __tablename__ = "conversations"
    __table_args__ = (
        sa.UniqueConstraint("job_id", "candidate_id"),
        sa.Index("ix_conversations_employer_last", "employer_id", "last_message_at"),
        sa.Index("ix_conversations_candidate_last", "candidate_id", "last_message_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(sa.ForeignKey("jobs.id", ondelete="CASCADE"))
    candidate_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    employer_id: Mapped[int] = mapped_column(sa.ForeignKey("employers.id", ondelete="CASCADE"))
    started_by: Mapped[Side] = enum_column(Side, name="started_by")
    created_at: Mapped[datetime] = created_at_column()
    last_message_at: Mapped[datetime] = mapped_column(default=utcnow)
    candidate_read_up_to: Mapped[int] = mapped_column(default=0)
    employer_read_up_to: Mapped[int] = mapped_column(default=0)
    candidate_shares_contact: Mapped[bool] = mapped_column(default=False)
    employer_shares_contact: Mapped[bool] = mapped_column(default=False)
    # The WeChat IDs each side gave when agreeing; shown with the phones once both agreed.
    candidate_wechat: Mapped[str] = mapped_column(sa.String(40), default="", server_default="")
    employer_wechat: Mapped[str] = mapped_column(sa.String(40), default="", server_default="")
    shared_resume_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("resumes.id", ondelete="SET NULL")
    )
    # Each side's own block: the conversation is closed while either stands, and a side
    # lifts only its own (the company unblocking does not undo the candidate's block).
    blocked_by_candidate: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    blocked_by_employer: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # A report sends the conversation to the officials of the employer's region, who may
    # then read it (and only then).
    reported_at: Mapped[datetime | None]
    report_reason: Mapped[str] = mapped_column(sa.Text, default="")
    reported_by: Mapped[Side | None] = enum_column(Side, name="reported_by", nullable=True)

    job: Mapped[Job] = relationship(lazy="joined")
    candidate: Mapped[User] = relationship()
    employer: Mapped[Employer] = relationship()

    @property
    def blocked(self) -> bool:
        return self.blocked_by_candidate or self.blocked_by_employer


class Message(Base):
    __tablename__ = "messages"
    __table_args__ = (sa.Index("ix_messages_conversation_id", "conversation_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("conversations.id", ondelete="CASCADE")
    )
    sender_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    side: Mapped[Side] = enum_column(Side, name="side")
    text: Mapped[str] = mapped_column(sa.Text)
    # "text", or what the system wrote for an action: "resume_shared", "contact_shared".
    kind: Mapped[str] = mapped_column(sa.String(20), default="text")
    created_at: Mapped[datetime] = created_at_column()


class AlertFrequency(enum.StrEnum):
    INSTANT = "instant"
    DAILY = "daily"
    OFF = "off"


class SavedSearch(Base):
    """A job search a candidate keeps: the /jobs/ query string's text and filters, and how
    often new matching jobs are sent (in the app and by mail)."""

    __tablename__ = "saved_searches"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    query: Mapped[str] = mapped_column(sa.String(200), default="")
    filters: Mapped[dict[str, Any]] = mapped_column(default=dict)
    frequency: Mapped[AlertFrequency] = enum_column(AlertFrequency, default=AlertFrequency.DAILY)
    created_at: Mapped[datetime] = created_at_column()
    # Jobs published after this were not sent yet.
    alerted_until: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()


class Favourite(Base):
    __tablename__ = "favourites"

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    job_id: Mapped[int] = mapped_column(
        sa.ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = created_at_column()
