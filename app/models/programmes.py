"""Public programmes run by officials: job fairs, labor cooperation, resumption reports."""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app import clock
from app.models.base import Base, created_at_column, enum_column


class JobFair(Base):
    """An online job fair (云招聘): a theme, dates, the regions and sectors it serves."""

    __tablename__ = "job_fairs"
    __table_args__ = (sa.CheckConstraint("starts_on <= ends_on", name="dates_ordered"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(120))
    theme: Mapped[str] = mapped_column(sa.Text, default="")
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    region_code: Mapped[str] = mapped_column(sa.ForeignKey("regions.code"), index=True)
    sectors: Mapped[list[str]] = mapped_column(default=list)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = created_at_column()


class FairEmployer(Base):
    __tablename__ = "fair_employers"

    fair_id: Mapped[int] = mapped_column(
        sa.ForeignKey("job_fairs.id", ondelete="CASCADE"), primary_key=True
    )
    employer_id: Mapped[int] = mapped_column(
        sa.ForeignKey("employers.id", ondelete="CASCADE"), primary_key=True
    )
    registered_at: Mapped[datetime] = created_at_column()


class FairJob(Base):
    __tablename__ = "fair_jobs"

    fair_id: Mapped[int] = mapped_column(
        sa.ForeignKey("job_fairs.id", ondelete="CASCADE"), primary_key=True
    )
    job_id: Mapped[int] = mapped_column(
        sa.ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True
    )


class AgreementStatus(enum.StrEnum):
    PROPOSED = "proposed"  # one side's officials entered it: the other side's must accept
    ACTIVE = "active"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"  # the proposing side took it back before an answer
    ENDED = "ended"  # ended early by either side (an agreement past its dates stays active)


class CooperationAgreement(Base):
    """Labor cooperation (劳务协作): workers from an origin region to jobs in a destination."""

    __tablename__ = "cooperation_agreements"
    __table_args__ = (
        sa.CheckConstraint("origin_code != destination_code", name="distinct_regions"),
        sa.CheckConstraint("starts_on <= ends_on", name="dates_ordered"),
        sa.CheckConstraint("workers_target >= 0", name="target_nonnegative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    origin_code: Mapped[str] = mapped_column(sa.ForeignKey("regions.code"), index=True)
    destination_code: Mapped[str] = mapped_column(sa.ForeignKey("regions.code"), index=True)
    sectors: Mapped[list[str]] = mapped_column(default=list)
    workers_target: Mapped[int] = mapped_column(default=0)
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    status: Mapped[AgreementStatus] = enum_column(AgreementStatus, default=AgreementStatus.ACTIVE)
    # The end whose officials answer a proposal (None when its author spoke for both ends).
    awaiting_code: Mapped[str | None] = mapped_column(sa.ForeignKey("regions.code"))
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = created_at_column()
    answered_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    answered_at: Mapped[datetime | None]
    ended_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    ended_at: Mapped[datetime | None]

    @property
    def last_day(self) -> date:
        """The last day it ran or runs: its end date, or the (Beijing) day it was ended."""
        if self.status == AgreementStatus.ENDED and self.ended_at is not None:
            return min(self.ends_on, clock.today(self.ended_at))
        return self.ends_on


class ResumptionReport(Base):
    """An employer's report on resuming work (复工复产), one per employer per day."""

    __tablename__ = "resumption_reports"
    __table_args__ = (
        sa.UniqueConstraint("employer_id", "report_date"),
        sa.CheckConstraint(
            "workers_back >= 0 AND workers_back <= workers_total", name="workers_range"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    employer_id: Mapped[int] = mapped_column(sa.ForeignKey("employers.id", ondelete="CASCADE"))
    report_date: Mapped[date]
    resumed: Mapped[bool]
    resumed_on: Mapped[date | None]
    workers_back: Mapped[int]
    workers_total: Mapped[int]
    obstacles: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = created_at_column()
