"""Alert jobs: instant alerts every few minutes, daily ones each morning (Beijing time).

Each run re-queues itself with `enqueue_in` (the RQ scheduler started by `yunpin run`);
`ensure_scheduled` starts the two chains once, guarded by a Redis key like the identity
purge. A search's alert lists the jobs published since the last one, in the app and by
mail with a one-click unsubscribe link, then moves the search's mark forward.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask import Flask, current_app, url_for
from flask_babel import force_locale
from sqlalchemy import select

from app.alerts import service
from app.extensions import db
from app.models import AlertFrequency, SavedSearch, utcnow
from app.notifications.mail import send_email
from app.notifications.service import notify
from app.queue import get_queue
from app.redis_store import get_redis
from app.worker import task

INSTANT_EVERY = timedelta(minutes=5)
DAILY_HOUR = 8
"""Daily alerts leave at 08:00 Beijing time."""
BEIJING = ZoneInfo("Asia/Shanghai")
SCHEDULED_KEY = "yunpin:alerts:{}-scheduled"


def next_daily(now: datetime) -> timedelta:
    """How long from NOW (UTC, naive) to the next 08:00 in Beijing."""
    local = now.replace(tzinfo=ZoneInfo("UTC")).astimezone(BEIJING)
    target = local.replace(hour=DAILY_HOUR, minute=0, second=0, microsecond=0)
    if target <= local:
        target += timedelta(days=1)
    return target - local


def _schedule(app: Flask, frequency: str, delay: timedelta) -> None:
    get_redis(app).set(SCHEDULED_KEY.format(frequency), 1, ex=int(delay.total_seconds()) + 3600)
    get_queue(app).enqueue_in(delay, "app.alerts.tasks.send_alerts", frequency)


def ensure_scheduled(app: Flask) -> None:
    """Start the instant and daily chains unless they are running."""
    for frequency in (AlertFrequency.INSTANT, AlertFrequency.DAILY):
        if not get_redis(app).exists(SCHEDULED_KEY.format(frequency)):
            delay = INSTANT_EVERY if frequency == AlertFrequency.INSTANT else next_daily(utcnow())
            _schedule(app, frequency.value, delay)


@task
def send_alerts(frequency: str, reschedule: bool = True) -> int:
    """Alert every search of FREQUENCY that has new jobs; how many alerts were sent."""
    now = utcnow()
    searches = db.session.scalars(
        select(SavedSearch).where(SavedSearch.frequency == AlertFrequency(frequency))
    ).all()
    sent = 0
    for saved in searches:
        jobs = service.new_matches(saved, now)
        saved.alerted_until = now
        if jobs:
            alert(saved, jobs)
            sent += 1
    db.session.commit()
    if reschedule:
        app = current_app._get_current_object()
        delay = INSTANT_EVERY if frequency == AlertFrequency.INSTANT else next_daily(utcnow())
        _schedule(app, frequency, delay)
    return sent


def alert(saved: SavedSearch, jobs: list) -> None:
    user = saved.user
    search_link = url_for("jobs.index", q=saved.query or None, **saved.filters, _external=True)
    notify(
        user, "saved_search_alert", link=search_link, email=False, name=saved.name, count=len(jobs)
    )
    unsubscribe = url_for(
        "alerts.unsubscribe",
        search_id=saved.id,
        token=service.unsubscribe_token(saved),
        _external=True,
    )
    with force_locale(user.locale or "zh"):
        from flask_babel import gettext as _

        subject = _("%(n)d new jobs for “%(name)s”", n=len(jobs), name=saved.name)
    send_email(
        user.email,
        subject,
        "alert",
        locale=user.locale,
        saved=saved,
        jobs=jobs,
        search_link=search_link,
        unsubscribe=unsubscribe,
    )
