"""`yunpin train match`: retrain the ranking model from outcomes in the database.

Queries are jobs; their documents are the candidates with an outcome on that job (graded by
`outcomes`). A job counts when its candidates do not all share one grade. Jobs are ordered by
their latest outcome: the oldest 70% train, the next 15% validate (early stopping), the newest
15% test. The new model replaces the current one only if its NDCG@10 on the held-out jobs
(validation + test) is at least the current model's (or the hand weights' when there is no
model yet): a bad batch of outcomes never makes ranking worse.
"""

from __future__ import annotations

import os
from collections import defaultdict

import numpy as np
from flask import current_app
from sqlalchemy import select

from app.extensions import db
from app.models import Job
from bench.metrics import ndcg_at
from matching import defaults, learn
from matching.encode import encode_candidates, encode_jobs
from matching.scorer import combine, feature_matrix

from . import outcomes
from .service import candidate_profiles, context, current_model, job_profiles

MIN_JOBS = 30
"""Below this many usable jobs there is too little signal to learn from: keep what we have."""


def model_path() -> str:
    return current_app.config.get("MATCH_MODEL") or os.path.join(
        current_app.instance_path, "match_model.txt"
    )


def _groups():
    """[(latest outcome time, X (n, features), grades (n,))] per usable job."""
    by_job: dict[int, list[outcomes.Outcome]] = defaultdict(list)
    for o in outcomes.collect().values():
        by_job[o.job_id].append(o)
    by_job = {j: os for j, os in by_job.items() if len({o.grade for o in os}) > 1}
    if not by_job:
        return []
    jobs = {j.id: j for j in db.session.scalars(select(Job).where(Job.id.in_(list(by_job))))}
    resumes = outcomes.default_resumes(o.candidate_id for os in by_job.values() for o in os)
    ctx = context()
    out = []
    for job_id, items in by_job.items():
        items = [o for o in items if o.candidate_id in resumes]
        if job_id not in jobs or len({o.grade for o in items}) < 2:
            continue
        J = encode_jobs(
            job_profiles([jobs[job_id]]),
            use_embeddings=ctx.use_embeddings,
            against=ctx.candidate_collection,
        )
        C = encode_candidates(
            candidate_profiles(
                [resumes[o.candidate_id] for o in items], [o.candidate_id for o in items]
            ),
            use_embeddings=ctx.use_embeddings,
            against=ctx.job_collection,
        )
        f = feature_matrix(J, C)
        out.append(
            (
                max(o.at for o in items),
                f,
                np.array([o.grade for o in items], np.int32),
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


def retrain(min_jobs: int = MIN_JOBS) -> dict:
    """Train on the outcomes; install the new model only if it is not worse. Returns a report."""
    groups = _groups()
    report = {"jobs": len(groups), "min_jobs": min_jobs, "installed": False}
    if len(groups) < min_jobs:
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
    current = current_model()
    old = [combine(f, None, current) for _, f, _ in held_out]
    if current is None and learn.load() is None:
        old = [combine(f, defaults.WEIGHTS) for _, f, _ in held_out]
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
        os.makedirs(os.path.dirname(model_path()), exist_ok=True)
        learn.save(booster, model_path())
        report["installed"] = True
    else:
        report["reason"] = "the new model ranks the held-out jobs worse"
    return report
