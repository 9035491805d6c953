"""Remote identity checks (远程核验) of an employer's legal representative, and how long
their snapshots are kept.

The media server decides only what it can observe (a face, a head turn, a blink, a voice);
whether the person is the legal representative is an official's decision, recorded here.
Snapshots are personal data: they are deleted after the region's retention period and the
row keeps the decision (and the automated outcome) without them.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, created_at_column, enum_column, utcnow

if TYPE_CHECKING:
    from app.models.employers import Employer


class IdentityState(enum.StrEnum):
    STARTED = "started"  # room open, no stored result yet
    CHECKED = "checked"  # automated result stored, waiting for an official
    APPROVED = "approved"
    REJECTED = "rejected"
    EXPIRED = "expired"  # never decided; the snapshots were deleted


class IdentityCheck(Base):
    __tablename__ = "identity_checks"

    id: Mapped[int] = mapped_column(primary_key=True)
    employer_id: Mapped[int] = mapped_column(
        sa.ForeignKey("employers.id", ondelete="CASCADE"), index=True
    )
    started_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    room_id: Mapped[str] = mapped_column(sa.String(32), unique=True)
    state: Mapped[IdentityState] = enum_column(IdentityState, default=IdentityState.STARTED)
    result: Mapped[dict[str, Any] | None]
    """The media server's final liveness result (docs/video.md), without snapshot names."""
    snapshots: Mapped[list[str]] = mapped_column(default=list)
    """File names in ``VIDEO_SNAPSHOT_DIR/<room_id>/``; emptied when they are deleted."""
    snapshots_deleted_at: Mapped[datetime | None]
    checked_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    decided_at: Mapped[datetime | None]
    reasons: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = created_at_column()

    employer: Mapped[Employer] = relationship()


class RetentionPolicy(Base):
    """How many days identity snapshots are kept in a region; the nearest ancestor's applies."""

    __tablename__ = "retention_policies"

    id: Mapped[int] = mapped_column(primary_key=True)
    region_code: Mapped[str] = mapped_column(
        sa.ForeignKey("regions.code", ondelete="CASCADE"), unique=True
    )
    days: Mapped[int]
    updated_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
