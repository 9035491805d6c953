"""One suite, every backend: same documents and queries, same answers.

Filters and facets are checked against a plain-Python oracle over the corpus; text
queries are checked for the expected documents and against the embedded backend's
result sets and top hits.
"""

from __future__ import annotations

from collections import Counter

import pytest

from bench.search_corpus import BASE_TIME
from search import InvalidQuery, SearchQuery
from search.defaults import SALARY_BANDS
from search.documents import region_level
from tests.search.corpus import all_docs

DOCS = {d["id"]: d for d in all_docs()}
NOW = BASE_TIME + 200 * 86400


def oracle(**f) -> list[dict]:
    """Documents matching the filters, evaluated directly on the dicts."""
    out = []
    for d in DOCS.values():
        codes = set(d["region_path"]) | {d["region_code"]}
        if "region" in f and f["region"] not in codes:
            continue
        if "salary_min" in f and d["salary_max"] < f["salary_min"]:
            continue
        if "salary_max" in f and d["salary_min"] > f["salary_max"]:
            continue
        if "employment_type" in f and d["employment_type"] not in (
            [f["employment_type"]]
            if isinstance(f["employment_type"], str)
            else f["employment_type"]
        ):
            continue
        if "category" in f and d["category"] != f["category"]:
            continue
        if "remote" in f and d["remote"] != f["remote"]:
            continue
        if "posted_within_days" in f and d["posted_at"] < NOW - f["posted_within_days"] * 86400:
            continue
        if f.get("verified_only") and not d["employer_verified"]:
            continue
        if "employer_id" in f and d["employer_id"] != f["employer_id"]:
            continue
        out.append(d)
    return out


def oracle_facets(docs: list[dict], region: str | None = None) -> dict[str, dict[str, int]]:
    level = region_level(region) if region else 0
    region_counts: Counter = Counter()
    for d in docs:
        for code in set(d["region_path"]) | {d["region_code"]}:
            if region_level(code) == level + 1:
                region_counts[code] += 1
    bands: Counter = Counter()
    for d in docs:
        mid = (d["salary_min"] + d["salary_max"]) // 2
        for key, lo, hi in SALARY_BANDS:
            if (lo is None or mid >= lo) and (hi is None or mid < hi):
                bands[key] += 1
    return {
        "category": dict(Counter(d["category"] for d in docs)),
        "employment_type": dict(Counter(d["employment_type"] for d in docs)),
        "remote": dict(Counter("1" if d["remote"] else "0" for d in docs)),
        "region": dict(region_counts),
        "salary": dict(bands),
    }


FILTER_CASES = [
    {},
    {"region": "440000000000"},
    {"region": "440300000000", "salary_min": 8000, "salary_max": 12000},
    {"region": "440305001001"},
    {"employment_type": ["part_time", "internship"], "remote": False},
    {"verified_only": True, "posted_within_days": 60, "now": NOW},
    {"category": "4-02-02-00", "salary_min": 6000},
    {"employer_id": 900},
    {"remote": True, "employment_type": "full_time", "verified_only": True, "salary_max": 20000},
]


@pytest.mark.parametrize("filters", FILTER_CASES, ids=lambda f: ",".join(f) or "none")
def test_filters_and_facets_match_oracle(backend, filters):
    q = SearchQuery(facets=True, size=100, **filters)
    expected = oracle(**{k: v for k, v in filters.items() if k != "now"})
    result = backend.search(q)
    assert result.total == len(expected)
    assert backend.count(q) == len(expected)
    for name in ("category", "employment_type", "remote", "region", "salary"):
        # A facet is counted as if its own selection were off (disjunctive faceting); the
        # region facet drills down one level below the region filter instead.
        own = {"salary": ("salary_min", "salary_max"), "region": ()}.get(name, (name,))
        unselected = {k: v for k, v in filters.items() if k not in own and k != "now"}
        want = oracle_facets(oracle(**unselected), filters.get("region"))
        assert result.facet_counts(name) == want[name], name


def _in_any(doc: dict, codes: list[str]) -> bool:
    return bool((set(doc["region_path"]) | {doc["region_code"]}) & set(codes))


