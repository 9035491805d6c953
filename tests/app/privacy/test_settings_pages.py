"""The privacy and security settings as a person uses them: one date for one deletion, an
error in view where it was made, and results said on the page of the button."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

import pytest

from app.extensions import db
from app.models import Role
from tests import factories
from tests.web import as_user, login, post_form, sign_out

MOMENT = r"\d{4}-\d\d-\d\d \d\d:\d\d [^<.]+"


@pytest.mark.parametrize(
    ("zone", "words"), [("Asia/Shanghai", "Beijing time"), ("Europe/London", "London time")]
)
def test_the_deletion_is_one_moment_said_the_same_way_in_the_readers_zone(client, zone, words):
    user = as_user(client, factories.user(Role.SEEKER, locale="en", timezone=zone))
    asked = post_form(
        client, "/settings/privacy/delete", {"password": factories.PASSWORD}, "/settings/privacy"
    )
    assert asked.status_code == 303
    page = client.get(asked.location).get_data(as_text=True)
    banner = re.search(rf"Your account will be deleted on ({MOMENT})\. Until then", page)
    section = re.search(rf"Your account will be deleted on ({MOMENT})\.</p>", page)
    assert banner and section, page
    assert banner.group(1) == section.group(1)
    assert words in banner.group(1)
    db.session.refresh(user)
    local = user.delete_after.replace(tzinfo=ZoneInfo("UTC")).astimezone(ZoneInfo(zone))
    assert banner.group(1).startswith(local.strftime("%Y-%m-%d %H:%M"))


def test_a_wrong_password_comes_back_with_its_error_in_view(client):
    user = as_user(client, factories.user(Role.SEEKER, locale="en"))
    refused = post_form(
        client, "/settings/privacy/delete", {"password": "not mine"}, "/settings/privacy"
    )
    assert refused.status_code == 403
    page = refused.get_data(as_text=True)
    field = re.search(r"<input[^>]*id=\"password\"[^>]*>", page).group(0)
    assert "autofocus" in field and 'aria-invalid="true"' in field
    after_field = page[page.index(field) :]
    assert after_field.index("Your password is not correct.") < after_field.index("</form>")
    db.session.refresh(user)
    assert user.delete_after is None
    empty = post_form(client, "/settings/privacy/delete", {"password": ""}, "/settings/privacy")
    assert empty.status_code == 422 and "autofocus" in empty.get_data(as_text=True)


def test_a_password_change_speaks_of_other_devices_only_when_there_were_some(app, client):
    user = as_user(client, factories.user(locale="en"))
    new = {"current": factories.PASSWORD, "password": "brand-new-pass", "confirm": "brand-new-pass"}
    changed = post_form(client, "/settings/security", new)
    assert (changed.status_code, changed.location) == (303, "/settings/security")
    page = client.get(changed.location).get_data(as_text=True)
    assert "Your password is changed." in page
    assert "signed out." not in page and "0 other" not in page

    phone, laptop = app.test_client(), app.test_client()
    for browser in (phone, laptop):
        assert login(browser, user.email, "brand-new-pass").status_code == 302
    again = {"current": "brand-new-pass", "password": "newer-pass-42", "confirm": "newer-pass-42"}
    changed = post_form(client, "/settings/security", again)
    page = client.get(changed.location).get_data(as_text=True)
    assert "Your password is changed. 2 other devices were signed out." in page
    assert phone.get("/settings/security").status_code == 302


def test_signing_out_other_devices_answers_on_the_security_page(app, client):
    user = as_user(client, factories.user(locale="en"))
    phone = app.test_client()
    login(phone, user.email, factories.PASSWORD)
    ended = post_form(client, "/settings/sign-out-others", {}, "/settings/security")
    assert (ended.status_code, ended.location) == (303, "/settings/security")
    page = client.get(ended.location).get_data(as_text=True)
    assert "Signed out on 1 other device." in page
    assert 'aria-current="page">Password and devices' in page


def test_the_chinese_page_says_the_deletion_moment_once_in_beijing_time(client):
    """Read in Chinese (the account's language), the banner and the section agree too."""
    as_user(client, factories.user(Role.SEEKER, locale="zh"))
    asked = post_form(
        client, "/settings/privacy/delete", {"password": factories.PASSWORD}, "/settings/privacy"
    )
    page = client.get(asked.location).get_data(as_text=True)
    moments = set(re.findall(r"\d{4}-\d\d-\d\d \d\d:\d\d 北京时间", page))
    assert len(moments) == 1, moments


@pytest.mark.parametrize(
    ("days", "locale", "said"),
    [
        (14, "en", "After 14 days your personal data is erased"),
        (1, "en", "After 1 day your personal data is erased"),
        (14, "zh", "14 天后您的个人信息将被删除"),
    ],
)
def test_the_grace_period_said_is_the_one_configured(app, client, days, locale, said):
    app.config["DELETION_GRACE_DAYS"] = days
    as_user(client, factories.user(Role.SEEKER, locale=locale))
    assert said in client.get("/settings/privacy").get_data(as_text=True)
    notice = client.get("/privacy").get_data(as_text=True)
    assert (f"after {days} day" if locale == "en" else f"在 {days} 天后生效") in notice


@pytest.mark.parametrize(
    ("hours", "locale", "said"),
    [
        (48, "en", "The download link works for 48 hours."),
        (1, "en", "The download link works for 1 hour."),
        (48, "zh", "下载链接 48 小时内有效。"),
    ],
)
def test_the_download_links_hours_said_are_the_ones_configured(app, client, hours, locale, said):
    app.config["EXPORT_VALID_HOURS"] = hours
    as_user(client, factories.user(Role.SEEKER, locale=locale))
    assert said in client.get("/settings/privacy").get_data(as_text=True)
    sign_out(client)
    gone = client.get("/privacy/exports/no-such-link", headers={"Accept-Language": locale})
    assert gone.status_code == 404
    expected = {
        "en": f"A link to a copy of your data works for {hours} hour",
        "zh": f"数据副本的下载链接有效期为 {hours} 小时。",
    }[locale]
    assert expected in gone.get_data(as_text=True)
