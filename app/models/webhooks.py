"""Employers' webhooks and the log of their deliveries."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, created_at_column, enum_column


class DeliveryStatus(enum.StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"  # retries used up (or the address was refused)


class Webhook(Base):
    __tablename__ = "webhooks"

    id: Mapped[int] = mapped_column(primary_key=True)
    employer_id: Mapped[int] = mapped_column(
        sa.ForeignKey("employers.id", ondelete="CASCADE"), index=True
    )
    url: Mapped[str] = mapped_column(sa.String(500))
    events: Mapped[list[str]] = mapped_column(default=list)
    # Shown to the employer (they sign-check with it), so stored as is, not hashed.
    secret: Mapped[str] = mapped_column(sa.String(80))
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = created_at_column()
    deleted_at: Mapped[datetime | None]


class WebhookDelivery(Base):
    """One event sent (or being sent) to one webhook; ATTEMPTS counts the tries."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (sa.Index("ix_webhook_deliveries_hook_created", "webhook_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    webhook_id: Mapped[int] = mapped_column(sa.ForeignKey("webhooks.id", ondelete="CASCADE"))
    event: Mapped[str] = mapped_column(sa.String(60))
    # The exact body sent (its bytes are signed), so a retry sends the same.
    body: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[DeliveryStatus] = enum_column(DeliveryStatus, default=DeliveryStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    response_status: Mapped[int | None]
    error: Mapped[str] = mapped_column(sa.String(300), default="")
    created_at: Mapped[datetime] = created_at_column()
    last_attempt_at: Mapped[datetime | None]
    delivered_at: Mapped[datetime | None]

    webhook: Mapped[Webhook] = relationship()
