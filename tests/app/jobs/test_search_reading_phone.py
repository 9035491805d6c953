"""The tester's searches on a phone (390×844) in Chinese, in Debian's Chromium: the line saying
what was searched names places, never codes, and the page keeps to one language."""

from __future__ import annotations

import os
import re

import pytest

from app.extensions import db
from app.models import Region
from app.queue import DERIVED, INDEX, get_queue
from tests import factories
from tests.jobs import run_jobs

PHONE = {"width": 390, "height": 844}
SHOTS = os.environ.get("YUNPIN_SCREENSHOTS")
"""A directory to keep the screenshots in (to look at them), if set."""


@pytest.fixture
def searchable(live_server, redis_server):
    base, app = live_server
    with app.app_context():
        db.session.add(Region(code="420105", name="汉阳区", level=3, parent_code="4201"))
        employer = factories.employer(name="江城物流有限公司")
        factories.job(employer, title="叉车司机", description="仓库叉车作业", skills=["叉车证"])
        factories.job(employer, title="会计", description="账务处理", skills=["Excel"])
        factories.job(employer, title="货车司机", region_code="420103002", description="配送")
        db.session.commit()
        run_jobs([get_queue(app, INDEX), get_queue(app, DERIVED)], redis_server)
    return base


@pytest.mark.browser
def test_the_testers_searches_on_a_phone_in_chinese(browser, searchable, tmp_path):
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    for name, query in (("place", "司机 江岸区"), ("empty", "汉阳区"), ("typo", "会汁")):
        page.goto(f"{searchable}/jobs/?q={query}")
        note = page.locator(".search-note")
        assert note.is_visible(), query
        said = note.inner_text()
        assert not re.search(r"\d{6}", said), said  # names, not codes
        box = note.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], query
        page.screenshot(path=str(tmp_path / f"{name}.png"), full_page=True)
        if SHOTS:
            page.screenshot(path=os.path.join(SHOTS, f"search-{name}.png"), full_page=False)
        if name == "place":
            assert "江岸区" in said and "司机" in said
            assert page.locator(".job-card h3").all_inner_texts() == ["叉车司机"]
        elif name == "empty":
            assert "汉阳区" in said and "武汉市" in said
        else:
            assert "会计" in said
            assert page.locator(".job-card h3").all_inner_texts() == ["会计"]
    context.close()
