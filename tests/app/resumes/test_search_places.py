"""The employer's candidate search reads its box as the job search does: a place typed in it
(Chinese, English or pinyin) is the area searched, English job words find Chinese résumés,
and a text over 100 characters is cut, said beside the box and searched. The real embedded
index fed by the real queue, on SQLite and PostgreSQL; the database while it is down."""

from __future__ import annotations

import re
from html import unescape

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Region, Role, Visibility
from app.queue import DERIVED
from app.regions.loader import pinyin_for
from tests import factories
from tests.web import login

EN = {"Accept-Language": "en"}
ZH = {"Accept-Language": "zh"}


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", unescape(html)).split())


def headlines(client, url: str, headers=EN) -> list[str]:
    response = client.get(url, headers=headers)
    assert response.status_code == 200, url
    found = re.findall(r'<li><a href="/resumes/\d+">(.*?)</a>', response.get_data(True), re.S)
    return sorted(re.sub(r"<[^>]+>", "", h) for h in found)


@pytest.fixture
def owner(app):
    for region in db.session.scalars(select(Region)):  # as `yunpin regions load` fills it
        region.pinyin = pinyin_for(region.name)
    owner = factories.user(Role.EMPLOYER)
    factories.employer(owner)
    for headline, region in (
        ("急诊科护士", "420102"),
        ("社区护士", "520302"),
        ("仓库管理员", "420103"),
        ("仓库管理员 遵义", "520302"),
        ("叉车司机", "420102"),
        ("货车司机", "420103"),
    ):
        seeker = factories.user(Role.SEEKER)
        factories.resume(
            seeker, headline=headline, skills=[], region_code=region, visibility=Visibility.PUBLIC
        )
    db.session.commit()
    return owner


@pytest.fixture
def searching(client, owner, worker):
    worker(DERIVED)
    login(client, owner.email, factories.PASSWORD)
    return client


def test_a_place_typed_in_the_box_is_the_area_searched(searching):
    client = searching
    assert headlines(client, "/resumes/search?q=nurse") == ["急诊科护士", "社区护士"]
    assert headlines(client, "/resumes/search?q=nurse Wuhan") == ["急诊科护士"]
    assert headlines(client, "/resumes/search?q=nurse in Wuhan") == ["急诊科护士"]
    assert headlines(client, "/resumes/search?q=仓库 武汉", ZH) == ["仓库管理员"]
    assert headlines(client, "/resumes/search?q=仓库遵义", ZH) == ["仓库管理员 遵义"]
    assert headlines(client, "/resumes/search?q=driver Wuhan") == ["叉车司机", "货车司机"]
    assert headlines(client, "/resumes/search?q=forklift Jiang'an") == ["叉车司机"]
    assert headlines(client, "/resumes/search?q=warehouse worker") == [
        "仓库管理员",
        "仓库管理员 遵义",
    ]
    page = text(client.get("/resumes/search?q=nurse in Wuhan", headers=EN).get_data(True))
    assert "Searching for nurse in Wuhan" in page
    page = text(client.get("/resumes/search?q=Jiang'an", headers=EN).get_data(True))
    assert "Candidates in Jiang'an District" in page
    assert headlines(client, "/resumes/search?q=Jiang'an") == ["叉车司机", "急诊科护士"]


def test_the_database_reads_the_box_as_the_engine_does_while_it_is_down(app, searching):
    from app.indexing import service as search_index

    typed = ["仓库 武汉", "forklift", "warehouse worker", "nurse Wuhan", "叉车 司机", "护士"]
    found = {words: headlines(searching, f"/resumes/search?q={words}") for words in typed}
    app.config.update(SEARCH_BACKEND="opensearch", SEARCH_URL="http://127.0.0.1:1")
    search_index.close_backend(app)
    html = searching.get("/resumes/search?q=仓库 武汉", headers=ZH).get_data(True)
    assert "search-fallback" in html
    assert headlines(searching, "/resumes/search?q=仓库 武汉", ZH) == ["仓库管理员"]
    for words in typed:
        assert found[words] and headlines(searching, f"/resumes/search?q={words}") == found[words]


