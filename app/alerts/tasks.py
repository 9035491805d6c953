"""Alert jobs: instant alerts every 5 minutes, daily ones at 08:00 Beijing time, both
periodic jobs of app/schedule.py. A search's alert lists the jobs published since the last
one, in the app and by mail with a one-click unsubscribe link, then moves the search's mark
forward.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import url_for
from flask_babel import force_locale, ngettext
from sqlalchemy import select

from app.alerts import service
from app.clock import BEIJING
from app.extensions import db
from app.models import AlertFrequency, SavedSearch, utcnow
from app.notifications.mail import link_context, public_url, send_email
from app.notifications.service import notify
from app.worker import task

DAILY_HOUR = 8
"""Daily alerts leave in the 08:00 hour, Beijing time."""


def beijing_hour(now: datetime) -> int:
    """The hour in Beijing at NOW (UTC, naive, as the database stores times)."""
    return now.replace(tzinfo=ZoneInfo("UTC")).astimezone(BEIJING).hour


@task
def instant() -> int:
    """Every 5 minutes (app/schedule.py): the searches with instant alerts."""
    return send_alerts(AlertFrequency.INSTANT)


@task
def daily() -> int:
    """Hourly (app/schedule.py), sending only at 08:00 Beijing time: cron fields are the
    scheduler's local time, which need not be Beijing's."""
    if beijing_hour(utcnow()) != DAILY_HOUR:
        return 0
    return send_alerts(AlertFrequency.DAILY)


def send_alerts(frequency: AlertFrequency) -> int:
    """Alert every search of FREQUENCY that has new jobs; how many alerts were sent."""
    now = utcnow()
    searches = db.session.scalars(
        select(SavedSearch).where(SavedSearch.frequency == frequency)
    ).all()
    sent = 0
    with link_context():
        for saved in searches:
            jobs = service.new_matches(saved, now)
            saved.alerted_until = now
            if jobs:
                alert(saved, jobs)
                sent += 1
        db.session.commit()
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
        subject = ngettext(
            "%(num)d new job for “%(name)s”",
            "%(num)d new jobs for “%(name)s”",
            len(jobs),
            name=saved.name,
        )
    send_email(
        user.email,
        subject,
        "alert",
        locale=user.locale,
        # RFC 8058: mail clients show an unsubscribe button that POSTs to the link.
        headers={
            "List-Unsubscribe": f"<{public_url(unsubscribe)}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
        saved=saved,
        jobs=jobs,
        search_link=search_link,
        unsubscribe=unsubscribe,
    )
