"""Sending mail from request code: render now (in the recipient's language), deliver later."""

from __future__ import annotations

from flask import render_template
from flask_babel import force_locale
from rq import Retry

from app.queue import defer

MAIL_RETRY = Retry(max=6, interval=[10, 60, 300, 900, 3600, 3 * 3600])
"""An SMTP server that is down for a while delays mail instead of losing it (about 5 hours
of tries); what still fails stays in RQ's failed-job registry for an administrator."""


def one_line(text: str, limit: int = 120) -> str:
    """A mail subject is one line: the first line of TEXT, cut at LIMIT characters, marked
    with … when anything was left out (the whole text is in the body)."""
    lines = text.strip().splitlines() or [""]
    subject = " ".join(lines[0].split())
    if len(subject) > limit or len(lines) > 1:
        subject = subject[: limit - 1].rstrip() + "…"
    return subject


def send_email(to: str, subject: str, template: str, locale: str | None = None, **context) -> None:
    """Queue a plain-text email rendered from ``mail/<template>.txt``.

    Delivery happens in a worker after the current transaction commits, so a failed request
    sends nothing and a slow SMTP server never holds a request.
    """
    with force_locale(locale or "zh"):
        text = render_template(f"mail/{template}.txt", **context)
        subject = one_line(str(subject))
    defer("app.notifications.tasks.deliver", to, subject, text, retry=MAIL_RETRY)