def test_an_unverified_employer_finds_its_applicants_by_the_engine_s_words(client, owner):
    """Its applicants are searched in the database alone, the engine up or not."""
    boss = factories.user(Role.EMPLOYER)
    employer = factories.employer(boss, verified=False)
    seeker = factories.user(Role.SEEKER)
    factories.resume(seeker, headline="叉车司机", skills=[], region_code="420102")
    factories.application(seeker, factories.job(employer))
    db.session.commit()
    login(client, boss.email, factories.PASSWORD)
    for words in ("forklift", "叉车 司机", "forklift Jiang'an"):
        assert headlines(client, f"/resumes/search?q={words}") == ["叉车司机"], words
    assert headlines(client, "/resumes/search?q=nurse") == []


def test_a_text_over_100_characters_is_cut_said_and_searched(searching):
    typed = "nurse " + "x" * 150
    response = searching.get(f"/resumes/search?q={typed}", headers=EN)
    html = response.get_data(True)
    assert "Field cannot be longer" not in html
    assert (
        "The search text is too long (100 characters at most). "
        "Its first 100 characters were searched."
    ) in text(html)
    assert f'value="{typed[:100]}"' in html
    long_word = "仓库 " + "很" * 120
    html = searching.get(f"/resumes/search?q={long_word}", headers=ZH).get_data(True)
    assert re.search(r'<div id="search-problems" role="alert">', html)
    assert not re.search(
        "[A-Za-z]{4,}", text(re.search(r'role="alert">(.*?)</div>', html, re.S).group(1))
    )


def test_the_api_reads_the_box_as_the_page_does(searching, owner):
    from app.accounts.service import create_api_token

    bearer = {"Authorization": f"Bearer {create_api_token(owner, 'tests')}"}
    db.session.commit()

    def api(query: str) -> list[str]:
        response = searching.get(f"/api/v1/resumes?{query}", headers=bearer)
        assert response.status_code == 200, query
        return sorted(item["headline"] for item in response.get_json()["items"])

    for typed in ("nurse Wuhan", "nurse in Wuhan", "forklift Jiang'an", "仓库 武汉"):
        assert api(f"q={typed}") == headlines(searching, f"/resumes/search?q={typed}"), typed
    assert api("q=nurse Wuhan") == ["急诊科护士"]
    # A region filter inside the place typed stays: Jiang'an within Wuhan.
    assert api("q=司机 武汉&region=420102") == ["叉车司机"]
    # It says how it read q, as GET /api/v1/jobs does, the engine up or down.
    reading = searching.get("/api/v1/resumes?q=nurse Wuhan", headers=bearer).get_json()["reading"]
    assert (reading["place"], reading["typed"], reading["words"]) == ("4201", "Wuhan", "nurse")
    assert searching.get("/api/v1/resumes?q=nurse", headers=bearer).get_json()["reading"] is None


def test_the_api_s_backup_search_says_how_it_read_q(app, searching, owner):
    from app.accounts.service import create_api_token
    from app.indexing import service as search_index

    bearer = {"Authorization": f"Bearer {create_api_token(owner, 'tests')}"}
    db.session.commit()
    app.config.update(SEARCH_BACKEND="opensearch", SEARCH_URL="http://127.0.0.1:1")
    search_index.close_backend(app)
    body = searching.get("/api/v1/resumes?q=forklift Jiang'an", headers=bearer).get_json()
    assert body["source"] == "database"
    assert [item["headline"] for item in body["items"]] == ["叉车司机"]
    assert body["reading"]["place"] == "420102" and body["reading"]["words"] == "forklift"


@pytest.mark.parametrize(
    ("headers", "said"),
    [(EN, "Jiang'an District, Wuhan, Hubei Province"), (ZH, "湖北省 武汉市 江岸区")],
)
def test_each_candidate_found_says_where_they_live(searching, headers, said):
    """To the county, in the reader's language: who could come to work is the first sort."""
    page = text(searching.get("/resumes/search?q=叉车司机", headers=headers).get_data(True))
    assert f"叉车司机 {said} ·" in page
