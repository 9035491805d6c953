"""Train the learned ranking model (`matching.learn`) on judged evaluation sets.

Each `--set PREFIX` names three directories, PREFIX-train, PREFIX-validation and PREFIX-test,
in the `yunpin eval match` format with disjoint occupations (tools/evalsets/*.py --split).
Both directions of every set are used. The model is fitted on the train splits, stopped early
on the validation splits, and NDCG@10 is reported on all three; the test splits are never used
to choose anything.

    python -m bench.train_match --set /tmp/ev/csco --set /tmp/ev/esco --out matching/data/match_model.txt
"""

from __future__ import annotations

import json
import os
import sys

import click
import numpy as np

from matching import learn
from matching.encode import encode_candidates, encode_jobs
from matching.scorer import feature_matrix

from .evaluate import _load_profiles, _load_qrels
from .metrics import ndcg_at

SPLITS = ("train", "validation", "test")
NEGATIVES = 300
"""Unjudged documents sampled per training query (all judged ones are kept): enough for the
ranker to see typical non-matches without millions of rows."""


def set_features(directory: str, direction: str):
    """(X, labels, group sizes) over every judged query x every document of one set."""
    jobs = _load_profiles(os.path.join(directory, "jobs.jsonl"), "job")
    cands = _load_profiles(os.path.join(directory, "candidates.jsonl"), "candidate")
    qrels = _load_qrels(os.path.join(directory, f"qrels.{direction}.tsv"))
    queries, docs = (jobs, cands) if direction == "job2cand" else (cands, jobs)
    qmap = {q.id: q for q in queries}
    judged = [qmap[q] for q in qrels if q in qmap]
    if direction == "job2cand":
        Q, D = encode_jobs(judged), encode_candidates(docs)
    else:
        Q, D = encode_candidates(judged), encode_jobs(docs)
    X, y = [], []
    for i, q in enumerate(judged):
        row = Q.take([i])
        f = feature_matrix(row, D) if direction == "job2cand" else feature_matrix(D, row)
        X.append(np.stack([f[k] for k in learn.RELEVANCE], 1))
        y.append(np.array([qrels[q.id].get(d.id, 0) for d in docs], np.int32))
    return X, y


def sample(X: list, y: list, rng) -> tuple:
    xs, ys, groups = [], [], []
    for xq, yq in zip(X, y, strict=True):
        pos, neg = np.flatnonzero(yq > 0), np.flatnonzero(yq == 0)
        keep = np.concatenate([pos, rng.choice(neg, min(NEGATIVES, len(neg)), replace=False)])
        xs.append(xq[keep])
        ys.append(yq[keep])
        groups.append(len(keep))
    return np.concatenate(xs), np.concatenate(ys), np.array(groups)


def ndcg(scores: list, y: list) -> float:
    vals = []
    for s, yq in zip(scores, y, strict=True):
        top = np.argsort(-s, kind="stable")[:10]
        vals.append(ndcg_at(list(top), {i: int(r) for i, r in enumerate(yq) if r}))
    return round(float(np.mean(vals)), 4) if vals else 0.0


@click.command("match-sets")
@click.option("--set", "prefixes", multiple=True, required=True, help="PREFIX of PREFIX-train/...")
@click.option("--out", required=True, type=click.Path(dir_okay=False))
@click.option("--seed", default=0, show_default=True)
def train_sets_command(prefixes, out, seed):
    """Fit the ranking model on evaluation sets; print train/validation/test NDCG@10."""
    rng = np.random.default_rng(seed)
    data = {}
    for prefix in prefixes:
        for direction in ("job2cand", "cand2job"):
            for split in SPLITS:
                data[(prefix, direction, split)] = set_features(f"{prefix}-{split}", direction)
    pooled = {}
    for split in ("train", "validation"):
        parts = [sample(*data[k], rng) for k in data if k[2] == split]
        pooled[split] = tuple(np.concatenate([p[i] for p in parts]) for i in range(3))
    booster = learn.fit(pooled["train"], pooled["validation"])
    report = {"rounds": booster.best_iteration, "sets": []}
    for (prefix, direction, split), (X, y) in data.items():
        learned = [booster.predict(x, num_iteration=booster.best_iteration) for x in X]
        w = np.array([learn.HAND_RELEVANCE[f] for f in learn.RELEVANCE])
        report["sets"].append(
            {
                "set": os.path.basename(prefix),
                "direction": direction,
                "split": split,
                "queries": len(X),
                "learned": ndcg(learned, y),
                "hand": ndcg([x @ w for x in X], y),
            }
        )
    learn.save(booster, out)
    click.echo(json.dumps(report, indent=1))


def main():  # python -m bench.train_match
    train_sets_command(prog_name=f"{sys.executable} -m bench.train_match")


if __name__ == "__main__":
    main()