@pytest.mark.parametrize(
    "region, areas",
    [(None, ["440000000000", "110000000000"]), ("440000000000", ["440300000000", "440100000000"])],
)
def test_areas_are_a_multi_select_counted_as_if_off(backend, region, areas):
    """Several regions at one level: any matches; the region facet lists that level inside
    the scope, counted without the selection, so the other values stay on offer."""
    q = SearchQuery(region=region, areas=areas, facets=True, size=100, employment_type="full_time")
    scope = oracle(**({"region": region} if region else {}), employment_type="full_time")
    expected = [d for d in scope if _in_any(d, areas)]
    result = backend.search(q)
    assert sorted(result.ids) == sorted(d["id"] for d in expected)
    assert result.total == len(expected) > 0
    level = region_level(areas[0])
    want = Counter(
        code
        for d in scope
        for code in set(d["region_path"]) | {d["region_code"]}
        if region_level(code) == level
    )
    assert result.facet_counts("region") == dict(want)
    assert len(want) > len(areas) or region is None


@pytest.mark.parametrize("areas", [["440000000000", "440300000000"], ["12"]])
def test_areas_at_mixed_levels_or_malformed_are_refused(backend, areas):
    with pytest.raises(InvalidQuery):
        backend.search(SearchQuery(areas=areas))


@pytest.mark.parametrize(
    "text, expect_id",
    [
        ("軟體工程師", 1),  # traditional → simplified, phrase level (軟體 → 软件)
        ("软件工程师", 7),  # and the other way round
        ("Java开发", 2),  # mixed Latin + Chinese
        ("会计", 6),  # two-character word
        ("司機", 3),  # traditional + synonym: 司机 → 驾驶员
        ("frontend", 5),  # English synonym of 前端
        ("pyhton", 4),  # typo
        ("ＰＹＴＨＯＮ", 4),  # full-width
        ("京东", 2),  # employer name
        ("kubernetes", 7),
    ],
)
def test_chinese_and_fuzzy_matching(backend, text, expect_id):
    result = backend.search(SearchQuery(text=text, size=100))
    assert expect_id in result.ids


def test_region_name_in_text_and_subtree_filter(backend):
    by_text = set(backend.search(SearchQuery(text="深圳", size=100)).ids)
    assert {1, 5, 6} <= by_text
    village = backend.search(SearchQuery(region="440305001001", size=100))
    assert village.ids == [6]


TEXT_CASES = [
    "软件工程师",
    "java",
    "司机",
    "前端 react",
    "python developer",
    "五险一金 深圳",
    "会计 excel",
    "高级 运维",
    "叉车工",
    "golang",
]


@pytest.mark.parametrize("text", TEXT_CASES)
def test_text_results_agree_with_embedded(backend, reference, text):
    q = SearchQuery(text=text, size=100, facets=True)
    got, ref = backend.search(q), reference.search(q)
    assert got.total == ref.total
    assert set(got.ids) == set(ref.ids)
    assert got.facets == ref.facets


@pytest.mark.parametrize(
    "text", ["软件工程师", "Java开发工程师", "货车驾驶员", "python developer", "会计"]
)
def test_ranking_top_hits_agree(backend, reference, text):
    got = backend.search(SearchQuery(text=text, size=5))
    ref = reference.search(SearchQuery(text=text, size=5))
    # title matches outrank description-only matches (title boost 3 > description 1)
    assert got.hits[0].highlights.get("title"), got.hits[0].source["title"]
    assert len(set(got.ids) & set(ref.ids)) >= 3, (got.ids, ref.ids)


def test_highlights_are_marked_and_escaped(backend):
    hit = next(h for h in backend.search(SearchQuery(text="python", size=100)).hits if h.id == 4)
    assert hit.highlights["title"] == "<mark>Python</mark> Developer"
    assert "&lt;script&gt;" in hit.highlights["description"]
    assert "<script>" not in hit.highlights["description"]
    trad = next(
        h for h in backend.search(SearchQuery(text="软件工程师", size=100)).hits if h.id == 7
    )
    assert trad.highlights["title"] == "資深<mark>軟體工程師</mark>"


