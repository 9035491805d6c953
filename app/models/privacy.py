"""Exports of everything held about a user (the right of access)."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, created_at_column, enum_column


class ExportStatus(enum.StrEnum):
    PENDING = "pending"
    READY = "ready"
    FAILED = "failed"
    EXPIRED = "expired"
    # Cancelled before its time: the account's password changed or was reset, or it signed
    # out its other devices (app.privacy.export.revoke_exports).
    REVOKED = "revoked"


class DataExport(Base):
    """A zip of a user's data built by a worker; downloadable until EXPIRES_AT."""

    __tablename__ = "data_exports"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[ExportStatus] = enum_column(ExportStatus, default=ExportStatus.PENDING)
    # The zip's random name in the upload folder (beside the uploads; app/privacy/export.py).
    stored_name: Mapped[str | None] = mapped_column(sa.String(80))
    size: Mapped[int | None]
    created_at: Mapped[datetime] = created_at_column()
    ready_at: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]
