"""A person registers, logs in, logs out and switches language, on a phone and on a desktop."""

from __future__ import annotations

import pytest

from tests.web import VIEWPORTS


@pytest.mark.browser
@pytest.mark.parametrize("size", VIEWPORTS)
def test_register_login_and_switch_language(browser, live_server, size, tmp_path):
    base, _app = live_server
    context = browser.new_context(viewport=VIEWPORTS[size], locale="zh-CN")
    page = context.new_page()
    page.goto(base + "/")
    assert page.locator("html").get_attribute("lang") == "zh-CN"

    page.goto(base + "/auth/register")
    page.get_by_label("Email", exact=False).or_(page.locator("#email")).first.fill(
        f"{size}@example.com"
    )
    page.locator("#name").fill("李雷")
    page.locator("#password").fill("a-good-password")
    page.locator("#confirm").fill("a-good-password")
    page.locator("#accept_privacy").check()
    page.locator("button.button").click()
    # The same answer whether or not the address had an account: a mail, then log in.
    page.wait_for_url("**/auth/login")
    page.screenshot(path=str(tmp_path / f"after-register-{size}.png"), full_page=True)

    page.locator("#email").fill(f"{size}@example.com")
    page.locator("#password").fill("a-good-password")
    page.locator("button.button").click()
    page.wait_for_url(base + "/")
    assert page.locator("form[action$='/auth/logout']").count() == 1
    if size == "phone":  # the navigation, log-out included, is behind the menu button
        page.locator(".menu-toggle").click()
    page.locator("form[action$='/auth/logout'] button").click()
    page.wait_for_load_state()
    assert page.locator("form[action$='/auth/logout']").count() == 0

    page.locator("form.lang button[value=en]").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("nav").get_by_text("Jobs").count() >= 1
    page.locator("form.lang button[value=zh]").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    # Nothing overflows sideways on a phone.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.screenshot(path=str(tmp_path / f"home-{size}.png"), full_page=True)
    context.close()