@pytest.mark.parametrize("sort", ["relevance", "newest", "salary"])
def test_cursor_pages_through_everything_once(backend, sort):
    base = dict(
        text="工程师" if sort == "relevance" else "",
        region=None if sort == "relevance" else "440000000000",
        sort=sort,
        size=7,
    )
    total = backend.count(SearchQuery(**base))
    assert total > 20
    seen, cursor, pages = [], None, 0
    while True:
        page = backend.search(SearchQuery(**base, cursor=cursor))
        assert page.total == total
        seen += page.ids
        pages += 1
        cursor = page.cursor
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == total
    if sort == "newest":
        keys = [(DOCS[i]["posted_at"] // 60, i) for i in seen]
        assert keys == sorted(keys, reverse=True)
    if sort == "salary":
        keys = [(DOCS[i]["salary_max"], i) for i in seen]
        assert keys == sorted(keys, reverse=True)


def test_sorted_pages_identical_across_backends(backend, reference):
    q = SearchQuery(sort="salary", size=30, region="110000000000")
    assert backend.search(q).ids == reference.search(q).ids


def test_bad_cursor(backend):
    with pytest.raises(InvalidQuery):
        backend.search(SearchQuery(cursor="not-a-cursor!"))


@pytest.mark.parametrize(
    "prefix, text",
    [
        ("软件", "软件工程师"),
        ("rjgc", "软件工程师"),
        ("ruanjian", "软件工程师"),
        ("軟體", "软件工程师"),
        ("pyt", "Python"),
        ("顺丰", "顺丰速运有限公司"),
        ("sfsy", "顺丰速运有限公司"),
        ("kaifa", "Java开发工程师"),
    ],
)
def test_autocomplete_prefix_and_pinyin(backend, prefix, text):
    texts = [s.text for s in backend.suggest(prefix, limit=10)]
    assert text in texts


def test_autocomplete_agrees_with_embedded(backend, reference):
    for prefix in ["j", "司", "sj", "gc", "深圳", "h"]:
        assert backend.suggest(prefix) == reference.suggest(prefix), prefix


def test_more_like_this(backend):
    result = backend.search(SearchQuery(like_id=2, size=10))
    assert 2 not in result.ids
    assert result.ids
    top = result.hits[0].source
    assert "java" in (top["title"] + " ".join(top["skills"])).lower() or "开发" in top["title"]


def test_get_and_health(backend):
    assert backend.get(3)["title"] == "货车驾驶员"
    assert backend.get(999_999) is None
    health = backend.health()
    assert health["status"] in ("green", "yellow")
    assert health["docs"]["jobs"] == len(DOCS)


SELECTIONS = {
    # filter → (facet it is a selection of, whether a document passes it)
    "category": ("category", lambda d, v: d["category"] in v),
    "employment_type": ("employment_type", lambda d, v: d["employment_type"] in v),
    "salary_min": ("salary", lambda d, v: d["salary_max"] >= v),
    "salary_max": ("salary", lambda d, v: d["salary_min"] <= v),
    "remote": ("remote", lambda d, v: d["remote"] == v),
    "areas": ("region", _in_any),
}


def _matching_ids(backend, text: str) -> set[int]:
    """Every document the text alone matches (paged through cursors)."""
    ids: set[int] = set()
    cursor = None
    while True:
        page = backend.search(SearchQuery(text=text, size=100, cursor=cursor))
        ids.update(page.ids)
        if not (cursor := page.cursor):
            return ids


@pytest.mark.parametrize("text", ["", "工程师", "销售"])
@pytest.mark.parametrize(
    "selections",
    [
        {
            "category": ["2-02-10-03", "2-02-10-00"],
            "employment_type": ["full_time", "internship"],
            "salary_min": 6000,
            "salary_max": 20000,
        },
        {
            "areas": ["440100000000", "310100000000", "440300000000"],
            "employment_type": ["full_time", "contract", "temporary"],
            "remote": False,
            "salary_min": 9000,
        },
    ],
    ids=["category,type,salary", "areas,type,remote,salary"],
)
def test_several_multi_selects_with_text_match_oracle(backend, text, selections):
    """Several facets with selections (several values each) at once, with and without
    text: each facet counted over the text's matches under every other selection."""
    scope = [DOCS[i] for i in _matching_ids(backend, text)] if text else list(DOCS.values())
    q = SearchQuery(text=text, facets=True, size=100, **selections)
    result = backend.search(q)

    def passing(docs, but=None):
        return [
            d
            for d in docs
            if all(
                keep(d, selections[name])
                for name, (facet, keep) in SELECTIONS.items()
                if name in selections and facet != but
            )
        ]

    expected = passing(scope)
    assert result.total == len(expected)
    assert sorted(result.ids) == sorted(d["id"] for d in expected)
    for name in ("category", "employment_type", "remote", "salary"):
        assert result.facet_counts(name) == oracle_facets(passing(scope, but=name))[name], name
    level = region_level(selections["areas"][0]) if "areas" in selections else 1
    want = Counter(
        code
        for d in passing(scope, but="region")
        for code in set(d["region_path"]) | {d["region_code"]}
        if region_level(code) == level
    )
    assert result.facet_counts("region") == dict(want)
