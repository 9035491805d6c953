"""Hiring subsidies (亲清在线): policies defined as data, and employers' one-click claims.

The platform computes eligibility and the amount from its own records, so an employer
uploads nothing. The budget is enforced by the database: ``committed_amount`` only grows
through a conditional UPDATE, and a CHECK refuses any row where it exceeds the budget.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, created_at_column, enum_column


class SubsidyRule(enum.StrEnum):
    # A fixed amount per worker hired whose home region is in a cooperation origin.
    PER_HIRE_FROM_PARTNER_REGION = "per_partner_hire"
    # A fixed amount for micro and small employers that reported resuming by a date.
    SMALL_ENTERPRISE_RESUMED_BY = "small_resumed_by"


class ClaimStatus(enum.StrEnum):
    CLAIMED = "claimed"
    APPROVED = "approved"
    REJECTED = "rejected"
    PAID = "paid"


class SubsidyPolicy(Base):
    __tablename__ = "subsidy_policies"
    __table_args__ = (
        sa.CheckConstraint(
            "amount > 0 AND per_employer_cap > 0 AND budget > 0", name="amounts_positive"
        ),
        sa.CheckConstraint(
            "committed_amount >= 0 AND committed_amount <= budget", name="within_budget"
        ),
        sa.CheckConstraint("starts_on <= ends_on", name="dates_ordered"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    rule: Mapped[SubsidyRule] = enum_column(SubsidyRule)
    # Yuan per hire (per_hire rule) or per employer (resumed rule).
    amount: Mapped[int]
    per_employer_cap: Mapped[int]
    budget: Mapped[int]
    committed_amount: Mapped[int] = mapped_column(default=0, server_default="0")
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    # Employers located in this subtree may claim.
    region_code: Mapped[str] = mapped_column(sa.ForeignKey("regions.code"), index=True)
    resumed_by: Mapped[date | None]
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = created_at_column()


class SubsidyClaim(Base):
    """One claim per employer and policy: the unique key makes a double claim impossible."""

    __tablename__ = "subsidy_claims"
    __table_args__ = (
        sa.UniqueConstraint("policy_id", "employer_id"),
        sa.CheckConstraint("amount > 0", name="amount_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    policy_id: Mapped[int] = mapped_column(sa.ForeignKey("subsidy_policies.id", ondelete="CASCADE"))
    employer_id: Mapped[int] = mapped_column(
        sa.ForeignKey("employers.id", ondelete="CASCADE"), index=True
    )
    amount: Mapped[int]
    # What the amount was computed from (e.g. the hires counted), kept for the reviewer.
    basis: Mapped[int] = mapped_column(default=0)
    status: Mapped[ClaimStatus] = enum_column(ClaimStatus, default=ClaimStatus.CLAIMED, index=True)
    claimed_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = created_at_column()
    reviewed_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    reviewed_at: Mapped[datetime | None]
    paid_at: Mapped[datetime | None]
