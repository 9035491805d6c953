"""The local backends rank in two tiers: documents matching the words as typed, then those
only a synonym, a typo, the pieces of a word or its pinyin found (search.analysis.typed_only).
Pages cross from the first tier into the second without repeating or skipping anything."""

from __future__ import annotations

import pytest

from search import SearchQuery, create_backend
from tests.search.corpus import job

LOCAL = ["embedded", "sqlite"]

TYPED = [  # 软件工程师 as a word of the title, or once in a long description
    job(1, "软件工程师"),
    job(2, "销售代表", description="负责客户沟通与回访，" * 12 + "与软件工程师团队合作。"),
    job(3, "高级软件工程师（后端）"),
]
OTHERS = [  # its pieces (软件 + 工程 + 师), a synonym, English synonyms
    job(4, "软件测试工程师"),
    job(5, "软件开发工程师"),
    job(6, "嵌入式软件高级工程师"),
    job(7, "Software Engineer"),
    job(8, "软件实施工程师"),
]
UNRELATED = [job(9, "会计"), job(10, "货车驾驶员", description="城市配送")]


@pytest.fixture(params=LOCAL)
def backend(request, tmp_path):
    be = create_backend(request.param, str(tmp_path / request.param))
    be.bulk(TYPED + OTHERS + UNRELATED)
    yield be
    be.close()


def test_words_as_typed_rank_above_what_only_pieces_or_synonyms_find(backend):
    result = backend.search(SearchQuery(text="软件工程师", size=20, facets=True))
    typed = {d["id"] for d in TYPED}
    assert set(result.ids[: len(typed)]) == typed
    assert set(result.ids[len(typed) :]) == {d["id"] for d in OTHERS}
    assert result.total == len(TYPED) + len(OTHERS)
    assert sum(b.count for b in result.facets["category"]) == result.total


@pytest.mark.parametrize("facets", [False, True])
@pytest.mark.parametrize("size", [1, 2, 4])
def test_pages_cross_the_tiers_once(backend, size, facets):
    # With facets the embedded backend knows the total before it ranks, and pins a second
    # tier it does not need for the first page unranked (search.snapshots.first_page).
    whole = backend.search(SearchQuery(text="软件工程师", size=20)).ids
    seen, cursor = [], None
    while True:
        page = backend.search(
            SearchQuery(text="软件工程师", size=size, cursor=cursor, facets=facets)
        )
        assert page.total == len(whole)
        seen += page.ids
        cursor = page.cursor
        if cursor is None:
            break
    assert seen == whole


@pytest.mark.parametrize("name", LOCAL)
def test_second_tier_pinned_unranked_survives_writes(tmp_path, name):
    writer = create_backend(name, str(tmp_path / name))
    backend = create_backend(name, str(tmp_path / name))  # a web process's own handle
    try:
        writer.bulk(TYPED + OTHERS + UNRELATED)
        first = backend.search(SearchQuery(text="软件工程师", size=3, facets=True))
        assert set(first.ids) == {d["id"] for d in TYPED}
        writer.bulk([job(20, "软件运维工程师")])  # a second-tier match added meanwhile
        assert writer.delete(5)  # and one of the pinned second tier deleted
        seen, cursor = list(first.ids), first.cursor
        while cursor:
            page = backend.search(SearchQuery(text="软件工程师", size=2, cursor=cursor))
            seen += page.ids
            cursor = page.cursor
        assert sorted(seen[3:]) == sorted({d["id"] for d in OTHERS} - {5})
        assert len(seen) == len(set(seen))
    finally:
        backend.close()
        writer.close()


def test_a_typo_alone_finds_its_word_in_the_second_tier(backend):
    # Nothing holds the word as typed: one tier, ranked by the whole query.
    result = backend.search(SearchQuery(text="accountant"))
    assert result.ids == [9] and result.total == 1
