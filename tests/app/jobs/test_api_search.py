"""GET /api/v1/jobs searches like the job search page: the real embedded index, fed by the
real queue, with the database answering while the engine is down."""

from __future__ import annotations

from app.extensions import db
from app.indexing import service as search_index
from app.models import EmploymentType
from app.queue import DERIVED
from tests import factories


def titles(response) -> list[str]:
    assert response.status_code == 200, response.get_json()
    return [job["title"] for job in response.get_json()["items"]]


def test_the_api_finds_what_people_type(client, worker):
    employer = factories.employer(name="云聘科技")
    for title in ("软件测试工程师", "会计助理", "维修电工", "收银理货员", "厨师"):
        factories.job(employer, title=title, description="")
    db.session.commit()
    worker(DERIVED)

    for query, expected in (
        ("软件工程师", ["软件测试工程师"]),  # one dictionary word; the job has others
        ("軟件工程師", ["软件测试工程师"]),
        ("维修工", ["维修电工"]),
        ("收银员", ["收银理货员"]),
        ("kuaiji", ["会计助理"]),  # full pinyin
        ("acountant", ["会计助理"]),  # an English synonym, misspelt
    ):
        response = client.get(f"/api/v1/jobs?q={query}")
        assert titles(response) == expected, query
        assert response.get_json()["source"] == "engine"
        assert response.headers["X-Search-Source"] == "engine"
        assert response.get_json()["total"] == 1


def test_whole_words_rank_first_and_facets_count_the_matches(client, worker):
    employer = factories.employer()
    factories.job(employer, title="软件测试工程师", employment_type=EmploymentType.PART_TIME)
    factories.job(employer, title="软件工程师", region_code="5203")
    db.session.commit()
    worker(DERIVED)

    body = client.get("/api/v1/jobs?q=软件工程师&facets=true").get_json()
    assert [job["title"] for job in body["items"]] == ["软件工程师", "软件测试工程师"]
    counts = {b["key"]: b["count"] for b in body["facets"]["employment_type"]}
    assert counts == {"full_time": 1, "part_time": 1}
    assert client.get("/api/v1/jobs?q=软件工程师").get_json()["facets"] is None
    assert titles(client.get("/api/v1/jobs?q=软件工程师&region=52")) == ["软件工程师"]
    assert titles(client.get("/api/v1/jobs?q=软件工程师&employment_type=part_time")) == [
        "软件测试工程师"
    ]


def test_relevance_cursor_walks_every_match_once(client, worker):
    employer = factories.employer()
    for n in range(12):
        factories.job(employer, title=f"Java开发工程师 {n}", description="Java" * (n % 3 + 1))
    factories.job(employer, title="厨师", skills=["中餐"])
    db.session.commit()
    worker(DERIVED)

    seen, cursor, pages = [], None, 0
    while True:
        url = "/api/v1/jobs?q=java&limit=5" + (f"&cursor={cursor}" if cursor else "")
        body = client.get(url).get_json()
        seen += [job["id"] for job in body["items"]]
        cursor, pages = body["next_cursor"], pages + 1
        if not cursor:
            break
    assert len(seen) == len(set(seen)) == 12 and pages == 3


def test_engine_down_the_database_answers_and_says_so(app, client, worker):
    employer = factories.employer()
    for n in range(3):
        factories.job(employer, title=f"仓库管理员 {n}", description="盘点")
    db.session.commit()
    worker(DERIVED)
    engine_cursor = client.get("/api/v1/jobs?q=仓库&limit=2").get_json()["next_cursor"]

    app.config.update(SEARCH_BACKEND="opensearch", SEARCH_URL="http://127.0.0.1:1")
    search_index.close_backend(app)
    first = client.get("/api/v1/jobs?q=仓库&limit=2&facets=true")
    assert first.headers["X-Search-Source"] == "database"
    body = first.get_json()
    assert body["source"] == "database" and body["facets"] is None and body["total"] is None
    second = client.get(f"/api/v1/jobs?q=仓库&limit=2&cursor={body['next_cursor']}").get_json()
    assert len(body["items"]) == 2 and len(second["items"]) == 1
    assert second["next_cursor"] is None
    # The database cannot continue the engine's order: start again, said plainly.
    refused = client.get(f"/api/v1/jobs?q=仓库&limit=2&cursor={engine_cursor}")
    assert refused.status_code == 400 and "start again" in refused.get_json()["detail"]


def test_a_cursor_of_another_list_is_400(client, worker):
    employer = factories.employer()
    for n in range(3):
        factories.job(employer, title=f"焊工 {n}")
    db.session.commit()
    worker(DERIVED)
    engine_cursor = client.get("/api/v1/jobs?q=焊工&limit=1").get_json()["next_cursor"]
    assert client.get(f"/api/v1/jobs?q=焊工&sort=newest&cursor={engine_cursor}").status_code == 400
    assert client.get("/api/v1/jobs?cursor=forged").status_code == 400


def test_multi_select_facets_count_as_if_their_selection_were_off(client, worker):
    employer = factories.employer()
    for kind, n in (("full_time", 3), ("part_time", 2), ("internship", 1)):
        for i in range(n):
            factories.job(employer, title=f"销售代表 {kind} {i}", employment_type=kind)
    db.session.commit()
    worker(DERIVED)

    url = "/api/v1/jobs?q=销售&employment_type=part_time&employment_type=internship&facets=true"
    body = client.get(url).get_json()
    assert body["total"] == 3 and len(body["items"]) == 3
    counts = {b["key"]: b["count"] for b in body["facets"]["employment_type"]}
    assert counts == {"full_time": 3, "part_time": 2, "internship": 1}
    assert {b["key"]: b["count"] for b in body["facets"]["remote"]} == {"0": 3}


def test_several_areas_repeat_like_on_the_page(client, worker):
    employer = factories.employer()
    for region in ("420102001001", "420102", "420103002", "520302"):
        factories.job(employer, title=f"保洁员 {region}", region_code=region)
    db.session.commit()
    worker(DERIVED)

    body = client.get("/api/v1/jobs?q=保洁&region=4201&area=420103&facets=true").get_json()
    assert [job["region_code"] for job in body["items"]] == ["420103002"]
    assert {b["key"]: b["count"] for b in body["facets"]["region"]} == {"420102": 2, "420103": 1}
    body = client.get("/api/v1/jobs?q=保洁&area=4201&area=5203").get_json()
    assert body["total"] == 4
    for bad in ("region=4201&area=5203", "area=42&area=4201"):
        response = client.get("/api/v1/jobs?q=保洁&" + bad)
        assert response.status_code == 400, bad
        assert response.content_type == "application/problem+json"
