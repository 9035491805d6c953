"""Searches as an outside tester typed them on a phone the second time: English phrased as a
sentence (jobs in Wuhan, warehouse worker, nurse, Wuhan), Chinese cities the segmenter
calls verbs (遵义), the wider place offered only when it has the jobs, an unknown
occupation in the address. The real embedded index fed by the real queue, on SQLite and
PostgreSQL (the fixture of test_search_english)."""

from __future__ import annotations

import re

from tests.app.jobs.test_search_english import EN, ZH, jobs, titles, words  # noqa: F401

WUHAN = "4201"


def note(client, url: str, headers=EN) -> str:
    html = client.get(url, headers=headers).get_data(True)
    found = re.search(r'<div class="search-note" role="status">(.*?)</div>', html, re.S)
    return words(found.group(1)) if found else ""


def test_filler_of_english_searches_is_not_required(client, jobs):  # noqa: F811
    wuhan = titles(client, f"/jobs/?region={WUHAN}")
    assert len(wuhan) > 10
    for typed in ("jobs in Wuhan", "Jobs in Wuhan", "jobs at wuhan", "hiring near Wuhan"):
        assert titles(client, f"/jobs/?q={typed}") == wuhan, typed
        assert note(client, f"/jobs/?q={typed}").startswith("Jobs in Wuhan ·"), typed
    warehouse = titles(client, "/jobs/?q=warehouse")
    nurse = titles(client, "/jobs/?q=nurse")
    assert warehouse == ["仓库管理员", "叉车司机"] and nurse == ["急诊科护士"]
    for typed in ("warehouse jobs", "warehouse worker", "warehouse workers", "warehouse job"):
        assert titles(client, f"/jobs/?q={typed}") == warehouse, typed
    for typed in ("nurse job", "nurse position", "nurse vacancies", "hiring nurse"):
        assert titles(client, f"/jobs/?q={typed}") == nurse, typed
    # Chinese is searched as typed: its filler is the engine's stop words.
    assert titles(client, "/jobs/?q=护士") == nurse


def test_the_words_shown_are_the_words_searched(client, jobs):  # noqa: F811
    for typed in ("nurse in Wuhan", "nurse, Wuhan", "nurse at Wuhan", "Wuhan: nurse!"):
        assert titles(client, f"/jobs/?q={typed}") == ["急诊科护士"], typed
        said = note(client, f"/jobs/?q={typed}")
        assert said.startswith("Searching for nurse in Wuhan ·"), (typed, said)
        assert "Search for nurse in every place" in said, typed
    body = client.get("/api/v1/jobs?q=nurse in Wuhan").get_json()
    assert body["reading"]["words"] == "nurse"
    assert [item["title"] for item in body["items"]] == ["急诊科护士"]


def test_a_prefecture_the_segmenter_calls_a_verb_is_a_place(client, jobs):  # noqa: F811
    for typed in ("遵义", "销售 遵义", "遵义销售", "sales Zunyi"):
        assert titles(client, f"/jobs/?q={typed}", ZH) == ["销售代表"], typed
    assert "遵义市" in note(client, "/jobs/?q=遵义", ZH)
    assert note(client, "/jobs/?q=销售 遵义", ZH).startswith("在 遵义市 中搜索 销售")


def test_the_wider_place_offered_has_the_jobs(client, jobs):  # noqa: F811
    # Nothing for a nurse in Zunyi nor anywhere in Guizhou: no link to Guizhou, which would
    # show nothing too; the link to search every place stays.
    html = client.get("/jobs/?q=nurse Zunyi", headers=EN).get_data(True)
    assert "No nurse jobs in Zunyi yet." in words(html)
    assert "Search in Guizhou" not in words(html) and "region=52&" not in html
    assert "Search for nurse in every place" in words(html)
    # No truck driver in Jiang'an, one elsewhere in Wuhan: Wuhan is offered, and has it.
    html = client.get("/jobs/?q=truck driver Jiang'an", headers=EN).get_data(True)
    assert "No truck driver jobs in Jiang'an District" in words(html)
    link = re.search(r'<a href="([^"]+)">Search in Wuhan[^<]*</a>', html)
    assert link, words(html)
    assert titles(client, unescape_url(link.group(1))) == ["货车司机"]


def unescape_url(url: str) -> str:
    return url.replace("&amp;", "&")


def test_english_job_words_are_suggested_as_they_are_typed(client, jobs):  # noqa: F811
    suggested = client.get("/jobs/suggest?q=fork").get_json()
    assert [s["text"] for s in suggested] == ["forklift", "forklift driver", "forklift operator"]
    assert {s["kind"] for s in suggested} == {"job_word"}
    assert "warehouse" in [s["text"] for s in client.get("/jobs/suggest?q=Ware").get_json()]
    # What is suggested finds the jobs its Chinese words name.
    assert titles(client, "/jobs/?q=forklift driver") == ["叉车司机"]
    # Chinese prefixes are the index's own titles, as before.
    assert [s["text"] for s in client.get("/jobs/suggest?q=叉车").get_json()] == ["叉车司机"]
