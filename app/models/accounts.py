"""Users, their roles, and API tokens."""

from __future__ import annotations

import enum
import hashlib
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, created_at_column, enum_column

if TYPE_CHECKING:
    from app.models.employers import EmployerMember
    from app.models.regions import Region


def digest(secret: str) -> str:
    """What is stored of a secret the user holds (API token, sign-in key): its SHA-256."""
    return hashlib.sha256(secret.encode()).hexdigest()


class Role(enum.StrEnum):
    SEEKER = "seeker"
    EMPLOYER = "employer"
    OFFICIAL = "official"
    ADMIN = "admin"


class User(UserMixin, Base):
    __tablename__ = "users"
    __table_args__ = (
        # An official without a region would see nothing or everything; neither is allowed.
        sa.CheckConstraint(
            "role != 'official' OR region_code IS NOT NULL", name="official_has_region"
        ),
        sa.CheckConstraint("email = lower(email)", name="email_lower"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    name: Mapped[str] = mapped_column(sa.String(80))
    phone: Mapped[str | None] = mapped_column(sa.String(20))
    role: Mapped[Role] = enum_column(Role, index=True)
    # Officials: the root of the region subtree they may see. Others: where they live or work.
    region_code: Mapped[str | None] = mapped_column(sa.ForeignKey("regions.code"), index=True)
    locale: Mapped[str | None] = mapped_column(sa.String(8))
    timezone: Mapped[str] = mapped_column(sa.String(40), default="Asia/Shanghai")
    email_confirmed_at: Mapped[datetime | None]
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = created_at_column()
    last_login_at: Mapped[datetime | None]
    # Consent (app/privacy): the privacy notice version accepted last, and the separate
    # consent to let employers see the résumé (None: not given or withdrawn).
    privacy_notice_version: Mapped[int] = mapped_column(default=0, server_default="0")
    privacy_accepted_at: Mapped[datetime | None]
    resume_consent_at: Mapped[datetime | None]
    # Mail for notifications; in-app notifications are always kept.
    notify_email: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    # Deletion asked for: the account is erased after this moment unless cancelled.
    delete_after: Mapped[datetime | None] = mapped_column(index=True)
    deleted_at: Mapped[datetime | None]

    region: Mapped[Region | None] = relationship(lazy="joined")
    membership: Mapped[EmployerMember | None] = relationship(
        back_populates="user", uselist=False, lazy="selectin"
    )

    @property
    def is_active(self) -> bool:  # Flask-Login refuses sessions of deactivated users
        return self.active

    @property
    def employer(self):
        return self.membership.employer if self.membership else None

    # The key of the sign-in this request came with (see SignIn); set at log-in and by the
    # session loader, never stored on the row.
    sign_in_key = None

    def get_id(self) -> str:
        """What the session and the remember-me cookie hold: the user and the sign-in, so that
        ending the sign-in (logout, password reset, "sign out other devices") ends both."""
        return f"{self.id}:{self.sign_in_key}"

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


class SignIn(Base):
    """One signed-in browser. Sessions and remember-me cookies are only as good as their row:
    deleting it signs that browser out, even from a cookie copied before. Only the SHA-256 of
    the key is stored."""

    __tablename__ = "sign_ins"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    key_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    user_agent: Mapped[str] = mapped_column(sa.String(200), default="")
    created_at: Mapped[datetime] = created_at_column()


class ApiToken(Base):
    """A bearer token for /api/v1. Only its SHA-256 is stored; the token is shown once."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = created_at_column()
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()

    hash = staticmethod(digest)
