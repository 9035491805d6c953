"""Relevance cursors on the local backends survive writes between pages.

A score depends on the whole index (idf, field lengths), so writes reorder the matches of a
query; an offset or a (score, id) cursor then repeats or skips results. The local backends pin
the ranking of the first page instead (search.snapshots). The writes come from another handle
on the same directory, as the indexer's writes reach the web processes.
"""

from __future__ import annotations

import random

import pytest

from search import InvalidQuery, SearchQuery, create_backend
from tests.search.corpus import job

LOCAL = ["embedded", "sqlite"]
WORDS = ["软件", "测试", "运维", "数据", "前端", "嵌入式", "高级", "Java", "销售", "客服"]


def corpus(start: int, n: int, seed: int) -> list[dict]:
    """Titles holding 工程师 among words of varying number, so bm25 orders them finely."""
    rng = random.Random(seed)
    docs = []
    for i in range(start, start + n):
        words = rng.sample(WORDS, rng.randint(0, 4))
        docs.append(
            job(i, "".join(words) + "工程师", description="工程师 " * rng.randint(0, 3) + "岗位")
        )
    return docs


@pytest.mark.parametrize("name", LOCAL)
def test_relevance_pages_neither_repeat_nor_skip_while_the_index_changes(tmp_path, name):
    writer = create_backend(name, str(tmp_path / name))
    reader = create_backend(name, str(tmp_path / name))  # a web process's own handle
    try:
        writer.bulk(corpus(1, 120, seed=1))
        query = SearchQuery(text="工程师", size=7, facets=True)
        first = reader.search(query)
        assert first.total == 120
        before = reader.search(SearchQuery(text="工程师", size=100))
        rng = random.Random(7)
        seen = list(first.ids)
        deleted, updated, next_id, cursor = set(), set(), 1000, first.cursor
        while cursor:
            # Between pages: new matches (and non-matches that move idf), deletions and
            # updates of shown and unshown matches.
            writer.bulk(corpus(next_id, 15, seed=next_id))
            writer.bulk([job(next_id + 100, "会计", description="工程师 工程师")])
            next_id += 200
            victim = rng.randrange(1, 121)
            if writer.delete(victim):
                deleted.add(victim)
            changed = rng.randrange(1, 121)
            if changed not in deleted:
                writer.index(job(changed, "高级工程师", description="工程师 " * 6))
                updated.add(changed)
            page = reader.search(SearchQuery(text="工程师", size=7, cursor=cursor))
            assert page.total > 0
            assert not set(page.ids) & deleted, "a deleted job was shown"
            seen += page.ids
            cursor = page.cursor
        assert len(seen) == len(set(seen)), "a result was repeated"
        untouched = {i for i in range(1, 121)} - deleted - updated
        assert untouched <= set(seen), "a result was skipped"
        assert max(seen) <= 120, "pages follow the ranking pinned by the first one"
        # The order is the first page's ranking, not today's.
        order = [i for i in before.ids if i in set(seen)][:60]
        assert [i for i in seen if i in set(order)][:60] == order
    finally:
        reader.close()
        writer.close()


@pytest.mark.parametrize("name", LOCAL)
def test_a_text_less_list_pages_by_id_and_an_expired_ranking_by_offset(tmp_path, name):
    backend = create_backend(name, str(tmp_path / name))
    try:
        backend.bulk(corpus(1, 30, seed=3))
        first = backend.search(SearchQuery(size=10))
        assert first.ids == list(range(30, 20, -1))
        backend.index(job(500, "新工程师"))
        second = backend.search(SearchQuery(size=10, cursor=first.cursor))
        assert second.ids == list(range(20, 10, -1))

        pinned = backend.search(SearchQuery(text="工程师", size=10))
        ix = backend._open("jobs")
        ix.snapshots.conn.execute("DELETE FROM rankings")  # as after RANK_SNAPSHOT_TTL
        later = backend.search(SearchQuery(text="工程师", size=10, cursor=pinned.cursor))
        assert len(later.ids) == 10 and not set(later.ids) & set(pinned.ids)
        for forged in ("eyJwIjotMywiciI6IngifQ", "eyJvIjoieCJ9"):  # {"p":-3,"r":"x"}, {"o":"x"}
            with pytest.raises(InvalidQuery):
                backend.search(SearchQuery(text="工程师", cursor=forged))
    finally:
        backend.close()
