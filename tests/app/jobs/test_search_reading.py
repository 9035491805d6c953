"""What a phone tester typed into the job search box: places with the words, misspellings.

The real embedded index fed by the real queue, the real region tree (tests/conftest.py's,
plus the places added here), on SQLite and PostgreSQL.
"""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest

from app.extensions import db
from app.models import Region
from app.queue import DERIVED
from tests import factories
from tests.web import as_user

PLACES = [
    ("420104", "硚口区", 3, "4201"),
    ("420105", "汉阳区", 3, "4201"),
    ("420111", "洪山区", 3, "4201"),
    ("420111002", "珞南街道", 4, "420111"),
    ("61", "陕西省", 1, None),
    ("6101", "西安市", 2, "61"),
    ("610116", "长安区", 3, "6101"),
    ("610116001", "韦曲街道", 4, "610116"),
    ("610116002", "郭杜街道", 4, "610116"),
    ("13", "河北省", 1, None),
    ("1301", "石家庄市", 2, "13"),
    ("130102", "长安区", 3, "1301"),
    ("130102001", "建北街道", 4, "130102"),
]


@pytest.fixture
def places(app):
    for code, name, level, parent in PLACES:
        db.session.add(Region(code=code, name=name, level=level, parent_code=parent))
    db.session.commit()


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def text(client, url: str) -> str:
    """The page's words without tags (highlights split titles into <mark> parts)."""
    return " ".join(re.sub(r"<[^>]+>", " ", unescape(page(client, url))).split())


def titles(html: str) -> list[str]:
    found = re.findall(r'class="job-card">\s*<a [^>]*><h3>(.*?)</h3>', html, re.S)
    return [re.sub(r"<[^>]+>", "", t) for t in found]


def link(html: str, label: str) -> dict[str, list[str]]:
    """The query of the link whose text is LABEL."""
    found = re.search(rf'<a href="([^"]+)">(?:<strong>)?{re.escape(label)}', unescape(html))
    assert found, label
    return parse_qs(urlsplit(found.group(1)).query)


@pytest.fixture
def wuhan_jobs(places, worker):
    employer = factories.employer(name="江城物流")
    factories.job(employer, title="叉车司机", description="仓库叉车", skills=["叉车证"])
    factories.job(employer, title="仓库主管", description="管理仓库", skills=["管理"])
    factories.job(employer, title="货车司机", region_code="420103002", description="配送")
    factories.job(employer, title="餐厅服务员", region_code="420111002", description="点餐")
    db.session.commit()
    worker(DERIVED)


def test_the_testers_places_are_read_as_regions(client, wuhan_jobs):
    for typed in ("江岸区", "江岸"):  # a whole query that is a place lists its jobs
        html = page(client, f"/jobs/?q={typed}")
        assert sorted(titles(html)) == ["仓库主管", "叉车司机"], typed
        assert "Jobs in Jiang'an District" in text(client, f"/jobs/?q={typed}")

    html = page(client, "/jobs/?q=司机 江岸区")
    assert titles(html) == ["叉车司机"]  # not 江汉区's 货车司机
    shown = text(client, "/jobs/?q=司机 江岸区")
    assert "Searching for 司机 in Jiang'an District" in shown and "1 job" in shown
    assert link(html, "Search for 司机 in every place") == {"q": ["司机"]}
    assert link(html, "Search the text as typed") == {"q": ["司机 江岸区"], "as_typed": ["1"]}
    assert sorted(titles(page(client, "/jobs/?q=司机"))) == ["叉车司机", "货车司机"]

    assert titles(page(client, "/jobs/?q=服务员 洪山区")) == ["餐厅服务员"]
    assert titles(page(client, "/jobs/?q=服务员洪山区")) == ["餐厅服务员"]  # no space
    assert titles(page(client, "/jobs/?q=江岸司机")) == ["叉车司机"]  # the place without 区
    # A township by its full name; the search's next page link keeps what was typed.
    assert titles(page(client, "/jobs/?q=珞南街道 服务员")) == ["餐厅服务员"]
    # Typed as the search says it: nothing read into it.
    assert "0 jobs" in text(client, "/jobs/?q=司机 江岸区&as_typed=1")


def test_a_place_without_jobs_says_so(client, wuhan_jobs):
    for typed, name in (("汉阳区", "Hanyang District"), ("硚口", "Qiaokou District")):
        html = page(client, f"/jobs/?q={typed}")
        shown = text(client, f"/jobs/?q={typed}")
        assert titles(html) == [] and f"No jobs in {name} yet." in shown, typed
        assert "No jobs match your search." not in shown
        assert link(html, "Search in Wuhan, Hubei Province") == {"region": ["4201"]}
    shown = text(client, "/jobs/?q=司机 汉阳区")
    assert "No 司机 jobs in Hanyang District yet." in shown
    html = page(client, "/jobs/?q=司机 汉阳区")
    assert link(html, "Search in Wuhan, Hubei Province") == {"q": ["司机"], "region": ["4201"]}


