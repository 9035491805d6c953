"""Employers, their members, documents under review, and the review decisions."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, WriteOnlyMapped, mapped_column, relationship

from app.models.base import Base, StoredUpload, created_at_column, enum_column

if TYPE_CHECKING:
    from app.models.accounts import User
    from app.models.jobs import Job
    from app.models.regions import Region


class Industry(enum.StrEnum):
    """Sections of GB/T 4754-2017, the national industry classification."""

    AGRICULTURE = "A"
    MINING = "B"
    MANUFACTURING = "C"
    UTILITIES = "D"
    CONSTRUCTION = "E"
    WHOLESALE_RETAIL = "F"
    TRANSPORT_LOGISTICS = "G"
    HOSPITALITY = "H"
    IT_SOFTWARE = "I"
    FINANCE = "J"
    REAL_ESTATE = "K"
    BUSINESS_SERVICES = "L"
    RESEARCH_TECH = "M"
    ENVIRONMENT_PUBLIC = "N"
    RESIDENT_SERVICES = "O"
    EDUCATION = "P"
    HEALTH_SOCIAL = "Q"
    CULTURE_SPORTS = "R"
    PUBLIC_ADMIN = "S"
    INTERNATIONAL = "T"


class CompanySize(enum.StrEnum):
    """Enterprise size classes used in resumption statistics (micro < 10 staff, ...)."""

    MICRO = "micro"
    SMALL = "small"
    MEDIUM = "medium"
    LARGE = "large"


class VerificationState(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    APPROVED = "approved"


class MemberRole(enum.StrEnum):
    OWNER = "owner"
    RECRUITER = "recruiter"


class Employer(Base):
    __tablename__ = "employers"
    __table_args__ = (sa.CheckConstraint("length(credit_code) = 18", name="credit_code_length"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120), index=True)
    credit_code: Mapped[str] = mapped_column(sa.String(18), unique=True)
    industry: Mapped[Industry] = enum_column(Industry, index=True)
    size: Mapped[CompanySize] = enum_column(CompanySize)
    region_code: Mapped[str] = mapped_column(sa.ForeignKey("regions.code"), index=True)
    address: Mapped[str] = mapped_column(sa.String(200), default="")
    description: Mapped[str] = mapped_column(sa.Text, default="")
    website: Mapped[str | None] = mapped_column(sa.String(200))
    logo_path: Mapped[str | None] = mapped_column(sa.String(200))
    legal_rep_name: Mapped[str | None] = mapped_column(sa.String(80))
    verification_state: Mapped[VerificationState] = enum_column(
        VerificationState, default=VerificationState.DRAFT, index=True
    )
    submitted_at: Mapped[datetime | None]
    verified_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = created_at_column()
    # Blind screening: names, photos, age and gender hidden in the pipeline until shortlisted.
    blind_screening: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # Fast track (信用审): approved on the written commitment made then; the documents are to
    # be checked by officials before POST_CHECK_DUE_AT (None once checked, or never fast-tracked).
    commitment_at: Mapped[datetime | None]
    post_check_due_at: Mapped[datetime | None] = mapped_column(index=True)

    region: Mapped[Region] = relationship(lazy="joined")
    members: Mapped[list[EmployerMember]] = relationship(back_populates="employer")
    jobs: WriteOnlyMapped[Job] = relationship(back_populates="employer")
    documents: Mapped[list[EmployerDocument]] = relationship(
        back_populates="employer", order_by="EmployerDocument.uploaded_at"
    )

    @property
    def verified(self) -> bool:
        return self.verification_state == VerificationState.APPROVED

    @property
    def approved_on_commitment(self) -> bool:
        """Verified on its written commitment, its documents not yet checked by an official:
        badges say so rather than "verified"."""
        return self.verified and self.post_check_due_at is not None


class EmployerMember(Base):
    """A user's seat at an employer. A user works for at most one employer."""

    __tablename__ = "employer_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    employer_id: Mapped[int] = mapped_column(
        sa.ForeignKey("employers.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    role: Mapped[MemberRole] = enum_column(MemberRole)
    created_at: Mapped[datetime] = created_at_column()

    employer: Mapped[Employer] = relationship(back_populates="members", lazy="joined")
    user: Mapped[User] = relationship(back_populates="membership")


class DocumentKind(enum.StrEnum):
    BUSINESS_LICENCE = "business_licence"
    LEGAL_REP_ID = "legal_rep_id"


class EmployerDocument(StoredUpload, Base):
    """A file submitted for online review. Stored outside the web root under a random name."""

    __tablename__ = "employer_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    employer_id: Mapped[int] = mapped_column(
        sa.ForeignKey("employers.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[DocumentKind] = enum_column(DocumentKind)
    sha256: Mapped[str] = mapped_column(sa.String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    uploaded_at: Mapped[datetime] = created_at_column()

    employer: Mapped[Employer] = relationship(back_populates="documents")


class ReviewDecision(enum.StrEnum):
    APPROVED = "approved"
    RETURNED = "returned"


class VerificationReview(Base):
    """An official's decision on an employer's submitted documents."""

    __tablename__ = "verification_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    employer_id: Mapped[int] = mapped_column(
        sa.ForeignKey("employers.id", ondelete="CASCADE"), index=True
    )
    official_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    decision: Mapped[ReviewDecision] = enum_column(ReviewDecision)
    reasons: Mapped[str] = mapped_column(sa.Text, default="")
    fast_track: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = created_at_column()


class MemberInvite(Base):
    """An owner's invitation for a colleague to join the employer, accepted by signed link."""

    __tablename__ = "member_invites"
    __table_args__ = (sa.UniqueConstraint("employer_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    employer_id: Mapped[int] = mapped_column(sa.ForeignKey("employers.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(sa.String(254))
    role: Mapped[MemberRole] = enum_column(MemberRole)
    invited_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = created_at_column()
    accepted_at: Mapped[datetime | None]
