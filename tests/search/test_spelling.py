"""Did you mean (search/spelling.py): misspelt Chinese words are corrected towards the
titles and skills every backend keeps for autocomplete, the same way on every backend;
words spelt right are never corrected."""

from __future__ import annotations

import pytest

from search import Correction, SearchQuery
from search.spelling import Speller
from tests.search.conftest import BACKENDS
from tests.search.corpus import BJ_CHAOYANG, job

DOCS = [
    job(1, "软件工程师", skills=["Python"]),
    job(2, "高级软件工程师", skills=["Java"]),
    job(3, "会计", skills=["Excel"]),
    job(4, "会计助理", skills=["Excel"]),
    job(5, "会展策划", skills=["PPT"]),
    job(6, "叉车司机", region_path=BJ_CHAOYANG, skills=["叉车证"]),
]


@pytest.fixture(params=BACKENDS)
def backend(request, make_backend):
    be = make_backend(request.param)
    be.bulk(DOCS)
    return be


def test_the_testers_misspellings_are_corrected(backend):
    for typed, meant, total in (
        ("软件工城师", "软件工程师", 2),  # one character off
        ("软建工程师", "软件工程师", 2),  # ruanjian: read alike
        ("会汁", "会计", 2),  # one character off, more jobs than 会展
        ("叉车司几", "叉车司机", 1),
    ):
        assert backend.count(SearchQuery(text=typed)) == 0, typed
        assert backend.did_you_mean(SearchQuery(text=typed)) == Correction(meant, total), typed


def test_the_correction_counts_with_the_filters(backend):
    found = backend.did_you_mean(SearchQuery(text="会汁", region="110000000000"))
    assert found is None  # 会计 finds nothing there either
    assert backend.did_you_mean(SearchQuery(text="叉车司几", region="110000000000")) == Correction(
        "叉车司机", 1
    )


def test_words_spelt_right_are_never_corrected(backend):
    for typed in ("软件工程师", "会计", "会展", "焊工", "普工", "java", "司机", "会计 python"):
        assert backend.did_you_mean(SearchQuery(text=typed)) is None, typed


def test_the_vocabulary_is_titles_and_skills_heaviest_first(backend):
    entries = backend.vocabulary()
    assert entries[0] == ("Excel", 2)
    texts = {text for text, _ in entries}
    assert {"软件工程师", "会计助理", "叉车证"} <= texts
    assert not any("公司" in text for text in texts)  # employers are not spelling


def test_candidates_prefer_the_frequent_word():
    speller = Speller([("会计", 5), ("会展", 1), ("软件工程师", 3)])
    assert speller.words_like("会汁") == ["会计", "会展"]
    assert speller.corrections("江城 会汁") == ["江城 会计", "江城 会展"]
    assert speller.corrections("会计") == []
