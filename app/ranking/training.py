"""`yunpin train match`: retrain the ranking models from outcomes in the database.

One model per direction, as the shipped ones. For job2cand (an employer's applicants) a query
is a job and its documents are the candidates with an outcome on it; for cand2job (a seeker's
recommendations) a query is a candidate and its documents are the jobs they have an outcome on
(applied, dismissed as "not interested", interviewed…), graded by `outcomes`. A query counts
when its documents do not all share one grade. Queries are ordered by their latest outcome:
the oldest 70% train, the next 15% validate (early stopping), the newest 15% test. A new model
replaces the one in use (the instance's, else the shipped one) only if its NDCG@10 on the
held-out queries (validation + test) is at least as good: a bad batch of outcomes never makes
ranking worse.
"""

from __future__ import annotations

import os
from collections import defaultdict

import numpy as np
from sqlalchemy import select

from app.extensions import db
from app.models import Job
from bench.metrics import ndcg_at
from matching import defaults, learn
from matching.encode import encode_candidates, encode_jobs
from matching.scorer import combine, feature_matrix

from . import outcomes
from .service import candidate_profiles, context, current_models, job_profiles, model_path

MIN_QUERIES = 30
"""Below this many usable queries a direction has too little signal to learn from: keep what
it has."""


def _groups(direction: str, graded: list[outcomes.Outcome]):
    """[(latest outcome time, the features of its n documents, grades (n,))] per usable query
    of DIRECTION among the GRADED outcomes."""
    by_query: dict[int, list[outcomes.Outcome]] = defaultdict(list)
    for o in graded:
        by_query[o.job_id if direction == "job2cand" else o.candidate_id].append(o)
    by_query = {q: os for q, os in by_query.items() if len({o.grade for o in os}) > 1}
    if not by_query:
        return []
    items = [o for os in by_query.values() for o in os]
    jobs = {
        j.id: j
        for j in db.session.scalars(select(Job).where(Job.id.in_({o.job_id for o in items})))
    }
    resumes = outcomes.default_resumes(o.candidate_id for o in items)
    ctx = context()
    out = []
    for found in by_query.values():
        found = [o for o in found if o.job_id in jobs and o.candidate_id in resumes]
        if len({o.grade for o in found}) < 2:
            continue
        # one row on the query's side, the documents on the other
        job_rows, people = (found[:1], found) if direction == "job2cand" else (found, found[:1])
        J = encode_jobs(
            job_profiles([jobs[o.job_id] for o in job_rows]),
            use_embeddings=ctx.use_embeddings,
            against=ctx.candidate_collection,
        )
        C = encode_candidates(
            candidate_profiles(
                [resumes[o.candidate_id] for o in people], [o.candidate_id for o in people]
            ),
            use_embeddings=ctx.use_embeddings,
            against=ctx.job_collection,
        )
        out.append(
            (
                max(o.at for o in found),
                feature_matrix(J, C, ctx),
                np.array([o.grade for o in found], np.int32),
            )
        )
    out.sort(key=lambda g: g[0])
    return out


def _ndcg(scores: list[np.ndarray], grades: list[np.ndarray]) -> float:
    vals = [
        ndcg_at(list(np.argsort(-s, kind="stable")[:10]), {i: int(g) for i, g in enumerate(y) if g})
        for s, y in zip(scores, grades, strict=True)
    ]
    return float(np.mean(vals)) if vals else 0.0


def _pool(groups) -> tuple:
    X = np.concatenate([learn.matrix(f) for _, f, _ in groups])
    y = np.concatenate([g for _, _, g in groups])
    return X, y, np.array([len(g) for _, _, g in groups])


def retrain(min_queries: int = MIN_QUERIES) -> dict:
    """Train each direction on the outcomes; install a new model only if it is not worse.
    Returns a report per direction."""
    graded = list(outcomes.collect().values())  # read once for both directions
    return {direction: _retrain(direction, min_queries, graded) for direction in learn.DIRECTIONS}


def _retrain(direction: str, min_queries: int, graded: list[outcomes.Outcome]) -> dict:
    groups = _groups(direction, graded)
    report = {"queries": len(groups), "min_queries": min_queries, "installed": False}
    if len(groups) < min_queries:
        report["reason"] = "not enough outcomes"
        return report
    n = len(groups)
    train, valid, held = (
        groups[: int(n * 0.7)],
        groups[int(n * 0.7) : int(n * 0.85)],
        groups[int(n * 0.85) :],
    )
    booster = learn.fit(_pool(train), _pool(valid or train))
    held_out = valid + held
    grades = [g for _, _, g in held_out]
    current = current_models().get(direction)
    if current is None and learn.load(None, direction) is None:  # no model at all: hand weights
        old = [combine(f, defaults.WEIGHTS) for _, f, _ in held_out]
    else:
        old = [combine(f, None, current, direction) for _, f, _ in held_out]
    new = [
        booster.predict(learn.matrix(f), num_iteration=booster.best_iteration)
        for _, f, _ in held_out
    ]
    report.update(
        train=len(train),
        validation=len(valid),
        test=len(held),
        ndcg_current=round(_ndcg(old, grades), 4),
        ndcg_new=round(_ndcg(new, grades), 4),
    )
    if report["ndcg_new"] >= report["ndcg_current"]:
        path = model_path(direction)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        learn.save(booster, path)
        report["installed"] = True
    else:
        report["reason"] = "the new model ranks the held-out queries worse"
    return report
