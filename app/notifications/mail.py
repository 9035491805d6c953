"""Sending mail from request code: render now (in the recipient's language), deliver later."""

from __future__ import annotations

from flask import render_template
from flask_babel import force_locale

from app.queue import defer


def send_email(to: str, subject: str, template: str, locale: str | None = None, **context) -> None:
    """Queue a plain-text email rendered from ``mail/<template>.txt``.

    Delivery happens in a worker after the current transaction commits, so a failed request
    sends nothing and a slow SMTP server never holds a request.
    """
    with force_locale(locale or "zh"):
        text = render_template(f"mail/{template}.txt", **context)
        subject = str(subject)
    defer("app.notifications.tasks.deliver", to, subject, text)
