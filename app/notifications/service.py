"""In-app notifications, each with an email sent through the queue."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from flask_babel import force_locale, gettext, ngettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from app.extensions import db
from app.labels import CANCEL_REASONS, REPORT_REASONS, STAGES
from app.models import Notification, User, utcnow
from app.notifications.mail import send_email
from app.templating import region_names

LATEST = 100
"""How many notifications the page lists, newest first."""


def interview_cancelled(params: dict) -> str:
    """Who cancelled and why, in the reader's language: the reason is a code of
    CANCEL_REASONS, the note the canceller's own words. A take-down is said as the regional
    officials' (its notice names none of them). Rows before 2026-12-05 hold the reason as
    the canceller's words, or "-" for none."""
    reason, job = params.get("reason", ""), params["job"]
    if reason == "job_taken_down":
        return gettext(
            "The interview for %(job)s was cancelled by the regional officials: the posting "
            "was removed after their review.",
            job=job,
        )
    if reason == "job_closed":
        why = str(CANCEL_REASONS[reason])
    else:
        why = params.get("note") or ("" if reason in CANCEL_REASONS or reason == "-" else reason)
    if not why:
        return gettext(
            "The interview for %(job)s was cancelled by %(by)s.", job=job, by=params["by"]
        )
    return gettext(
        "The interview for %(job)s was cancelled by %(by)s: %(reason)s",
        job=job,
        by=params["by"],
        reason=why,
    )


# What each kind of notification says; parameters come from Notification.params.
TEXTS = {
    "application_received": _l("New application from %(candidate)s for %(job)s"),
    "application_received_blind": _l("New application (Applicant #%(n)s) for %(job)s"),
    "stage_changed": _l("Your application for %(job)s moved to: %(stage)s"),
    "stage_changed_message": _l(
        "Your application for %(job)s moved to: %(stage)s. %(employer)s wrote: %(message)s"
    ),
    "invitation": _l("%(employer)s invites you to apply for %(job)s"),
    "job_closed": _l("Job closed: %(employer)s closed %(job)s"),
    "job_taken_down": _l(
        "Removed after a review by the regional officials: %(job)s at %(employer)s. "
        "Do not pay any fees or hand over your ID or other documents for it."
    ),
    "posting_taken_down": lambda params: gettext(
        "Your posting %(job)s was taken down after a review by the regional officials, who "
        "upheld a report on it (%(reason)s)",
        job=params["job"],
        reason=str(REPORT_REASONS.get(params["reason"], params["reason"])),
    ),
    "job_reported": _l("A job was reported as fraudulent: %(job)s"),
    "conversation_reported": _l("A conversation with %(employer)s was reported: read it"),
    "review_approved": _l("Your company documents were approved"),
    "review_returned": _l("Your company documents were returned: %(reasons)s"),
    "review_submitted": _l("%(employer)s submitted documents for review"),
    "post_check_due": _l("%(employer)s was approved on its commitment: check its documents"),
    "fast_track_revoked": _l("The approval of your company was revoked: %(reasons)s"),
    "company_owner": _l("You are now an owner of %(employer)s"),
    "welcome": _l("Welcome to Yunpin"),
    "interview_proposed": _l("%(employer)s proposes interview times for %(job)s: pick one"),
    "interview_rescheduled": _l("%(employer)s proposed new interview times for %(job)s"),
    "interview_scheduled": _l("%(candidate)s picked an interview time for %(job)s"),
    "interview_cancelled": interview_cancelled,
    "interview_reminder_day": _l("Reminder: your interview for %(job)s is in 24 hours"),
    "interview_reminder_soon": _l("Reminder: your interview for %(job)s starts in 15 minutes"),
    "identity_checked": _l(
        "%(employer)s finished a video identity check: compare it with the ID document"
    ),
    "identity_approved": _l("The video identity check of your legal representative was approved"),
    "broadcast_live": _l("Live now: %(title)s"),
    "broadcast_cancelled": _l("Cancelled: “%(title)s”, planned for %(when)s (Beijing time)"),
    "broadcast_rescheduled": _l("New time: “%(title)s” now starts at %(when)s (Beijing time)"),
    # a text that depends on a count is a function of the parameters (the count is in them)
    "saved_search_alert": lambda params: ngettext(
        "%(num)d new job for your saved search “%(name)s”",
        "%(num)d new jobs for your saved search “%(name)s”",
        params["count"],
        name=params["name"],
    ),
    "cooperation_proposed": _l(
        "Labor cooperation %(origin)s → %(destination)s: a proposed agreement awaits your answer"
    ),
    "cooperation_accept": _l(
        "Labor cooperation %(origin)s → %(destination)s: the agreement was accepted and is in force"
    ),
    "cooperation_decline": _l(
        "Labor cooperation %(origin)s → %(destination)s: the proposed agreement was declined"
    ),
    "cooperation_withdraw": _l(
        "Labor cooperation %(origin)s → %(destination)s: the proposed agreement was withdrawn"
    ),
    "cooperation_end": _l(
        "Labor cooperation %(origin)s → %(destination)s: the agreement was ended"
    ),
    "identity_rejected": _l(
        "The video identity check of your legal representative was rejected: %(reasons)s"
    ),
}


NAMED = {"stage": STAGES}
"""Parameters stored as codes and named in the reader's language when shown, so a switch of
language reaches old notifications too (rows before 2026-12-04 hold the name itself)."""

PLACES = ("origin", "destination")
"""Parameters stored as region codes, named in the reader's language when shown."""


def _named(params: dict) -> dict:
    places = region_names([params[key] for key in PLACES if key in params])
    named = {}
    for key, value in params.items():
        if value in NAMED.get(key, ()):
            value = str(NAMED[key][value])
        elif key in PLACES:
            value = places.get(value, value)
        named[key] = value
    return named


def render(notification: Notification) -> str:
    template = TEXTS.get(notification.kind)
    if template is None:
        return notification.kind
    params = _named(notification.params)
    try:
        if callable(template):
            return template(params)
        return str(template) % params
    except (KeyError, TypeError, ValueError):
        return notification.kind if callable(template) else str(template)


def notify(user: User, kind: str, link: str = "", email: bool = True, **params: Any) -> None:
    """Tell USER about an event: in the app now, by email after the transaction commits."""
    note = Notification(user_id=user.id, kind=kind, params=params, link=link)
    db.session.add(note)
    if email and user.notify_email is not False:  # None: a row not yet flushed (default on)
        with force_locale(user.locale or "zh"):
            message = render(note)
        send_email(
            user.email, message, "notification", locale=user.locale, message=message, link=link
        )


def latest(user: User) -> list[Notification]:
    return db.session.scalars(
        select(Notification)
        .where(Notification.user_id == user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(LATEST)
    ).all()


def unread_count(user: User) -> int:
    return db.session.scalar(
        select(func.count()).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    )


def mark_all_read(user: User, ids: Collection[int] | None = None) -> int:
    """Mark USER's unread notifications read, only those with IDS when given; how many."""
    unread = update(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)
    )
    if ids is not None:
        unread = unread.where(Notification.id.in_(ids))
    return db.session.execute(unread.values(read_at=utcnow())).rowcount
