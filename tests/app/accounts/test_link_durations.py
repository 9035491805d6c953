"""Mails with a link say how long it works: the configured time (TOKEN_MAX_AGE_CONFIRM,
TOKEN_MAX_AGE_RESET), the one the link obeys, in the reader's language."""

from __future__ import annotations

import pytest

from app.dev.routes import read_outbox
from app.extensions import db
from app.models import Role
from tests import factories
from tests.web import post_form


@pytest.mark.parametrize(
    ("locale", "said"),
    [("en", "The link is valid for 2 days."), ("zh", "链接 2天内有效。")],
)
def test_the_confirmation_mail_says_the_configured_days(app, client, worker, locale, said):
    app.config["TOKEN_MAX_AGE_CONFIRM"] = 2 * 24 * 3600
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = locale
    form = {"name": "张三", "email": "new@example.com", "password": "s3cret-pass"}
    form |= {"confirm": "s3cret-pass", "role": "seeker", "accept_privacy": "y"}
    assert post_form(client, "/auth/register", form).status_code == 302
    worker()
    (mail,) = read_outbox()
    assert said in mail["body"] and "3 days" not in mail["body"]


@pytest.mark.parametrize(
    ("locale", "seconds", "said"),
    [
        ("en", 3600, "open this link within 1 hour:"),
        ("en", 2 * 3600, "open this link within 2 hours:"),
        ("zh", 30 * 60, "请在 30分钟内打开以下链接"),
    ],
)
def test_the_reset_mail_says_the_configured_time(app, client, worker, locale, seconds, said):
    app.config["TOKEN_MAX_AGE_RESET"] = seconds
    factories.user(Role.SEEKER, email="li@example.com", locale=locale)
    db.session.commit()
    assert post_form(client, "/auth/forgot", {"email": "li@example.com"}).status_code == 302
    worker()
    (mail,) = read_outbox()
    assert said in mail["body"]
