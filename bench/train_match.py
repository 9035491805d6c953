"""Train the learned ranking models (`matching.learn`) on judged evaluation sets.

Each `--set PREFIX` names three directories, PREFIX-train, PREFIX-validation and PREFIX-test,
in the `yunpin eval match` format with disjoint occupations (tools/evalsets/*.py --split).
One model per direction (job2cand, cand2job), each fitted on that direction of every set's
train split and stopped early on the validation splits (whole lists, as they are evaluated);
NDCG@10 is reported on all three splits. The test splits are never used to choose anything
(`--no-test` does not even read them).

    python -m bench.train_match --set /tmp/ev/csco --set /tmp/ev/soc --out matching/data
"""

from __future__ import annotations

import json
import os
import sys

import click
import numpy as np

from matching import learn
from matching.scorer import feature_matrix

from .evaluate import _load_profiles, _load_qrels, encode_sets
from .metrics import ndcg_at

SPLITS = ("train", "validation", "test")
TOP, RANDOM = 400, 100
"""Documents kept per training query: the TOP nearest by the plain embedding cosines (where
the ranking's top ten is decided, with whatever judged and unjudged documents are there) and
RANDOM others, so the ranker also sees typical non-matches, without millions of rows."""


def set_features(directory: str, direction: str):
    """Per judged query: (X (documents, features), labels) over every document of one set."""
    jobs = _load_profiles(os.path.join(directory, "jobs.jsonl"), "job")
    cands = _load_profiles(os.path.join(directory, "candidates.jsonl"), "candidate")
    qrels = _load_qrels(os.path.join(directory, f"qrels.{direction}.tsv"))
    queries, docs = (jobs, cands) if direction == "job2cand" else (cands, jobs)
    judged, Q, D = encode_sets(queries, docs, qrels, direction)
    X, y = [], []
    for i, q in enumerate(judged):
        row = Q.take([i])
        f = feature_matrix(row, D) if direction == "job2cand" else feature_matrix(D, row)
        X.append(learn.matrix(f).astype(np.float32))
        y.append(np.array([qrels[q.id].get(d.id, 0) for d in docs], np.int32))
    return X, y


_COSINES = [learn.MODEL_FEATURES.index(f) for f in ("title_cosine", "text_cosine")]


def sample(X: list, y: list, rng) -> tuple:
    xs, ys, groups = [], [], []
    for xq, yq in zip(X, y, strict=True):
        top = np.argsort(-xq[:, _COSINES].sum(axis=1), kind="stable")[:TOP]
        rest = np.setdiff1d(np.arange(len(yq)), top)
        keep = np.concatenate([top, rng.choice(rest, min(RANDOM, len(rest)), replace=False)])
        if yq[keep].any():  # a group without a relevant document teaches nothing
            xs.append(xq[keep])
            ys.append(yq[keep])
            groups.append(len(keep))
    return np.concatenate(xs), np.concatenate(ys), np.array(groups)


def pool(parts: list) -> tuple:
    """One (X, labels, group sizes) from several sets' parts."""
    return tuple(np.concatenate([p[i] for p in parts]) for i in range(3))


def whole(X: list, y: list) -> tuple:
    return np.concatenate(X), np.concatenate(y), np.array([len(q) for q in y])


def ndcg(scores: list, y: list) -> float:
    vals = []
    for s, yq in zip(scores, y, strict=True):
        top = np.argsort(-s, kind="stable")[:10]
        vals.append(ndcg_at(list(top), {i: int(r) for i, r in enumerate(yq) if r}))
    return round(float(np.mean(vals)), 4) if vals else 0.0


@click.command("match-sets")
@click.option("--set", "prefixes", multiple=True, required=True, help="PREFIX of PREFIX-train/...")
@click.option(
    "--out",
    required=True,
    type=click.Path(file_okay=False),
    help="directory for match_model.job2cand.txt and match_model.cand2job.txt",
)
@click.option("--seed", default=0, show_default=True)
@click.option("--no-test", is_flag=True, help="do not read or report the test splits")
def train_sets_command(prefixes, out, seed, no_test):
    """Fit one ranking model per direction on evaluation sets; print NDCG@10 per split."""
    splits = SPLITS[:2] if no_test else SPLITS
    report = {"sets": []}
    w = np.array([learn.HAND_RELEVANCE[f] for f in learn.RELEVANCE])
    hand_cols = [learn.MODEL_FEATURES.index(f) for f in learn.RELEVANCE]
    for direction in learn.DIRECTIONS:
        rng = np.random.default_rng(seed)
        data = {
            (prefix, split): set_features(f"{prefix}-{split}", direction)
            for prefix in prefixes
            for split in splits
        }
        cols = [learn.MODEL_FEATURES.index(f) for f in learn.READS[direction]]
        train = [sample(*data[k], rng) for k in data if k[1] == "train"]
        train = [(X[:, cols], y, groups) for X, y, groups in train]
        valid = [
            whole([x[:, cols] for x in data[k][0]], data[k][1])
            for k in data
            if k[1] == "validation"
        ]
        booster = learn.fit(pool(train), pool(valid), names=learn.READS[direction])
        report[f"rounds_{direction}"] = booster.best_iteration
        for (prefix, split), (X, y) in data.items():
            learned = [booster.predict(x[:, cols], num_iteration=booster.best_iteration) for x in X]
            report["sets"].append(
                {
                    "set": os.path.basename(prefix),
                    "direction": direction,
                    "split": split,
                    "queries": len(X),
                    "learned": ndcg(learned, y),
                    "hand": ndcg([x[:, hand_cols] @ w for x in X], y),
                }
            )
        os.makedirs(out, exist_ok=True)
        learn.save(booster, os.path.join(out, f"match_model.{direction}.txt"))
    click.echo(json.dumps(report, indent=1))


def main():  # python -m bench.train_match
    train_sets_command(prog_name=f"{sys.executable} -m bench.train_match")


if __name__ == "__main__":
    main()
