"""The BM25 baseline of `yunpin eval match`, checked by hand, and the word index that reads
titles through the occupation vocabularies."""

import math

import numpy as np
import pytest

from matching.bm25 import BM25, WordIndex


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


def test_a_word_index_scores_every_document_as_bm25_does_and_survives_saving():
    docs = [["wire", "drawer", "wire"], ["kitchen", "porter"], ["kitchen", "assistant", "cook"]]
    index = WordIndex.build(docs)
    query = ["kitchen", "wire", "unknown"]
    expected = BM25(docs).scores(query)
    np.testing.assert_allclose(index.scores(query), [expected.get(i, 0) for i in range(3)], 1e-6)
    saved = WordIndex.from_arrays(index.arrays())  # weights kept in float16
    np.testing.assert_allclose(saved.scores(query), index.scores(query), rtol=1e-3)
    assert not index.scores(["unknown"]).any()
