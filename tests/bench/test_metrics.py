"""Ranking metrics of the offline evaluation, checked by hand."""

import math

import pytest

from bench.metrics import average_precision, evaluate_run, ndcg_at, recall_at, reciprocal_rank


def test_ndcg_hand_computed():
    rels = {"a": 3, "b": 1, "c": 2}
    ranked = ["b", "x", "a"]
    dcg = 1 / math.log2(2) + 7 / math.log2(4)
    idcg = 7 / math.log2(2) + 3 / math.log2(3) + 1 / math.log2(4)
    assert ndcg_at(ranked, rels, 10) == pytest.approx(dcg / idcg)
    assert ndcg_at(["a", "c", "b"], rels, 10) == pytest.approx(1.0)
    assert ndcg_at(["x", "a"], rels, 1) == 0.0


def test_map_recall_mrr_hand_computed():
    rels = {"a": 1, "b": 2, "z": 0}
    ranked = ["x", "a", "y", "b"]
    assert average_precision(ranked, rels) == pytest.approx((1 / 2 + 2 / 4) / 2)
    assert recall_at(ranked, rels, 2) == 0.5
    assert reciprocal_rank(ranked, rels) == 0.5
    assert reciprocal_rank(["x"], rels) == 0.0


def test_evaluate_run_skips_queries_without_relevant_docs():
    out = evaluate_run({"q1": ["a"], "q2": ["b"]}, {"q1": {"a": 3}, "q2": {"b": 0}})
    assert out["queries"] == 1 and out["ndcg@10"] == 1.0 and out["mrr"] == 1.0
