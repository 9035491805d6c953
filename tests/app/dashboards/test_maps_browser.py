"""The recruitment map in headless Chromium: a province official clicks a city on the province
map and lands on that city's county map, clicks a county and sees it on its city's map with a
treemap of its towns; a district official gets the map of their area. Clicks are real mouse
clicks at the pixel ECharts draws the place's centre at."""

from __future__ import annotations

import random

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from app.dashboards.rollups import recompute
from app.extensions import db
from app.models import Role
from tests import factories
from tests.app.dashboards.helpers import populate
from tests.web import VIEWPORTS, sign_in_page

WUHAN = [114.30, 30.60]  # near the middle of 武汉市's urban districts
JIANGAN = [114.30911, 30.600052]  # the centre the county map gives 江岸区


def map_drawn(page, chart_id: str = "map") -> None:
    page.locator(f'[data-chart="{chart_id}"] canvas').first.wait_for(
        state="attached", timeout=15_000
    )
    # The map's shapes arrive after the canvas: wait until the series can place a point.
    page.wait_for_function(
        """id => { const el = document.querySelector(`[data-chart="${id}"]`);
                   const c = el && echarts.getInstanceByDom(el);
                   return c && c.convertToPixel({seriesIndex: 0}, [114.3, 30.6]); }""",
        arg=chart_id,
        timeout=15_000,
    )


def click_place(page, lon_lat: list[float], url: str, chart_id: str = "map") -> None:
    """Click the place and wait for its page. Under load the chart can still be settling
    when the first click lands (the point moves, the handler is not bound yet): click again."""
    chart = page.locator(f'[data-chart="{chart_id}"]')
    chart.scroll_into_view_if_needed()
    for attempt in range(3):
        x, y = page.evaluate(
            """([id, point]) => echarts.getInstanceByDom(document.querySelector(`[data-chart="${id}"]`))
                   .convertToPixel({seriesIndex: 0}, point)""",
            [chart_id, lon_lat],
        )
        box = chart.bounding_box()
        page.mouse.click(box["x"] + x, box["y"] + y)
        try:
            page.wait_for_url(url, timeout=10_000)
            return
        except PlaywrightTimeout:
            if attempt == 2:
                raise


@pytest.mark.browser
@pytest.mark.parametrize("size", VIEWPORTS)
def test_map_drills_down_from_province_to_county(browser, live_server, size, tmp_path):
    base, app = live_server
    with app.app_context():
        populate(random.Random(5), employers=16, seekers=20)
        factories.user(Role.OFFICIAL, region_code="42", email="province@example.com")
        factories.user(Role.OFFICIAL, region_code="420102", email="district@example.com")
        recompute(db.session)
        db.session.commit()
        db.session.remove()
    context = browser.new_context(viewport=VIEWPORTS[size], locale="zh-CN", reduced_motion="reduce")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(error.message))
    sign_in_page(page, base, "province@example.com")

    page.goto(base + "/officials/dashboards/map")
    map_drawn(page)
    page.screenshot(path=str(tmp_path / f"province-{size}.png"), full_page=True)
    click_place(page, WUHAN, "**/officials/dashboards/map?region=4201")

    # The city: its county map, gzipped on disk and unpacked by the browser.
    map_drawn(page)
    regions = page.evaluate(
        """() => echarts.getInstanceByDom(document.querySelector('[data-chart="map"]'))
                 .getOption().series[0].data.filter(d => Number.isFinite(d.value)).map(d => [d.name, d.value])"""
    )
    assert dict(regions).get("江岸区", 0) > 0, regions
    click_place(page, JIANGAN, "**/officials/dashboards/map?region=420102")

    # The county: on its city's map, and a treemap of its towns below.
    map_drawn(page, "map-area")
    assert page.locator('[data-chart="map"] canvas').count() >= 1
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert not errors, errors

    # A district official lands on the same picture of their own area.
    context.clear_cookies()
    sign_in_page(page, base, "district@example.com")
    page.goto(base + "/officials/dashboards/map")
    map_drawn(page, "map-area")
    area = page.evaluate(
        """() => echarts.getInstanceByDom(document.querySelector('[data-chart="map-area"]'))
                 .getOption().series[0].data.filter(d => Number.isFinite(d.value)).map(d => d.name)"""
    )
    assert area == ["江岸区"], area
    page.screenshot(path=str(tmp_path / f"district-{size}.png"), full_page=True)
    assert not errors, errors
    context.close()
