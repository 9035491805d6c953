"""The BM25 baseline of `yunpin eval match`, checked by hand."""

import math

import pytest

from matching.bm25 import BM25


def test_bm25_hand_computed():
    docs = [["java", "spring"], ["java"], ["会计"]]
    bm = BM25(docs, k1=1.2, b=0.75)
    s = bm.scores(["spring"])
    idf = math.log(1 + (3 - 1 + 0.5) / (1 + 0.5))
    avgdl = 4 / 3
    expected = idf * 1 * 2.2 / (1 + 1.2 * (1 - 0.75 + 0.75 * 2 / avgdl))
    assert s == {0: pytest.approx(expected)}
    j = bm.scores(["java"])
    assert j[1] > j[0]  # shorter document wins on equal tf
