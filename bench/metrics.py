"""Ranking metrics over graded relevance (qrels: {query_id: {doc_id: grade 0..3}}).

nDCG uses gain 2^rel - 1 and log2 discount; MAP, recall and MRR count grade >= 1 as relevant.
Queries with no relevant document are skipped (they carry no signal), as trec_eval does for
MAP/recall when run with only judged queries."""

from __future__ import annotations

import math


def ndcg_at(ranked: list, rels: dict, k: int = 10) -> float:
    dcg = sum((2 ** rels.get(d, 0) - 1) / math.log2(i + 2) for i, d in enumerate(ranked[:k]))
    ideal = sorted((r for r in rels.values() if r > 0), reverse=True)[:k]
    idcg = sum((2**r - 1) / math.log2(i + 2) for i, r in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def average_precision(ranked: list, rels: dict) -> float:
    n_rel = sum(1 for r in rels.values() if r > 0)
    if not n_rel:
        return 0.0
    hits, total = 0, 0.0
    for i, d in enumerate(ranked):
        if rels.get(d, 0) > 0:
            hits += 1
            total += hits / (i + 1)
    return total / n_rel


def recall_at(ranked: list, rels: dict, k: int = 50) -> float:
    n_rel = sum(1 for r in rels.values() if r > 0)
    return sum(1 for d in ranked[:k] if rels.get(d, 0) > 0) / n_rel if n_rel else 0.0


def reciprocal_rank(ranked: list, rels: dict) -> float:
    for i, d in enumerate(ranked):
        if rels.get(d, 0) > 0:
            return 1.0 / (i + 1)
    return 0.0


def evaluate_run(run: dict[str, list], qrels: dict[str, dict]) -> dict[str, float]:
    """Mean metrics over queries that have at least one relevant document."""
    qs = [q for q, r in qrels.items() if any(v > 0 for v in r.values())]
    if not qs:
        return {"ndcg@10": 0.0, "map": 0.0, "recall@50": 0.0, "mrr": 0.0, "queries": 0}
    agg = {"ndcg@10": 0.0, "map": 0.0, "recall@50": 0.0, "mrr": 0.0}
    for q in qs:
        ranked, rels = run.get(q, []), qrels[q]
        agg["ndcg@10"] += ndcg_at(ranked, rels, 10)
        agg["map"] += average_precision(ranked, rels)
        agg["recall@50"] += recall_at(ranked, rels, 50)
        agg["mrr"] += reciprocal_rank(ranked, rels)
    out = {k: round(v / len(qs), 4) for k, v in agg.items()}
    out["queries"] = len(qs)
    return out
