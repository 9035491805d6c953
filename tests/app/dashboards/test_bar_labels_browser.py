"""The resumption board of a village on a phone: every bar of the industry and size charts
is named, long names ("居民服务、修理和其他服务业", "Resident services, repairs and other
services") included, and no name is cut by the canvas's edge or drawn over another. ECharts
used to drop the names it found too close together and kept only the first."""

from __future__ import annotations

import pytest

from app import clock
from app.dashboards.rollups import recompute
from app.extensions import db
from app.models import CompanySize, Industry, ResumptionReport, Role
from tests import factories
from tests.app.dashboards.test_sankey_labels_browser import LABEL_BOXES
from tests.web import VIEWPORTS, sign_in_page

VILLAGE = "420102001001"
COMPANIES = [  # what the tester's village had: three industries, two sizes
    (Industry.RESIDENT_SERVICES, CompanySize.SMALL, True),
    (Industry.HOSPITALITY, CompanySize.SMALL, False),
    (Industry.IT_SOFTWARE, CompanySize.MEDIUM, True),
]


@pytest.mark.browser
@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
@pytest.mark.parametrize("size", VIEWPORTS)
def test_every_bar_is_named(browser, live_server, size, locale, tmp_path):
    base, app = live_server
    with app.app_context():
        for industry, company_size, resumed in COMPANIES:
            employer = factories.employer(region_code=VILLAGE, industry=industry, size=company_size)
            db.session.add(
                ResumptionReport(
                    employer_id=employer.id,
                    report_date=clock.today(),
                    resumed=resumed,
                    workers_back=6 if resumed else 0,
                    workers_total=10,
                )
            )
        factories.user(Role.OFFICIAL, region_code="420102", email="district@example.com")
        recompute(db.session)
        db.session.commit()
        db.session.remove()

    context = browser.new_context(viewport=VIEWPORTS[size], locale=locale, reduced_motion="reduce")
    page = context.new_page()
    sign_in_page(page, base, "district@example.com")
    page.goto(f"{base}/officials/dashboards/resumption?region={VILLAGE}")
    for chart_id, count in (("res-industry", 3), ("res-size", 2)):
        card = page.locator(f"section:has([data-chart={chart_id}])")
        chart = card.locator("[data-chart].chart-ready")
        chart.locator("canvas").first.wait_for(state="attached", timeout=10_000)
        page.wait_for_timeout(300)
        chart.screenshot(path=str(tmp_path / f"{chart_id}-{locale}-{size}.png"))
        names = [n.strip() for n in card.locator("table tbody th").all_text_contents()]
        assert len(names) == count, names

        labels = chart.evaluate(LABEL_BOXES)
        drawn = [label["text"].rstrip("…").strip() for label in labels]
        # Each name is drawn whole, or its first line (a wrapped or shortened one) is.
        unnamed = [
            n
            for n in names
            if not any(d and n.startswith(d) and len(d) >= min(len(n), 4) for d in drawn)
        ]
        assert not unnamed, (chart_id, unnamed, drawn)
        cut = [
            label for label in labels if label["left"] < 0 or label["right"] > label["width"] + 1
        ]
        assert not cut, (chart_id, cut)
        overlapping = [
            (a["text"], b["text"])
            for i, a in enumerate(labels)
            for b in labels[i + 1 :]
            if a["left"] < b["right"] - 1
            and b["left"] < a["right"] - 1
            and a["top"] < b["bottom"] - 1
            and b["top"] < a["bottom"] - 1
        ]
        assert not overlapping, (chart_id, overlapping)
    context.close()
