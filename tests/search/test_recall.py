"""Every backend finds what people type: the judged set of real job-board titles
(bench/data/search_eval, built by tools/evalsets/search.py) through `yunpin eval search`'s
scoring, and the cases the issue reported, one by one."""

from __future__ import annotations

from importlib.resources import files

import pytest

from bench.evaluate_search import load_judged_set, score
from search import SearchQuery

EVAL = files("bench").joinpath("data/search_eval")


@pytest.fixture(scope="module")
def judged():
    return load_judged_set(
        str(EVAL / "docs.jsonl"), str(EVAL / "queries.jsonl"), str(EVAL / "qrels.tsv")
    )


def test_judged_set_recall_ranking_and_no_empty_answers(make_backend, backend_name, judged):
    result = score(make_backend(backend_name), *judged)
    assert result["queries"] == 217
    # Measured 1.0 on every backend (0.84-0.95 per query set before the recall fields);
    # nDCG@10 0.917-0.948 before on embedded, 0.97-0.98 now.
    assert result["macro_recall"] >= 0.98, result["per_query"]
    assert result["zero_result_rate"] == 0.0
    assert result["ndcg@10"] >= 0.95


TITLES = ["软件测试工程师", "软件工程师", "会计助理", "维修电工", "收银理货员", "Java后端开发"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("软件工程师", ["软件工程师", "软件测试工程师"]),  # whole word first
        ("軟件工程師", ["软件工程师", "软件测试工程师"]),
        ("维修工", ["维修电工"]),
        ("收银员", ["收银理货员"]),
        ("kuaiji", ["会计助理"]),
        ("ruanjian gongchengshi", ["软件工程师", "软件测试工程师"]),
        ("accountant", ["会计助理"]),
        ("acountant", ["会计助理"]),
        ("java开发", ["Java后端开发"]),
        ("electrician", ["维修电工"]),  # the derived English occupation names
        ("electricain", ["维修电工"]),
    ],
)
def test_reported_queries(make_backend, backend_name, text, expected):
    be = make_backend(backend_name)
    be.bulk(
        {
            "id": n,
            "title": title,
            "region_code": "110101000000",
            "posted_at": 1_767_225_600,
            "employer_id": 1,
        }
        for n, title in enumerate(TITLES, 1)
    )
    assert [h.source["title"] for h in be.search(SearchQuery(text=text)).hits] == expected
