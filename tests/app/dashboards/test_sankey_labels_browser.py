"""The cooperation board's Sankey on a phone, in English: long place names (Qiannan Bouyei
Miao Autonomous Prefecture) are shortened to fit the canvas, never cut by its edge, and the
full name is one tap away in the tooltip."""

from __future__ import annotations

import random

import pytest

from app.dashboards.rollups import recompute
from app.extensions import db
from app.models import Region, Role
from tests import factories
from tests.app.dashboards.helpers import populate
from tests.web import VIEWPORTS, sign_in_page

LONG_NAMED = [
    ("5227", "黔南布依族苗族自治州", 2, "52"),
    ("522732", "三都水族自治县", 3, "5227"),
    ("4205", "宜昌市", 2, "42"),
    ("420529", "五峰土家族自治县", 3, "4205"),
]

# Every label ECharts drew, as boxes in the canvas's own pixels.
LABEL_BOXES = """el => {
  const chart = window.echarts.getInstanceByDom(el);
  return chart.getZr().storage.getDisplayList(true)
    .filter(e => e.style && typeof e.style.text === "string" && e.style.text.trim())
    .map(e => {
      const box = e.getBoundingRect().clone();
      if (e.transform) { box.applyTransform(e.transform); }
      return {text: e.style.text, left: box.x, right: box.x + box.width,
              top: box.y, bottom: box.y + box.height, width: chart.getWidth()};
    });
}"""


@pytest.mark.browser
@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
@pytest.mark.parametrize("size", VIEWPORTS)
def test_sankey_labels_fit_the_canvas(browser, live_server, size, locale, tmp_path):
    base, app = live_server
    with app.app_context():
        db.session.add_all(
            Region(code=c, name=n, level=lv, parent_code=p) for c, n, lv, p in LONG_NAMED
        )
        populate(random.Random(3), employers=8, seekers=10)
        job = factories.job(factories.employer(region_code="420529"))
        seeker = factories.user(Role.SEEKER, region_code="522732")
        factories.application(seeker, job)
        factories.agreement("52", "42", workers_target=5)
        factories.user(Role.OFFICIAL, region_code="42", email="province@example.com")
        recompute(db.session)
        db.session.commit()
        db.session.remove()

    context = browser.new_context(viewport=VIEWPORTS[size], locale=locale, reduced_motion="reduce")
    page = context.new_page()
    sign_in_page(page, base, "province@example.com")
    page.goto(f"{base}/officials/dashboards/cooperation")
    chart = page.locator("[data-chart].chart-ready").first
    chart.locator("canvas").first.wait_for(state="attached", timeout=10_000)
    page.wait_for_timeout(500)
    page.screenshot(path=str(tmp_path / f"cooperation-{locale}-{size}.png"), full_page=True)

    labels = chart.evaluate(LABEL_BOXES)
    texts = " ".join(label["text"] for label in labels)
    assert ("Qiannan" in texts) if locale == "en-US" else ("黔南" in texts), texts
    cut = [label for label in labels if label["left"] < 0 or label["right"] > label["width"] + 1]
    assert not cut, cut
    overlapping = [
        (a["text"], b["text"])
        for i, a in enumerate(labels)
        for b in labels[i + 1 :]
        if a["left"] < b["right"]
        and b["left"] < a["right"]
        and a["top"] < b["bottom"]
        and b["top"] < a["bottom"]
    ]
    assert not overlapping, overlapping
    context.close()
