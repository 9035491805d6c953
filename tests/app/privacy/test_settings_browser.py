"""On a phone, a refused form at the foot of a long page comes back with its error in view
and its field focused, in either language."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from app.extensions import db
from app.models import Role
from tests import factories
from tests.web import focus_settles_on, sign_in_page

PHONE = {"width": 390, "height": 844}
SHOTS = os.environ.get("YUNPIN_SHOTS")  # a folder to keep the screenshots in, when set


def in_view(page, selector: str) -> bool:
    return page.evaluate(
        """(selector) => {
            const box = document.querySelector(selector).getBoundingClientRect();
            return box.top >= 0 && box.bottom <= window.innerHeight;
        }""",
        selector,
    )


@pytest.mark.browser
@pytest.mark.parametrize(
    ("language", "error"), [("en", "Your password is not correct."), ("zh", "密码不正确")]
)
def test_a_wrong_password_on_the_phone_shows_its_error_at_the_field(
    browser, live_server, tmp_path, language, error
):
    base, app = live_server
    with app.app_context():
        user = factories.user(Role.SEEKER, email=f"fang-{language}@example.com", locale=language)
        db.session.commit()
        email = user.email
    context = browser.new_context(viewport=PHONE, locale="en-US")
    page = context.new_page()
    sign_in_page(page, base, email)
    page.goto(base + "/settings/privacy")
    page.locator("#password").fill("not my password")
    page.locator("#delete-account").click()
    page.wait_for_load_state()
    assert focus_settles_on(page, "password")
    assert in_view(page, "#password-error")
    assert error in page.locator("#password-error").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    folder = Path(SHOTS) if SHOTS else tmp_path
    page.screenshot(path=str(folder / f"delete-refused-{language}.png"))
    context.close()


@pytest.mark.browser
@pytest.mark.parametrize(
    ("language", "error"),
    [("en", "Say why the check is rejected"), ("zh", "请填写不通过的原因")],
)
def test_rejecting_an_identity_check_without_a_reason_on_the_phone(
    browser, live_server, tmp_path, language, error
):
    from tests.app.identity.conftest import checked

    base, app = live_server
    with app.app_context():
        owner = factories.user(Role.EMPLOYER)
        employer = factories.employer(owner=owner, verified=False, legal_rep_name="王五")
        official = factories.user(Role.OFFICIAL, region_code="420102", locale=language)
        db.session.commit()
        checked(app, employer, owner)
        review, email, name = f"/officials/reviews/{employer.id}", official.email, employer.name
    context = browser.new_context(viewport=PHONE, locale="en-US")
    page = context.new_page()
    sign_in_page(page, base, email)
    page.goto(base + review)
    page.locator("#identity-decision-1").check()  # reject
    page.locator("#identity-decision button").click()
    page.wait_for_load_state()
    assert page.url.endswith("/decide")  # the review page, rendered again
    assert page.locator("h1").inner_text() == name
    assert focus_settles_on(page, "identity-reasons")
    assert in_view(page, "#identity-reasons-error")
    assert error in page.locator("#identity-reasons-error").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    folder = Path(SHOTS) if SHOTS else tmp_path
    page.screenshot(path=str(folder / f"identity-refused-{language}.png"))
    context.close()
