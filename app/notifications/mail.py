"""Sending mail from request code: render now (in the recipient's language), deliver later."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from flask import current_app, has_request_context, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from markupsafe import Markup, escape
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


DEFAULT_URL = "http://127.0.0.1:5000"
"""Where `yunpin run` serves unless told otherwise."""

LINK_KEYS = ("link", "login", "reset")
"""Context values of the mail templates that are links: made absolute before rendering."""

_URL = re.compile(r"https?://[^\s<>\"']+")


def public_url(path: str) -> str:
    """PATH as an absolute link a mail reader can open, on the site's configured address:
    PUBLIC_URL (`yunpin run` sets it to the address it serves), else SERVER_NAME. Only when
    neither is configured, the host of the request that sends the mail, else `yunpin run`'s
    default address. A worker's own request context is no guide: its host is "localhost"."""
    if not path or urlsplit(path).scheme:
        return path
    config = current_app.config
    base = config.get("PUBLIC_URL")
    if not base and config.get("SERVER_NAME"):
        base = f"{config.get('PREFERRED_URL_SCHEME') or 'http'}://{config['SERVER_NAME']}"
    if not base and has_request_context():
        base = request.host_url
    return urljoin((base or DEFAULT_URL).rstrip("/") + "/", path.lstrip("/"))


def link_context():
    """A request context on the public address, for url_for(_external=True) and
    send_email in a worker, which has no request (and url_for none to build on). A POST
    one: the worker writes (GETs may not)."""
    return current_app.test_request_context(base_url=public_url("/"), method="POST")


def linkify(text: str) -> Markup:
    """Plain mail text as HTML: escaped, links clickable, lines kept."""
    escaped = str(escape(text))
    linked = _URL.sub(lambda m: f'<a href="{m.group(0)}">{m.group(0)}</a>', escaped)
    return Markup(linked.replace("\n", "<br>\n"))


def send_email(
    to: str,
    subject: str,
    template: str,
    locale: str | None = None,
    headers: dict[str, str] | None = None,
    **context,
) -> None:
    """Queue an email rendered from ``mail/<template>.txt``, sent as text with an HTML
    alternative (mail/layout.html), every link absolute, and a link to the person's
    notification settings at the foot. HEADERS are added as they are (List-Unsubscribe).

    Delivery happens in a worker after the current transaction commits, so a failed request
    sends nothing and a slow SMTP server never holds a request.
    """
    for key in LINK_KEYS:
        if context.get(key):
            context[key] = public_url(context[key])
    # the page holding the choice of mail (privacy.preferences), at that choice
    settings = public_url(url_for("privacy.settings", _anchor="choices", _external=False))
    with force_locale(locale or "zh"):
        body = render_template(f"mail/{template}.txt", **context).strip()
        footer = _("Choose which emails you get: %(url)s", url=settings)
        text = f"{body}\n\n-- \n{footer}\n"
        html = render_template(
            "mail/layout.html",
            subject=one_line(str(subject)),
            paragraphs=[linkify(p.strip()) for p in body.split("\n\n") if p.strip()],
            settings=settings,
            locale=locale or "zh",
        )
        subject = one_line(str(subject))
    defer("app.notifications.tasks.deliver", to, subject, text, html, headers, retry=MAIL_RETRY)
