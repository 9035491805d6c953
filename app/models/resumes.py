"""Résumés and uploaded résumé files awaiting parsing."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, StoredUpload, created_at_column, enum_column, utcnow

if TYPE_CHECKING:
    from app.models.accounts import User


class Visibility(enum.StrEnum):
    PUBLIC = "public"  # visible to verified employers
    APPLIED = "applied"  # visible only to employers the candidate applied to
    HIDDEN = "hidden"


class EducationLevel(enum.StrEnum):
    NONE = "none"
    MIDDLE_SCHOOL = "middle_school"
    HIGH_SCHOOL = "high_school"
    VOCATIONAL = "vocational"
    ASSOCIATE = "associate"
    BACHELOR = "bachelor"
    MASTER = "master"
    DOCTORATE = "doctorate"


class Resume(Base):
    __tablename__ = "resumes"
    __table_args__ = (
        sa.CheckConstraint(
            "expected_salary_min IS NULL OR expected_salary_max IS NULL "
            "OR expected_salary_min <= expected_salary_max",
            name="expected_salary_range",
        ),
        # At most one default résumé per candidate; one-click apply sends it.
        sa.Index(
            "uq_resumes_default_per_user",
            "user_id",
            unique=True,
            sqlite_where=sa.text("is_default"),
            postgresql_where=sa.text("is_default"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    headline: Mapped[str] = mapped_column(sa.String(120))
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    skills: Mapped[list[str]] = mapped_column(default=list)
    # [{"school", "degree", "major", "start", "end"}]
    education: Mapped[list[dict]] = mapped_column(default=list)
    # [{"title", "company", "description", "start", "end", "years"}]
    experience: Mapped[list[dict]] = mapped_column(default=list)
    certificates: Mapped[list[str]] = mapped_column(default=list)
    education_level: Mapped[EducationLevel] = enum_column(
        EducationLevel, default=EducationLevel.HIGH_SCHOOL
    )
    years_experience: Mapped[int] = mapped_column(default=0)
    expected_salary_min: Mapped[int | None]
    expected_salary_max: Mapped[int | None]
    expected_region_codes: Mapped[list[str]] = mapped_column(default=list)
    # CSCO 2022 occupation codes the candidate looks for (chosen by name in the builder).
    expected_occupations: Mapped[list[str]] = mapped_column(
        default=list, server_default=sa.text("'[]'")
    )
    region_code: Mapped[str | None] = mapped_column(sa.ForeignKey("regions.code"), index=True)
    willing_to_relocate: Mapped[bool] = mapped_column(default=False)
    available_from: Mapped[date | None]
    contact_phone: Mapped[str | None] = mapped_column(sa.String(20))
    contact_email: Mapped[str | None] = mapped_column(sa.String(254))
    visibility: Mapped[Visibility] = enum_column(Visibility, default=Visibility.PUBLIC)
    is_default: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow, index=True)

    user: Mapped[User] = relationship()


class ParseStatus(enum.StrEnum):
    PENDING = "pending"
    PARSED = "parsed"
    FAILED = "failed"


class ResumeFile(StoredUpload, Base):
    """An uploaded PDF/DOCX; a worker parses it into draft fields the candidate confirms."""

    __tablename__ = "resume_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    parse_status: Mapped[ParseStatus] = enum_column(ParseStatus, default=ParseStatus.PENDING)
    parse_error: Mapped[str | None] = mapped_column(sa.String(300))
    parsed_fields: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = created_at_column()
    # When its draft was last copied into the résumé: the page says the file was used.
    confirmed_at: Mapped[datetime | None]
