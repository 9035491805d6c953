"""The credit-based fast track's rules (信用审), as data officials change."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, utcnow


class FastTrackRule(Base):
    """Who is approved at once on a written commitment (告知承诺), in one region's subtree.
    The rule of the nearest region up the tree applies; with none, the defaults below."""

    __tablename__ = "fast_track_rules"
    __table_args__ = (
        sa.CheckConstraint("max_upheld_reports >= 0", name="upheld_not_negative"),
        sa.CheckConstraint("max_returned_reviews >= 0", name="returned_not_negative"),
        sa.CheckConstraint("post_check_days BETWEEN 1 AND 365", name="post_check_days_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    region_code: Mapped[str] = mapped_column(sa.ForeignKey("regions.code"), unique=True)
    enabled: Mapped[bool] = mapped_column(default=True)
    require_valid_credit_code: Mapped[bool] = mapped_column(default=True)
    # Fraud reports upheld against the employer's jobs that still allow the fast track.
    max_upheld_reports: Mapped[int] = mapped_column(default=0)
    # A clean record: documents returned by officials in the last year.
    max_returned_reviews: Mapped[int] = mapped_column(default=0)
    # Days officials have to check the documents after a fast-track approval.
    post_check_days: Mapped[int] = mapped_column(default=20)
    # Revoke automatically when that deadline passes with no check.
    revoke_when_overdue: Mapped[bool] = mapped_column(default=False)
    updated_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
