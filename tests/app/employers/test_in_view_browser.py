"""Forms sent back with a problem, in Chromium on a phone (390×844) in both languages: the
field to fix has the focus and is on screen, however far down the page it is. Screenshots
land in tmp_path."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.models import Role, VerificationState
from tests import factories
from tests.web import VIEWPORTS, focus_settles_on, sign_in_page


@pytest.fixture
def people(live_server):
    base, app = live_server
    with app.app_context():
        employer = factories.employer(verified=False, name="云聘示范公司", legal_rep_name="王五")
        employer.verification_state = VerificationState.SUBMITTED
        factories.user(Role.OFFICIAL, region_code="4201", email="official@example.com")
        factories.employer(factories.user(Role.EMPLOYER, email="owner@example.com"))
        db.session.commit()
        employer_id = employer.id
        db.session.remove()
    return base, employer_id


def phone(browser, base, email, locale):
    context = browser.new_context(viewport=VIEWPORTS["phone"], locale=locale)
    page = context.new_page()
    sign_in_page(page, base, email)
    return context, page


@pytest.mark.browser
@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
def test_the_field_to_fix_is_focused_on_screen(browser, people, locale, tmp_path):
    base, employer_id = people

    context, page = phone(browser, base, "official@example.com", locale)
    page.goto(f"{base}/officials/reviews/{employer_id}")
    page.locator("input[name=decision][value=returned]").check()
    page.locator("form:has(#reasons) button.button").click()
    page.wait_for_selector("#reasons-error")
    assert focus_settles_on(page, "reasons")
    assert page.locator("input[name=decision][value=returned]").is_checked()
    page.screenshot(path=str(tmp_path / f"review-{locale}.png"))

    page.goto(f"{base}/settings/security")
    page.locator("#current").fill("not my password")
    page.locator("#password").fill("brand-new-pass")
    page.locator("#confirm").fill("brand-new-pass")
    page.locator("form:has(#current) button").first.click()
    page.wait_for_selector("#current-error")
    assert focus_settles_on(page, "current")
    page.screenshot(path=str(tmp_path / f"security-{locale}.png"))
    context.close()

    context, page = phone(browser, base, "owner@example.com", locale)
    page.goto(f"{base}/employers/mine/jobs/new")
    page.locator("#title").fill("仓库管理员")
    page.locator("#salary_min").fill("9000")
    page.locator("#salary_max").fill("8000")
    page.locator("button[name=action][value=publish]").click()
    page.wait_for_selector("#salary_max-error")
    assert focus_settles_on(page, "salary_max")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.screenshot(path=str(tmp_path / f"job-form-{locale}.png"))
    context.close()
