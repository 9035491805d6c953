"""The language a person chose stays theirs: across signing out, and in the mail they get."""

from __future__ import annotations

import re

from sqlalchemy import select

from app import LANGUAGE_COOKIE
from app.dev.routes import read_outbox
from app.extensions import db
from app.models import User
from tests import factories
from tests.web import as_user, csrf_token, post_form


def chinese_browser(app):
    browser = app.test_client()
    browser.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN,zh;q=0.9"
    return browser


def page_language(browser, path: str = "/") -> str:
    page = browser.get(path).get_data(as_text=True)
    return re.search(r'<html[^>]* lang="([^"]+)"', page).group(1)


def language_cookie(browser):
    return browser.get_cookie(LANGUAGE_COOKIE, domain="yunpin.test")


def log_out(browser):
    response = browser.post("/auth/logout", data={"csrf_token": csrf_token(browser, "/")})
    assert response.status_code == 302
    return response


def test_english_chosen_on_a_chinese_browser_survives_signing_out(app):
    browser = chinese_browser(app)
    user = factories.user()
    assert page_language(browser) == "zh-CN"
    chosen = browser.post("/language", data={"lang": "en", "next": "/"})
    cookie = language_cookie(browser)
    assert cookie.value == "en" and cookie.http_only
    assert cookie.expires is not None  # outlives the browser session: about a year
    assert "Max-Age=31536000" in chosen.headers["Set-Cookie"]
    as_user(browser, user)
    assert page_language(browser) == "en"
    log_out(browser)
    assert page_language(browser) == "en"
    assert page_language(browser, "/auth/login") == "en"


def test_signing_out_keeps_the_language_of_the_account(app):
    """A person who chose English in their account, on another device, reads English here
    once signed in, and still after signing out (not their browser's Chinese)."""
    browser = chinese_browser(app)
    as_user(browser, factories.user(locale="en"))
    assert page_language(browser) == "en"
    log_out(browser)
    assert language_cookie(browser).value == "en"
    assert page_language(browser) == "en"


def test_the_confirmation_mail_is_in_the_language_chosen_at_sign_up(app, worker):
    browser = chinese_browser(app)
    browser.post("/language", data={"lang": "en", "next": "/auth/register"})
    registered = post_form(
        browser,
        "/auth/register",
        {
            "name": "Li Lei",
            "email": "lilei@example.com",
            "password": "s3cret-pass",
            "confirm": "s3cret-pass",
            "role": "seeker",
            "accept_privacy": "y",
        },
    )
    assert registered.status_code == 302
    assert worker() == 1
    (mail,) = read_outbox()
    assert mail["subject"] == "Confirm your Yunpin account"
    assert "Please confirm your email address" in mail["body"]
    assert "请" not in mail["body"] and "邮件" not in mail["body"]  # the footer too
    user = db.session.scalar(select(User).where(User.email == "lilei@example.com"))
    assert user.locale == "en"


def test_without_a_choice_the_browser_decides_and_no_cookie_is_kept(app, worker):
    browser = chinese_browser(app)
    post_form(
        browser,
        "/auth/register",
        {
            "name": "李雷",
            "email": "li@example.com",
            "password": "s3cret-pass",
            "confirm": "s3cret-pass",
            "role": "seeker",
            "accept_privacy": "y",
        },
    )
    assert worker() == 1
    (mail,) = read_outbox()
    assert mail["subject"] == "请验证您的云聘账号"
    assert language_cookie(browser) is None


def test_on_a_shared_computer_the_next_person_reads_their_own_accounts_language(app):
    """The cookie is this browser's choice while nobody is signed in: the next person to
    sign in reads the language of their account, not the previous person's."""
    browser = chinese_browser(app)
    as_user(browser, factories.user(locale="en"))
    log_out(browser)
    assert page_language(browser) == "en"
    as_user(browser, factories.user(locale="zh"))
    assert page_language(browser) == "zh-CN"
