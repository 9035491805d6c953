"""The official's review page in Chromium, on a phone and a desktop, in both languages: the
earlier decisions sit in a card like the rest of the page. Screenshots land in tmp_path."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.models import ReviewDecision, Role, VerificationReview, VerificationState
from tests import factories
from tests.web import VIEWPORTS, sign_in_page


@pytest.mark.browser
@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
@pytest.mark.parametrize("size", VIEWPORTS)
def test_earlier_decisions_are_in_a_card(browser, live_server, size, locale, tmp_path):
    base, app = live_server
    with app.app_context():
        employer = factories.employer(verified=False, name="云聘示范公司")
        employer.verification_state = VerificationState.SUBMITTED
        db.session.add(
            VerificationReview(
                employer_id=employer.id,
                decision=ReviewDecision.RETURNED,
                reasons="营业执照照片模糊，请重新上传清晰的扫描件",
            )
        )
        factories.user(Role.OFFICIAL, region_code="4201", email="official@example.com")
        db.session.commit()
        url = f"{base}/officials/reviews/{employer.id}"
        db.session.remove()

    context = browser.new_context(viewport=VIEWPORTS[size], locale=locale, reduced_motion="reduce")
    page = context.new_page()
    sign_in_page(page, base, "official@example.com")
    page.goto(url)
    page.screenshot(path=str(tmp_path / f"review-{locale}-{size}.png"), full_page=True)

    history = page.locator(".card .review-history li")
    assert history.count() == 1
    assert "营业执照照片模糊" in history.first.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    context.close()
