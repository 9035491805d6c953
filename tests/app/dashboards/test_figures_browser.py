"""The district official's charts on the demo data, on a phone and a desktop, in both languages,
as a tester read them: every week on the axis is one short label ("Oct 26", "10月26日"), never
a date broken in two; every region, industry and size is named in full (wrapped, never cut
with "…" nor shortened by a line dropped); the value axis's title stands clear of the bars; a
treemap box is named whole or not at all."""

from __future__ import annotations

import json

import pytest

from tests.app.dashboards.test_sankey_labels_browser import LABEL_BOXES
from tests.browser.demo_site import demo_site, settle, sign_in
from tests.web import VIEWPORTS

GRID = """el => {
  const grid = window.echarts.getInstanceByDom(el).getModel().getComponent('grid');
  if (!grid) { return null; }  // a treemap
  const rect = grid.coordinateSystem.getRect();
  return {left: rect.x, right: rect.x + rect.width, top: rect.y, bottom: rect.y + rect.height};
}"""


@pytest.fixture(scope="module")
def demo(tmp_path_factory, sqlite_template, redis_server):
    with demo_site(tmp_path_factory.mktemp("figures"), sqlite_template, redis_server) as site:
        yield site


def chart_of(page, chart_id: str):
    """The chart's drawn labels, its grid and its data (what charts.js was given)."""
    chart = page.locator(f"[data-chart={chart_id}].chart-ready")
    chart.locator("canvas").first.wait_for(state="attached", timeout=10_000)
    spec = json.loads(page.locator(f"#{chart_id}-data").text_content())
    return chart.evaluate(LABEL_BOXES), chart.evaluate(GRID), spec


def squeezed(text: str) -> str:
    return "".join(text.split())


def overlaps(a: dict, b: dict) -> bool:
    return (
        a["left"] < b["right"] - 1
        and b["left"] < a["right"] - 1
        and a["top"] < b["bottom"] - 1
        and b["top"] < a["bottom"] - 1
    )


@pytest.mark.browser
@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("size", VIEWPORTS)
def test_the_district_charts_name_every_week_and_group_in_full(
    browser, demo, size, language, tmp_path
):
    base, _pages = demo
    context = browser.new_context(
        viewport=VIEWPORTS[size],
        locale="zh-CN" if language == "zh" else "en-GB",
        reduced_motion="reduce",
    )
    page = context.new_page()
    sign_in(page, base, "official@yunpin.demo", language)
    page.goto(f"{base}/officials/dashboards/resumption")
    settle(page)
    page.screenshot(path=str(tmp_path / f"resumption-{language}-{size}.png"), full_page=True)

    labels, _grid, spec = chart_of(page, "res-weekly")
    weeks = [label["text"] for label in labels if label["text"] in spec["labels"]]
    assert len(weeks) >= 2, labels  # crowded weeks may be skipped, never broken
    assert all("-" not in label["text"] for label in labels), labels
    assert len(spec["labels"][0]) <= 7 and spec["labels"][0] != spec["rows"][0][0]

    for chart_id in ("res-region", "res-industry", "res-size"):
        labels, grid, spec = chart_of(page, chart_id)
        names = [row[0] for row in spec["rows"]]
        drawn = squeezed("".join(label["text"] for label in labels))
        assert not [label for label in labels if "…" in label["text"]], (chart_id, labels)
        assert all(squeezed(name) in drawn for name in names), (chart_id, names, drawn)
        assert not [
            label for label in labels if label["left"] < 0 or label["right"] > label["width"] + 1
        ], (chart_id, labels)
        assert not [
            (a["text"], b["text"])
            for i, a in enumerate(labels)
            for b in labels[i + 1 :]
            if overlaps(a, b)
        ], chart_id
        title = [label for label in labels if label["text"] == spec["axes"][0]["title"]]
        assert title and not overlaps(title[0], grid), (chart_id, title, grid)

    page.goto(f"{base}/officials/dashboards/map")
    settle(page)
    page.wait_for_timeout(300)
    labels, _grid, spec = chart_of(page, "map")
    names = {squeezed(row[0]) for row in spec["rows"]}
    boxes = [
        squeezed(label["text"].lstrip("▶"))
        for label in labels
        if label["text"] != spec["title"]  # the breadcrumb
    ]
    assert boxes and not [text for text in boxes if "…" in text or "..." in text], boxes
    # A name on two lines is two pieces, each part of one name.
    assert all(any(text in name for name in names) for text in boxes), (boxes, names)
    assert any(text in names for text in boxes), boxes
    context.close()
