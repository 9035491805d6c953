"""The platform's calendar: Beijing time (UTC+8 all year), in which apply-by dates, daily
mail and the officials' days are counted, wherever the servers run."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

BEIJING = ZoneInfo("Asia/Shanghai")


def today(now: datetime | None = None) -> date:
    """Beijing's date at NOW (naive UTC, as the models store it; default: the present)."""
    moment = now.replace(tzinfo=UTC) if now is not None else datetime.now(UTC)
    return moment.astimezone(BEIJING).date()


def day_start(day: date) -> datetime:
    """The moment (naive UTC, as stored) Beijing's DAY begins."""
    return datetime.combine(day, time(), BEIJING).astimezone(UTC).replace(tzinfo=None)


def sql_day(session: Session, column: sa.ColumnElement) -> sa.ColumnElement:
    """Beijing's date of COLUMN (naive UTC, as stored) in SQL, on PostgreSQL and SQLite, for
    per-day figures: a night's applications after midnight in Beijing (16:00 UTC) belong to
    the next day. Beijing keeps UTC+8 all year, so a fixed shift is exact. Rows read it as a
    date on both databases."""
    if session.get_bind().dialect.name == "postgresql":
        return sa.cast(column + sa.literal_column("interval '8 hours'", sa.Interval), sa.Date)
    return sa.func.date(column, "+8 hours", type_=sa.Date)