def test_a_place_in_the_words_stays_a_word(client, wuhan_jobs):
    """江岸 inside another word, and a region filter already narrower than the place."""
    employer = factories.employer(name="新华书店")
    factories.job(employer, title="新华书店店员", region_code="520302", description="图书")
    db.session.commit()
    assert titles(page(client, "/jobs/?q=叉车司机&region=420102")) == ["叉车司机"]
    # 武汉 typed while the filter is 江岸区: the narrower filter stays.
    assert titles(page(client, "/jobs/?q=武汉 司机&region=420102")) == ["叉车司机"]


def test_namesakes_prefer_the_scope_then_home_then_the_larger(client, places, worker):
    xian = factories.employer(name="西安餐饮", region_code="610116001")
    shijiazhuang = factories.employer(name="石家庄餐饮", region_code="130102001")
    factories.job(xian, title="西安厨师", description="面食")
    factories.job(shijiazhuang, title="石家庄厨师", description="面食")
    db.session.commit()
    worker(DERIVED)

    # No scope, no home: Xi'an's 长安区 (two townships against one); the other is a link.
    html = page(client, "/jobs/?q=长安 厨师")
    assert titles(html) == ["西安厨师"]
    assert "Other places of this name:" in text(client, "/jobs/?q=长安 厨师")
    assert link(html, "Chang'an District, Shijiazhuang, Hebei Province") == {
        "q": ["厨师"],
        "region": ["130102"],
    }
    # Inside the region filter.
    assert titles(page(client, "/jobs/?q=长安区 厨师&region=13")) == ["石家庄厨师"]
    # Near the reader's home region.
    as_user(client, factories.user(region_code="130102001"))
    assert titles(page(client, "/jobs/?q=长安区 厨师")) == ["石家庄厨师"]


def test_the_api_reads_places_the_same_way(client, wuhan_jobs):
    body = client.get("/api/v1/jobs?q=司机 江岸区").get_json()
    assert [job["title"] for job in body["items"]] == ["叉车司机"]
    assert body["reading"] == {
        "place": "420102",
        "place_name": "湖北省 武汉市 江岸区",
        "typed": "江岸区",
        "words": "司机",
        "namesakes": [],
    }
    body = client.get("/api/v1/jobs?q=司机 江岸区&as_typed=true").get_json()
    assert body["items"] == [] and body["reading"] is None


@pytest.fixture
def spelt_jobs(worker):
    employer = factories.employer(name="云聘科技")
    for title, skills in (
        ("软件工程师", ["Python"]),
        ("高级软件工程师", ["Java"]),
        ("会计", ["Excel"]),
        ("会计助理", ["Excel"]),
        ("会展策划", ["PPT"]),
    ):
        factories.job(employer, title=title, description="", skills=skills)
    db.session.commit()
    worker(DERIVED)


def test_misspellings_show_the_correction_and_its_jobs(client, spelt_jobs):
    for typed, meant in (
        ("软件工城师", "软件工程师"),
        ("软建工程师", "软件工程师"),
        ("会汁", "会计"),
    ):
        html = page(client, f"/jobs/?q={typed}")
        shown = text(client, f"/jobs/?q={typed}")
        assert f"Showing results for {meant} ." in shown, typed
        assert titles(html) and all(meant in title for title in titles(html)), typed
        assert link(html, f"Search instead for {typed}") == {"q": [typed], "as_typed": ["1"]}
        assert "0 jobs" in text(client, f"/jobs/?q={typed}&as_typed=1")
    response = client.get("/jobs/suggest?q=会汁")
    assert response.get_json() == [{"text": "会计", "kind": "correction"}]


def test_a_misspelling_with_a_place(client, places, spelt_jobs):
    html = page(client, "/jobs/?q=江岸区 会汁")
    shown = text(client, "/jobs/?q=江岸区 会汁")
    assert (
        "Showing results for 会计 ." in shown and "Searching for 会计 in Jiang'an District" in shown
    )
    assert sorted(titles(html)) == ["会计", "会计助理"]


def test_few_results_get_a_did_you_mean_link(client, spelt_jobs, worker):
    """A typo found in one description (descriptions are not the vocabulary): that job is
    shown, and the correction offered as a link."""
    factories.job(factories.employer(), title="网络管理员", description="兼任软件工城师", skills=[])
    db.session.commit()
    worker(DERIVED)
    html = page(client, "/jobs/?q=软件工城师")
    assert titles(html) == ["网络管理员"]
    assert "Did you mean:" in text(client, "/jobs/?q=软件工城师")
    assert link(html, "软件工程师") == {"q": ["软件工程师"]}


def test_correct_spelling_is_never_corrected(client, spelt_jobs):
    for typed in ("软件工程师", "会计", "会展策划", "焊工", "普工"):
        shown = text(client, f"/jobs/?q={typed}")
        assert "Showing results for" not in shown and "Did you mean" not in shown, typed
    assert "0 jobs" in text(client, "/jobs/?q=会计&region=52")  # known word, none there
    assert client.get("/api/v1/jobs?q=会计&region=52").get_json()["did_you_mean"] is None
    body = client.get("/api/v1/jobs?q=会汁").get_json()
    assert body["items"] == [] and body["did_you_mean"] == {"text": "会计", "total": 2}


def test_the_chinese_page_names_places_in_chinese(client, wuhan_jobs):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN"
    shown = text(client, "/jobs/?q=司机 江岸区")
    assert "江岸区" in shown and "420102" not in shown and "Jiang'an" not in shown
