"""Exact scoring: vectorised features over `Encoded` arrays, and the per-pair `score()` that
adds plain-language reasons (`matching.explain`). Both paths share `feature_matrix`, so a pair
gets the same score whether it is ranked in bulk or explained alone."""

from __future__ import annotations

from datetime import datetime

import numpy as np

from . import defaults, learn
from .collection import TEMPERATURE
from .encode import Encoded, encode_candidates, encode_jobs
from .expansion import esco_cosine
from .explain import explain
from .grams import cosine, occupation_terms_cosine
from .occupations import occupation_centroids
from .profiles import CandidateProfile, JobProfile, MatchContext
from .regions import cooperation_mask
from .result import Match

FEATURES = tuple(defaults.WEIGHTS)
_OCC_TABLE = np.asarray(defaults.OCCUPATION_LEVEL_SCORE, np.float32)


def _popcount(x: np.ndarray) -> np.ndarray:
    return np.bitwise_count(x).sum(axis=-1, dtype=np.int32)


def _rescale_cos(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    if a.shape[0] == 1:
        cos = b @ a[0]
        known = np.any(b != 0, axis=1) & bool(np.any(a[0] != 0))
    elif b.shape[0] == 1:
        cos = a @ b[0]
        known = np.any(a != 0, axis=1) & bool(np.any(b[0] != 0))
    else:
        cos = np.einsum("ij,ij->i", a, b)
        known = np.any(a != 0, axis=1) & np.any(b != 0, axis=1)
    val = np.clip(
        (cos - defaults.SEMANTIC_FLOOR) / (defaults.SEMANTIC_CEIL - defaults.SEMANTIC_FLOOR), 0, 1
    )
    return np.where(known, val, defaults.NEUTRAL)


def _occupation_level(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Score by shared CSCO code segments (defaults.OCCUPATION_LEVEL_SCORE), neutral if unknown."""
    jo, co = a.astype(np.int64), b.astype(np.int64)
    lv = (
        (jo // 1000000 == co // 1000000).astype(np.int8)
        + (jo // 10000 == co // 10000)
        + (jo // 100 == co // 100)
        + (jo == co)
    )
    return np.where((jo > 0) & (co > 0), _OCC_TABLE[lv], defaults.NEUTRAL)


def _occupation_cos(titles: np.ndarray, occ: np.ndarray) -> np.ndarray:
    """Cosine of each title vector with the centroid of the other side's occupation (NaN when
    either is unknown); aligned or broadcast rows."""
    nums, vecs = occupation_centroids()
    P = max(len(titles), len(occ))
    if titles.shape[1] != vecs.shape[1]:  # synthetic low-dimensional vectors (benchmarks)
        return np.full(P, np.nan, np.float32)
    pos = np.clip(np.searchsorted(nums, occ), 0, len(nums) - 1)
    found = nums[pos] == occ
    if len(titles) == 1:
        # Only the centroids asked for: all of them (2,000 × 512) took most of a list's time.
        cos = vecs[pos] @ titles[0]
    elif len(occ) == 1:
        cos = titles @ vecs[pos[0]]
    else:
        cos = np.einsum("ij,ij->i", titles, vecs[pos])
    known = found & np.any(titles != 0, axis=1)
    return np.where(np.broadcast_to(known, (P,)), cos, np.nan)


def _title_occupation(J: Encoded, C: Encoded) -> np.ndarray:
    """How well each side's title fits the other side's occupation (its CSCO centroid): the
    better of the two directions, rescaled like the other cosine features."""
    best = np.fmax(_occupation_cos(J.title_vec, C.occ), _occupation_cos(C.title_vec, J.occ))
    val = np.clip(
        (best - defaults.SEMANTIC_FLOOR) / (defaults.SEMANTIC_CEIL - defaults.SEMANTIC_FLOOR), 0, 1
    )
    return np.where(np.isnan(best), defaults.NEUTRAL, val)


def _known_titles(J: Encoded, C: Encoded) -> np.ndarray:
    return np.any(J.title_vec != 0, axis=1) & np.any(C.title_vec != 0, axis=1)


def _raw_cosine(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Cosine of aligned or broadcast rows, mapped from [-1, 1] to [0, 1] without clipping:
    the learned model needs the differences between near-paraphrases that the rescaled
    features cut off at 0.85."""
    if a.shape[0] == 1 or b.shape[0] == 1:
        q, d = (a[0], b) if a.shape[0] == 1 else (b[0], a)
        cos = d @ q
        known = np.any(d != 0, axis=1) & bool(np.any(q != 0))
    else:
        cos = np.einsum("ij,ij->i", a, b)
        known = np.any(a != 0, axis=1) & np.any(b != 0, axis=1)
    return np.where(known, (cos + 1) / 2, defaults.NEUTRAL)


def occupation_fit(codes: np.ndarray, top: np.ndarray, p: np.ndarray) -> np.ndarray:
    """Expected shared-segment score (OCCUPATION_LEVEL_SCORE) of CODES (P,) or (1,) against a
    title's distribution over its nearest codes (TOP, P: (P, k) or (1, k))."""
    return (p * _occupation_level(np.asarray(codes)[:, None], top)).sum(axis=1)


def _soft_occupation(J: Encoded, C: Encoded, title_cosine: np.ndarray) -> dict[str, np.ndarray]:
    """Occupation features from each title's distribution over its nearest CSCO codes
    (matching.expansion): partial credit for "probably this occupation, possibly its
    neighbour", which the all-or-nothing code lookups lack."""
    N = defaults.NEUTRAL
    known = _known_titles(J, C)
    # how well the candidate's title reads as the job's occupation, and the reverse
    fit_cand = occupation_fit(J.occ, C.csco_top, C.csco_p)
    fit_job = occupation_fit(C.occ, J.csco_top, J.csco_p)
    if len(J) == 1 or len(C) == 1:
        (qt, qp), (dt, dp) = (
            ((J.csco_top[0], J.csco_p[0]), (C.csco_top, C.csco_p))
            if len(J) == 1
            else ((C.csco_top[0], C.csco_p[0]), (J.csco_top, J.csco_p))
        )
        both = np.einsum(
            "i,dj,dij->d", qp, dp, _occupation_level(qt[None, :, None], dt[:, None, :])
        )
    else:
        lv = _occupation_level(J.csco_top[:, :, None], C.csco_top[:, None, :])
        both = np.einsum("pi,pj,pij->p", J.csco_p, C.csco_p, lv)
    # the hub-corrected title cosine (CSLS): generic titles are near everything
    cos = title_cosine * 2 - 1
    csls = np.clip((2 * cos - J.hub - C.hub + 1) / 2, 0, 1)
    return {
        "occupation_fit_candidate": np.where(known & (J.occ > 0), fit_cand, N),
        "occupation_fit_job": np.where(known & (C.occ > 0), fit_job, N),
        "occupation_soft": np.where(known, both, N),
        "title_csls": np.where(known, csls, N),
    }


def _reference_z(cosine01: np.ndarray, mu: np.ndarray, sd: np.ndarray, known) -> np.ndarray:
    """A raw cosine (mapped to [0, 1]) as spreads above one profile's typical cosine with a
    reference (the CSCO codes, `expansion.reference_stats`, or the other side's collection,
    `matching.collection`), squashed into (0, 1): the fusion baseline's per-list z-score,
    against a reference that does not change with the list."""
    z = (cosine01 * 2 - 1 - mu) / np.maximum(sd, 1e-3)
    with np.errstate(over="ignore"):  # far below typical: exp overflows, the value is 0
        squashed = 1 / (1 + np.exp(-z / 4))
    return np.where(known & (sd > 0), squashed, defaults.NEUTRAL)


def _softmax_share(cosine01: np.ndarray, log_partition: np.ndarray, known) -> np.ndarray:
    """A raw cosine (mapped to [0, 1]) as the log of its share of the candidate's sharp
    softmax over the job collection (`matching.collection`), squashed into (0, 1): near 1 when
    the job is among the candidate's nearest, falling with each TEMPERATURE below them."""
    share = (cosine01 * 2 - 1) / TEMPERATURE - log_partition
    with np.errstate(over="ignore"):
        squashed = 1 / (1 + np.exp(-share / 4))
    return np.where(known & (log_partition != 0), squashed, defaults.NEUTRAL)


def feature_matrix(
    J: Encoded, C: Encoded, ctx: MatchContext | None = None
) -> dict[str, np.ndarray]:
    """Features in [0, 1] for aligned pairs (J[i], C[i]); either side may have one row, which is
    broadcast. Returns {feature name: (P,) float32}."""
    ctx = ctx or MatchContext()
    N = defaults.NEUTRAL
    out: dict[str, np.ndarray] = {}

    # skills: exact/synonym hits, half credit for a related skill standing in for a missing one
    n_req = _popcount(J.skills)
    k = _popcount(J.skills & C.skills)
    r = _popcount(J.related & C.skills)
    with np.errstate(divide="ignore", invalid="ignore"):
        sk = (k + defaults.RELATED_SKILL_CREDIT * np.minimum(n_req - k, r)) / n_req
    # no skills known on either side (nothing listed, nothing recognised in the text): neutral
    out["skills"] = np.where((n_req > 0) & (_popcount(C.skills) > 0), np.minimum(sk, 1.0), N)

    out["title"] = _rescale_cos(J.title_vec, C.title_vec)
    out["semantic"] = _rescale_cos(J.text_vec, C.text_vec)
    known = np.any(J.grams != 0, axis=1) & np.any(C.grams != 0, axis=1)
    out["title_words"] = np.where(known, cosine(J.grams, J.gram_w, C.grams, C.gram_w), N)
    out["title_occupation"] = _title_occupation(J, C)
    # the candidate's title against every name and alias of the job's occupation ("厨师" for
    # 中式烹调师): query expansion by the taxonomy's job-board words; 0 = no named occupation
    aliases = occupation_terms_cosine(J.occ_named, C.grams, C.gram_w)
    out["title_aliases"] = np.where(known, aliases, N)
    # model-only features (learn.MODEL_FEATURES; no hand weight, no reason of their own)
    out["title_cosine"] = _raw_cosine(J.title_vec, C.title_vec)
    out["text_cosine"] = _raw_cosine(J.text_vec, C.text_vec)
    esco = esco_cosine(J.esco_idx, J.esco_w, C.esco_idx, C.esco_w)
    out["title_esco"] = np.where(_known_titles(J, C), np.clip(esco, 0, 1), N)
    # the same reading by words (English titles; 0 where a side has no word ESCO uses)
    by_words = cosine(J.esco_word_idx, J.esco_word_w, C.esco_word_idx, C.esco_word_w)
    out["title_esco_words"] = np.where(_known_titles(J, C), np.clip(by_words, 0, 1), N)
    out.update(_soft_occupation(J, C, out["title_cosine"]))
    titles = _known_titles(J, C)
    texts = np.any(J.text_vec != 0, axis=1) & np.any(C.text_vec != 0, axis=1)
    for side, E in (("job", J), ("candidate", C)):
        out[f"title_z_{side}"] = _reference_z(out["title_cosine"], E.title_mu, E.title_sd, titles)
        out[f"text_z_{side}"] = _reference_z(out["text_cosine"], E.text_mu, E.text_sd, texts)
        out[f"title_zcoll_{side}"] = _reference_z(
            out["title_cosine"], E.coll_title_mu, E.coll_title_sd, titles
        )
        out[f"text_zcoll_{side}"] = _reference_z(
            out["text_cosine"], E.coll_text_mu, E.coll_text_sd, texts
        )
    out["title_softmax_candidate"] = _softmax_share(out["title_cosine"], C.coll_title_lse, titles)
    out["text_softmax_candidate"] = _softmax_share(out["text_cosine"], C.coll_text_lse, texts)

    # occupation: shared CSCO code segments
    out["occupation"] = _occupation_level(J.occ, C.occ)
    # the same from the title vectors' nearest occupations: a second opinion when the lexical
    # lookup caught a generic word ("经理") or a wrong one
    out["occupation_nearest"] = np.fmax(
        _occupation_level(J.occ_near, C.occ_near),
        np.fmax(_occupation_level(J.occ, C.occ_near), _occupation_level(J.occ_near, C.occ)),
    )

    # location
    jr, cr = J.region.astype(np.int64), C.region.astype(np.int64)
    loc = np.where(
        jr == cr,
        defaults.LOCATION_SAME[6],
        np.where(
            (jr // 100 == cr // 100) & ((cr // 100) % 100 != 0),
            defaults.LOCATION_SAME[4],
            np.where(jr // 10000 == cr // 10000, defaults.LOCATION_SAME[2], 0.0),
        ),
    )
    loc = np.maximum(
        loc, np.where(cooperation_mask(jr, cr, ctx.cooperation), defaults.LOCATION_COOPERATION, 0.0)
    )
    loc = np.maximum(loc, np.where(C.relocate, defaults.LOCATION_RELOCATE, 0.0))
    loc = np.where((jr > 0) & (cr > 0), loc, N)
    out["location"] = np.where(J.relocate, 1.0, loc)  # J.relocate == remote job

    # salary: fine up to the job's maximum, 0 at 50% above it
    hi = np.where(np.isnan(J.sal_hi), J.sal_lo * 1.3, J.sal_hi)
    exp = C.sal_lo
    with np.errstate(invalid="ignore", divide="ignore"):
        sal = np.clip(1.0 - 2.0 * (exp - hi) / hi, 0, 1)
    out["salary"] = np.where(np.isnan(exp) | np.isnan(hi) | (hi <= 0), N, sal)

    with np.errstate(invalid="ignore", divide="ignore"):
        ex = np.where(J.years <= 0, 1.0, np.minimum(1.0, C.years / J.years))
    out["experience"] = np.where(np.isnan(J.years) | np.isnan(C.years), N, ex)

    gap = J.edu.astype(np.int16) - C.edu.astype(np.int16)
    edu = np.where(gap <= 0, 1.0, np.where(gap == 1, 0.5, 0.0))
    out["education"] = np.where((J.edu < 0) | (C.edu < 0), N, edu)

    av = np.clip(1.0 - C.days / defaults.AVAILABILITY_HORIZON_DAYS, 0, 1)
    out["availability"] = np.where(np.isnan(C.days), N, av)

    fr = 0.5 ** (np.maximum(J.days, 0) / defaults.FRESHNESS_HALF_LIFE_DAYS)
    out["freshness"] = np.where(np.isnan(J.days), N, fr)
    out["responsiveness"] = np.where(np.isnan(J.response), N, np.clip(J.response, 0, 1))

    P = max(len(J), len(C))
    return {f: np.broadcast_to(np.asarray(v, np.float32), (P,)) for f, v in out.items()}


def combine(
    feats: dict[str, np.ndarray],
    weights: dict[str, float] | None = None,
    model: str | None = None,
    direction: str = "job2cand",
) -> np.ndarray:
    """The score in [0, 1]. Without explicit `weights`, the learned model of DIRECTION
    ("job2cand": candidates for a job, "cand2job": jobs for a candidate; `model` overrides it)
    scores relevance and the logistics features add their hand weights; explicit weights, or
    no model, give the hand-weighted sum."""
    booster = None if weights else learn.load(model, direction)
    if booster is not None:
        share = learn.logistics_share()
        w = {f: v for f, v in defaults.WEIGHTS.items() if f not in learn.RELEVANCE}
        rest = sum(feats[f] * v for f, v in w.items()) / sum(w.values())
        return ((1 - share) * learn.relevance(booster, feats) + share * rest).astype(np.float32)
    w = weights or defaults.WEIGHTS
    total = sum(w.values())
    s = None
    for f, wf in w.items():
        if wf:
            s = feats[f] * wf if s is None else s + feats[f] * wf
    return (s / total).astype(np.float32)


def score_arrays(
    J: Encoded, C: Encoded, ctx: MatchContext | None = None, direction: str | None = None
) -> np.ndarray:
    """Vectorised exact scorer: scores in [0, 1] for aligned/broadcast pairs of encoded rows.
    DIRECTION defaults to "cand2job" when one candidate meets several jobs, else "job2cand"."""
    ctx = ctx or MatchContext()
    if direction is None:
        direction = "cand2job" if len(C) == 1 and len(J) > 1 else "job2cand"
    return _combine(feature_matrix(J, C, ctx), ctx, direction)


def _combine(feats: dict[str, np.ndarray], ctx: MatchContext, direction: str) -> np.ndarray:
    return combine(feats, ctx.weights, ctx.models.get(direction), direction)


def _now(ctx: MatchContext):
    return ctx.now or datetime.now()


def _ctx(ctx):
    return ctx or MatchContext()


def score(
    job: JobProfile,
    candidate: CandidateProfile,
    ctx: MatchContext | None = None,
    direction: str = "job2cand",
) -> Match:
    """Score one (job, candidate) pair with features and reasons, as `rank_candidates`
    (DIRECTION "job2cand") or `rank_jobs` ("cand2job") would."""
    ctx = _ctx(ctx)
    now = _now(ctx)
    J, C = _encode([job], [candidate], now, ctx)
    feats = feature_matrix(J, C, ctx)
    scores = _combine(feats, ctx, direction)
    return _match_row(job, candidate, feats, scores, 0, ctx)


def _encode(jobs: list, candidates: list, now, ctx: MatchContext) -> tuple[Encoded, Encoded]:
    """Both sides as columns, each read against the other side's collection."""
    return (
        encode_jobs(jobs, now, ctx.use_embeddings, ctx.candidate_collection),
        encode_candidates(candidates, now, ctx.use_embeddings, ctx.job_collection),
    )


def _match_row(job, cand, feats: dict[str, np.ndarray], scores: np.ndarray, i: int, ctx) -> Match:
    """The Match of row I of a ranking's features and scores (not computed again per row)."""
    row = {f: round(float(v[i]), 6) for f, v in feats.items()}
    return Match(score=float(scores[i]), features=row, reasons=explain(job, cand, row, ctx))


def rank_candidates(
    job: JobProfile,
    candidates: list[CandidateProfile],
    ctx: MatchContext | None = None,
    limit: int | None = 50,
) -> list[tuple[CandidateProfile, Match]]:
    """Candidates for a job, best first, each with its Match."""
    ctx = _ctx(ctx)
    if not candidates:
        return []
    now = _now(ctx)
    J, C = _encode([job], list(candidates), now, ctx)
    feats = feature_matrix(J, C, ctx)
    scores = _combine(feats, ctx, "job2cand")
    return [
        (candidates[i], _match_row(job, candidates[i], feats, scores, i, ctx))
        for i in _top(scores, limit)
    ]


def rank_jobs(
    candidate: CandidateProfile,
    jobs: list[JobProfile],
    ctx: MatchContext | None = None,
    limit: int | None = 20,
) -> list[tuple[JobProfile, Match]]:
    """Jobs for a candidate, best first, each with its Match."""
    ctx = _ctx(ctx)
    if not jobs:
        return []
    now = _now(ctx)
    J, C = _encode(list(jobs), [candidate], now, ctx)
    feats = feature_matrix(J, C, ctx)
    scores = _combine(feats, ctx, "cand2job")
    return [
        (jobs[i], _match_row(jobs[i], candidate, feats, scores, i, ctx))
        for i in _top(scores, limit)
    ]


def _top(scores: np.ndarray, limit: int | None) -> np.ndarray:
    """Indices of the `limit` best scores, ties broken by input order (stable)."""
    order = np.argsort(-scores, kind="stable")
    return order if limit is None else order[:limit]
