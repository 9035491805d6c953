"""The platform's calendar: Beijing time (UTC+8 all year), in which apply-by dates, daily
mail and the officials' days are counted, wherever the servers run."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

BEIJING = ZoneInfo("Asia/Shanghai")


def today(now: datetime | None = None) -> date:
    """Beijing's date at NOW (naive UTC, as the models store it; default: the present)."""
    moment = now.replace(tzinfo=UTC) if now is not None else datetime.now(UTC)
    return moment.astimezone(BEIJING).date()


def day_start(day: date) -> datetime:
    """The moment (naive UTC, as stored) Beijing's DAY begins."""
    return datetime.combine(day, time(), BEIJING).astimezone(UTC).replace(tzinfo=None)
