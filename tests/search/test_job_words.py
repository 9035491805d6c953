"""Everyday job words on every backend: the English an English reader types for Chinese job
titles (search/data/synonyms.txt), employment types found by their word
(search/data/employment_types.tsv), and a worker named by their machine (叉车工 finds 叉车司机,
search.analysis.recall_pieces) without a compound losing what it found before, and a job word
of our dictionary (方正排版, search/data/userdict.txt) found whole and by its pieces."""

from __future__ import annotations

import pytest

from search import SearchQuery
from tests.search.conftest import BACKENDS
from tests.search.corpus import job

DOCS = [
    job(1, "仓库管理员", description="负责出入库盘点"),
    job(2, "叉车司机", description="持叉车证"),
    job(3, "超市收银员", employment_type="part_time"),
    job(4, "周末兼职促销"),
    job(5, "外卖配送员"),
    job(6, "货车驾驶员"),
    job(7, "中餐厨师"),
    job(8, "保洁员"),
    job(9, "小区保安"),
    job(10, "电焊工"),
    job(11, "暑期实习生", employment_type="internship"),
    job(12, "软件工程师"),
    job(13, "软件测试工程师"),
    job(14, "嵌入式软件高级工程师"),
    job(15, "叉车工"),
    job(16, "搬运员"),
    job(17, "电气工程师"),
    job(18, "钢筋工"),
    job(19, "钢筋班组长"),
    job(20, "注塑机操作员"),
    job(21, "方正排版学徒"),
    job(22, "排版员"),
]

FOUND = {
    "warehouse": {1},
    "forklift": {2, 15},
    "part time": {3, 4},
    "part-time": {3, 4},
    "parttime": {3, 4},
    "兼职": {3, 4},
    "delivery": {5},
    "driver": {2, 6},
    "cashier": {3},
    "cook": {7},
    "cleaner": {8},
    "security guard": {9},
    "welder": {10},
    "intern": {11},
    "叉车工": {2, 15},
    "搬运工": {16},
    "钢筋工": {18, 19},  # cut 钢筋 工 by the segmenter, joined back at query time
    "注塑工": {20},
    "软件工程师": {12, 13, 14},
    "方正排版学徒": {21},  # one word of the dictionary, then 学徒
    "排版": {21, 22},  # the index keeps the word's pieces too
}


@pytest.fixture(params=BACKENDS)
def backend(request, make_backend):
    be = make_backend(request.param)
    be.bulk(DOCS)
    return be


def test_everyday_words_find_their_jobs_on_every_backend(backend):
    for typed, expected in FOUND.items():
        result = backend.search(SearchQuery(text=typed, size=20))
        assert set(result.ids) == expected, typed
        assert result.total == len(expected), typed


def test_the_worker_typed_as_written_ranks_first(backend):
    # 叉车工 as written is the first tier on the local backends and scores higher on the
    # cluster; 叉车司机 follows.
    assert backend.search(SearchQuery(text="叉车工", size=20)).ids == [15, 2]
    assert backend.search(SearchQuery(text="钢筋工", size=20)).ids == [18, 19]


def test_one_character_before_the_worker_stays_whole(backend):
    # 电工 is an electrician: its 电 alone would find the electrical engineer and the welder.
    assert backend.search(SearchQuery(text="电工", size=20)).ids == []
    # Nor does a word that is no trade: 普通工 needs 工 as a word (a general worker).
    assert backend.search(SearchQuery(text="普通工", size=20)).ids == []


def test_the_employment_type_filter_and_its_word_agree(backend):
    by_word = backend.search(SearchQuery(text="兼职", size=20))
    by_filter = backend.search(SearchQuery(employment_type=["part_time"], size=20))
    assert set(by_filter.ids) <= set(by_word.ids) == {3, 4}


def test_a_worker_after_an_english_job_word_adds_nothing_it_must_find(backend):
    # No Chinese title says "worker": after warehouse it is dropped, while terms that hold it
    # (factory worker) keep their own synonyms, and "worker" alone is still a word.
    assert set(backend.search(SearchQuery(text="warehouse worker", size=20)).ids) == {1}
    assert set(backend.search(SearchQuery(text="forklift workers", size=20)).ids) == {2, 15}
    assert set(backend.search(SearchQuery(text="cleaner staff", size=20)).ids) == {8}
    assert backend.search(SearchQuery(text="worker", size=20)).ids == []
