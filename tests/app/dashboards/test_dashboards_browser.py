"""Every dashboard in headless Chromium, on a phone and a desktop: the ECharts canvas is
drawn with a real size, the accessible table under it has rows, and nothing overflows
sideways. Screenshots are saved next to the test's temp dir for a human to look at."""

from __future__ import annotations

import random

import pytest

from app.dashboards.rollups import recompute
from app.dashboards.routes import BOARDS
from app.extensions import db
from app.models import Role
from tests import factories
from tests.app.dashboards.helpers import populate
from tests.web import VIEWPORTS, sign_in_page


@pytest.mark.browser
@pytest.mark.parametrize("size", VIEWPORTS)
def test_every_dashboard_draws_its_charts(browser, live_server, size, tmp_path):
    base, app = live_server
    with app.app_context():
        populate(random.Random(3), employers=16, seekers=20)
        factories.user(Role.OFFICIAL, region_code="42", email="province@example.com")
        recompute(db.session)
        db.session.commit()
        db.session.remove()

    context = browser.new_context(viewport=VIEWPORTS[size], locale="zh-CN", reduced_motion="reduce")
    page = context.new_page()
    errors: list[str] = []
    board = "home"
    page.on("pageerror", lambda error: errors.append(f"{board}: {error.message}\n{error.stack}"))
    sign_in_page(page, base, "province@example.com")

    for board in BOARDS:
        page.goto(f"{base}/officials/dashboards/{board}")
        cards = page.locator(".chart-card")
        assert cards.count() >= 1, board
        for n in range(cards.count()):
            card = cards.nth(n)
            if card.locator(".chart-empty").count():
                # An all-zero chart is said in words, not drawn full size.
                assert card.locator(".chart").count() == 0, (board, n)
                continue
            legend = card.locator(".chart-legend")
            if legend.count():
                # The legend wraps inside the card: no paged "1/3" legend on a phone.
                box = legend.bounding_box()
                assert box["x"] + box["width"] <= VIEWPORTS[size]["width"], (board, n, box)
                assert legend.locator("button").count() >= 2, (board, n)
            canvas = card.locator(".chart canvas").first
            canvas.wait_for(state="attached", timeout=10_000)
            box = canvas.bounding_box()
            assert box and box["width"] > 100 and box["height"] > 100, (board, n, box)
            assert card.locator("table tbody tr").count() > 0, (board, n)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), board
        page.screenshot(path=str(tmp_path / f"{board}-{size}.png"), full_page=True)
        cards.first.screenshot(path=str(tmp_path / f"{board}-{size}-first-chart.png"))
    assert not errors, errors
    context.close()
