"""Job postings and fraud reports against them."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from app.models.base import Base, created_at_column, enum_column, utcnow

if TYPE_CHECKING:
    from app.models.employers import Employer
    from app.models.regions import Region


class JobStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    PAUSED = "paused"
    CLOSED = "closed"


class EmploymentType(enum.StrEnum):
    FULL_TIME = "full_time"
    PART_TIME = "part_time"
    INTERNSHIP = "internship"
    CONTRACT = "contract"
    TEMPORARY = "temporary"


class SalaryPeriod(enum.StrEnum):
    HOUR = "hour"
    DAY = "day"
    MONTH = "month"
    YEAR = "year"


# Hours, days and months in a month of full-time work, to compare salaries on one scale.
MONTHLY_FACTOR = {
    SalaryPeriod.HOUR: 21.75 * 8,
    SalaryPeriod.DAY: 21.75,
    SalaryPeriod.MONTH: 1.0,
    SalaryPeriod.YEAR: 1 / 12,
}


class Job(Base):
    __tablename__ = "jobs"
    __table_args__ = (
        sa.CheckConstraint("salary_min >= 0 AND salary_min <= salary_max", name="salary_range"),
        sa.CheckConstraint("headcount >= 1", name="headcount_positive"),
        sa.Index("ix_jobs_status_region", "status", "region_code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    employer_id: Mapped[int] = mapped_column(
        sa.ForeignKey("employers.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(sa.String(120))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    # A CSCO 2022 occupation code (e.g. 2-02-10-03) or empty when unknown.
    category: Mapped[str] = mapped_column(sa.String(16), default="", index=True)
    skills: Mapped[list[str]] = mapped_column(default=list)
    salary_min: Mapped[int]
    salary_max: Mapped[int]
    salary_period: Mapped[SalaryPeriod] = enum_column(SalaryPeriod, default=SalaryPeriod.MONTH)
    employment_type: Mapped[EmploymentType] = enum_column(EmploymentType)
    headcount: Mapped[int] = mapped_column(default=1)
    region_code: Mapped[str] = mapped_column(sa.ForeignKey("regions.code"), index=True)
    remote: Mapped[bool] = mapped_column(default=False)
    status: Mapped[JobStatus] = enum_column(JobStatus, default=JobStatus.DRAFT)
    deadline: Mapped[date | None]
    screening_questions: Mapped[list[str]] = mapped_column(default=list)
    min_experience_years: Mapped[int] = mapped_column(default=0)
    education_level: Mapped[str] = mapped_column(sa.String(16), default="")
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow, index=True)
    published_at: Mapped[datetime | None]
    # When it closed (the employer, its apply-by date, a repost or the officials), for the
    # page its candidates still read; set by `_stamp_close` whoever closes it.
    closed_at: Mapped[datetime | None]

    employer: Mapped[Employer] = relationship(back_populates="jobs", lazy="joined")
    region: Mapped[Region] = relationship(lazy="joined")

    @validates("status")
    def _stamp_close(self, _key: str, status: JobStatus) -> JobStatus:
        if status == JobStatus.CLOSED and self.status != JobStatus.CLOSED:
            self.closed_at = utcnow()
        return status

    @hybrid_property
    def is_public(self) -> bool:
        """Anyone may find it and apply: published, by an employer whose review was approved.
        Pages, the API, the index, applying and the home page all ask this one question."""
        return self.status == JobStatus.PUBLISHED and self.employer.verified

    @is_public.inplace.expression
    @classmethod
    def _is_public_clause(cls) -> sa.ColumnElement[bool]:
        from app.models.employers import Employer, VerificationState

        approved = sa.select(Employer.id).where(
            Employer.verification_state == VerificationState.APPROVED
        )
        return sa.and_(cls.status == JobStatus.PUBLISHED, cls.employer_id.in_(approved))

    def monthly_salary(self) -> tuple[int, int]:
        factor = MONTHLY_FACTOR[self.salary_period]
        return round(self.salary_min * factor), round(self.salary_max * factor)


class ReportStatus(enum.StrEnum):
    OPEN = "open"
    UPHELD = "upheld"
    DISMISSED = "dismissed"


class JobReport(Base):
    """A report that a posting is fraudulent; officials of the employer's region decide."""

    __tablename__ = "job_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(sa.ForeignKey("jobs.id", ondelete="CASCADE"), index=True)
    reporter_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(sa.String(40))
    details: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[ReportStatus] = enum_column(ReportStatus, default=ReportStatus.OPEN)
    created_at: Mapped[datetime] = created_at_column()
    resolved_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    resolved_at: Mapped[datetime | None]

    job: Mapped[Job] = relationship()
