"""A county's name that begins a longer job word is no place: 方正排版学徒 is an apprentice
of Founder's (方正) typesetting, not a job in 方正县, while 方正 会计 is an accountant there.
The real embedded index fed by the real queue, on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from html import unescape

import pytest

from app.extensions import db
from app.models import Region
from app.queue import DERIVED
from tests import factories

EN = {"Accept-Language": "en"}
ZH = {"Accept-Language": "zh"}
FANGZHENG = "230124"  # 方正县, Harbin, Heilongjiang

PLACES = [
    ("23", "黑龙江省", 1, None),
    ("2301", "哈尔滨市", 2, "23"),
    (FANGZHENG, "方正县", 3, "2301"),
]


@pytest.fixture
def jobs(app, worker):
    for code, name, level, parent in PLACES:
        db.session.add(Region(code=code, name=name, level=level, parent_code=parent))
    db.session.flush()
    employer = factories.employer(name="江城印务")

    def post(title, region="420102"):
        factories.job(employer, title=title, region_code=region, description="工作认真负责")

    post("方正排版学徒")  # in Wuhan: the typed 方正 must not move the search to 方正县
    post("方正证券客户经理")
    post("会计", region=FANGZHENG)
    post("出纳会计")
    db.session.commit()
    worker(DERIVED)


def page(client, url: str, headers=ZH) -> str:
    response = client.get(url, headers=headers)
    assert response.status_code == 200, url
    return response.get_data(True)


def titles(html: str) -> list[str]:
    found = re.findall(r'class="job-card">\s*<a [^>]*><h3>(.*?)</h3>', html, re.S)
    return sorted(re.sub(r"<[^>]+>", "", t) for t in found)


def words(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", unescape(html)).split())


@pytest.mark.parametrize("headers", [ZH, EN])
def test_a_job_word_beginning_with_a_county_is_searched_everywhere(client, jobs, headers):
    for typed, found in (("方正排版学徒", ["方正排版学徒"]), ("方正证券", ["方正证券客户经理"])):
        html = page(client, f"/jobs/?q={typed}", headers)
        assert titles(html) == found, typed
        assert "方正县" not in words(html) and "Fangzheng" not in words(html), typed


@pytest.mark.parametrize("typed", ["方正 会计", "方正会计", "会计 方正县"])
def test_the_county_then_a_job_is_still_the_place(client, jobs, typed):
    html = page(client, f"/jobs/?q={typed}")
    assert titles(html) == ["会计"], typed  # not the 出纳会计 in Wuhan
    assert "方正县" in words(html), typed


def test_the_api_reads_them_as_the_page_does(client, jobs):
    body = client.get("/api/v1/jobs?q=方正排版学徒").get_json()
    assert body["reading"] is None
    assert [item["title"] for item in body["items"]] == ["方正排版学徒"]
    body = client.get("/api/v1/jobs?q=方正 会计").get_json()
    assert body["reading"]["place"] == FANGZHENG and body["reading"]["words"] == "会计"
    assert [item["title"] for item in body["items"]] == ["会计"]
