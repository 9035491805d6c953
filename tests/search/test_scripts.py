"""Simplified and traditional Chinese find each other on every backend, and simplified text
is indexed as written (OpenCC's Taiwan phrase table once turned 程序员 into 进程员 and
文件 into 文档, so a search for 进程 found programmers; inside traditional text the same table
read Hong Kong's 程序員 as 进程员)."""

from __future__ import annotations

import pytest

from search import SearchQuery

JOBS = {
    1: ("程序员", "负责程序设计与文件管理，参与公司核心系统开发。"),
    2: ("软件工程师", "建立自动化测试流程。"),
    3: ("文件管理员", "负责公司文件归档。"),
    4: ("資深軟體工程師", "負責雲端服務開發。"),
    5: ("操作系统工程师", "负责进程调度与内核优化。"),
    6: ("程序員", "負責手機應用程序開發。"),  # Hong Kong writes 程序 as the mainland does
    7: ("服务器运维", "负责机房服务器维护。"),
    8: ("市场营销专员", "负责产品营销推广。"),
}


@pytest.fixture
def jobs_backend(make_backend, backend_name):
    be = make_backend(backend_name)
    be.bulk(
        {
            "id": n,
            "title": title,
            "description": description,
            "region_code": "110101000000",
            "posted_at": 1_767_225_600,
            "employer_id": 1,
        }
        for n, (title, description) in JOBS.items()
    )
    return be


def titles(backend, text: str, **options) -> set[str]:
    return {h.source["title"] for h in backend.search(SearchQuery(text=text, **options)).hits}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("程序员", {"程序员", "程序員"}),
        ("进程", {"操作系统工程师"}),  # not the programmers: their texts say 程序
        ("程序开发", {"程序員"}),
        ("内核", {"操作系统工程师"}),  # not 核心 (core) of the programmer's
        ("文件管理", {"程序员", "文件管理员"}),
        ("文档", set()),
        ("建立", {"软件工程师"}),
    ],
)
def test_simplified_words_find_only_themselves(jobs_backend, text, expected):
    assert titles(jobs_backend, text, synonyms=False, recall=False) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("軟體工程師", {"软件工程师", "資深軟體工程師"}),
        ("程式設計師", {"程序员", "程序員"}),
        ("程序員", {"程序员", "程序員"}),
        ("檔案", {"程序员", "文件管理员"}),  # Taiwan's word for 文件
        ("软件工程师", {"软件工程师", "資深軟體工程師"}),  # the other way round
        ("云端服务", {"資深軟體工程師"}),
    ],
)
def test_traditional_and_simplified_find_each_other(jobs_backend, text, expected):
    assert titles(jobs_backend, text, synonyms=False, recall=False) == expected


def test_the_programmer_synonym_group_still_holds(jobs_backend):
    """程序员 / 软件工程师 / 开发工程师 … are one group (search/data/synonyms.txt), typed in
    either script."""
    both = {"程序员", "软件工程师", "資深軟體工程師"}
    assert titles(jobs_backend, "程序员") >= both
    assert titles(jobs_backend, "程式設計師") >= both
    assert titles(jobs_backend, "软件开发工程师") >= both


@pytest.mark.parametrize(
    ("text", "expected"),
    [("伺服器", {"服务器运维"}), ("行销", {"市场营销专员"})],
)
def test_taiwan_words_written_alike_in_both_scripts_are_synonyms(jobs_backend, text, expected):
    """伺服器 and 行销 hold no traditional character, so no conversion sees them: the synonym
    table (search/data/synonyms.txt) carries them to the mainland words."""
    assert titles(jobs_backend, text, recall=False) == expected
    assert titles(jobs_backend, text, synonyms=False, recall=False) == set()


def test_highlights_and_suggestions_show_the_words_as_written(jobs_backend):
    hits = {h.id: h for h in jobs_backend.search(SearchQuery(text="程序员", synonyms=False)).hits}
    assert "<mark>程序员</mark>" in hits[1].highlights["title"]
    assert "<mark>程序員</mark>" in hits[6].highlights["title"]
    (hit,) = jobs_backend.search(SearchQuery(text="程序设计", synonyms=False)).hits
    assert "<mark>程序设计</mark>" in hit.highlights["description"]
    assert "程序员" in {s.text for s in jobs_backend.suggest("程序")}
    assert not jobs_backend.suggest("进程")
