"""Learned ranking weights: small LightGBM LambdaRank models over the relevance features.

Only relevance features go into a model: the evaluation sets it is trained on say nothing
about salary or place, so the logistics features keep their hand weights and are added on top
(`scorer.combine`). Every feature a reason speaks for (`RELEVANCE`) is constrained to act
monotonically (more skill overlap never lowers a score), which keeps the reasons honest; the
model-only features (spreads, shares, occupation readings) are left free: a title near
everything or a cosine far above a profile's usual ones need not mean "better" throughout
(freeing them gained in every set and direction on validation, docs/matching.md).

There is one model per direction (`DIRECTIONS`): ranking candidates for a job and jobs for a
candidate are different tasks (a bare title against many occupation texts, or the reverse),
and one pooled model kept only part of what each direction can learn. A model file names the
features it reads (LightGBM's feature names): the shipped models read `MODEL_FEATURES`; a file
without names (an older instance model) reads the seven `RELEVANCE` features.

The models are LightGBM text files (`data/match_model.<direction>.txt`, tens of KB). Without
them, or without the `lightgbm` package, scoring falls back to the hand weights in
`defaults.WEIGHTS`.
"""

from __future__ import annotations

import os
from functools import lru_cache
from importlib import resources

import numpy as np

from . import defaults

RELEVANCE = (
    "skills",
    "title",
    "title_words",
    "title_occupation",
    "semantic",
    "occupation",
    "occupation_nearest",
)
MODEL_FEATURES = (
    *RELEVANCE,
    "title_cosine",
    "text_cosine",
    "title_esco",
    "title_esco_words",
    "occupation_fit_candidate",
    "occupation_fit_job",
    "occupation_soft",
    "title_csls",
    "title_z_job",
    "title_z_candidate",
    "text_z_job",
    "text_z_candidate",
    "title_aliases",
    "title_zcoll_job",
    "title_zcoll_candidate",
    "text_zcoll_job",
    "text_zcoll_candidate",
    "title_softmax_candidate",
    "text_softmax_candidate",
)
"""What the shipped models read: the hand-weighted relevance features, the raw (unclipped)
cosines the embeddings baseline ranks by, the same cosines in spreads above each side's typical
cosine with the CSCO codes and with the other side's collection (`scorer._reference_z`,
`matching.collection`) and as a share of the candidate's sharp softmax over the job
collection (`scorer._softmax_share`), and the title's reading through the
occupation vocabularies, by vector and by word (`scorer._soft_occupation`,
`matching.expansion`), and against the
names and aliases of the job's occupation (`grams.occupation_terms_cosine`). A model file reads
the ones it names, so an older file without the newer ones still loads."""
READS = {
    "job2cand": tuple(f for f in MODEL_FEATURES if f not in ("title_zcoll_job", "text_zcoll_job")),
    "cand2job": MODEL_FEATURES,
}
"""The features each direction's shipped model reads, chosen on the validation splits
(docs/matching.md): candidates for a job read the candidates' cosines against the published
jobs, not the job's against the candidates (which lost on validation); jobs for a candidate
read every one (with all of them constrained monotone, the z-scores, softmax shares and
`title_aliases` each lost there; free, together they gained)."""
DIRECTIONS = ("job2cand", "cand2job")
MODEL_FILE = "data/match_model.{direction}.txt"
PARAMS = {
    "objective": "lambdarank",
    "metric": "ndcg",
    "ndcg_eval_at": [10],
    "learning_rate": 0.05,
    "num_leaves": 7,
    "min_data_in_leaf": 200,
    "lambdarank_truncation_level": 20,
    "label_gain": [2**grade - 1 for grade in range(31)],  # the evaluation's gains, grades 0-30
    "verbose": -1,
    "seed": 1,
    "deterministic": True,
    "num_threads": 2,
}


def default_path(direction: str = "job2cand") -> str:
    """The shipped model of DIRECTION (YUNPIN_MATCH_MODEL: one file for both directions)."""
    return os.environ.get("YUNPIN_MATCH_MODEL") or str(
        resources.files("matching").joinpath(MODEL_FILE.format(direction=direction))
    )


@lru_cache(maxsize=8)
def load(path: str | None = None, direction: str = "job2cand"):
    """The LightGBM booster at `path` (default: the shipped model of DIRECTION), or None when
    the file or the package is missing: callers then use the hand weights."""
    path = path or default_path(direction)
    if not os.path.exists(path):
        return None
    try:
        import lightgbm
    except ImportError:
        return None
    return lightgbm.Booster(model_file=path)


SMOOTH_SHARE = 0.1
"""Share of relevance given to the hand-weighted relevance features. Trees are piecewise
constant, so two quite different candidates can tie; this smooth, monotone part orders them."""


def features_of(booster) -> tuple[str, ...]:
    """The features a model file reads, in its column order."""
    names = tuple(booster.feature_name())
    return names if all(n in MODEL_FEATURES for n in names) else RELEVANCE


def matrix(feats: dict[str, np.ndarray], names=MODEL_FEATURES) -> np.ndarray:
    return np.stack([np.asarray(feats[f], np.float64) for f in names], axis=1)


def relevance(booster, feats: dict[str, np.ndarray]) -> np.ndarray:
    """Relevance in (0, 1): mostly the logistic of the booster's raw score, plus a small
    hand-weighted part that breaks the trees' ties."""
    X = matrix(feats, features_of(booster))
    model = 1.0 / (1.0 + np.exp(-booster.predict(X, num_threads=1)))
    w = np.array([HAND_RELEVANCE[f] for f in RELEVANCE])
    hand = matrix(feats, RELEVANCE) @ (w / w.sum())
    return ((1 - SMOOTH_SHARE) * model + SMOOTH_SHARE * hand).astype(np.float32)


def fit(train: tuple, valid: tuple, rounds: int = 500, names=MODEL_FEATURES):
    """Train on (X, labels 0-30, group sizes) with early stopping on `valid`; X columns follow
    NAMES (stored in the model file). Returns the booster cut at its best validation round."""
    import lightgbm as lgb

    # small outcome sets (a young deployment) still get splits: a leaf needs 5% of the rows
    leaf = int(min(PARAMS["min_data_in_leaf"], max(5, len(train[1]) // 20)))
    monotone = [1 if f in RELEVANCE else 0 for f in names]
    params = dict(PARAMS, monotone_constraints=monotone, min_data_in_leaf=leaf)
    dtrain = lgb.Dataset(train[0], train[1], group=train[2], feature_name=list(names))
    dvalid = lgb.Dataset(valid[0], valid[1], group=valid[2], reference=dtrain)
    booster = lgb.train(
        params,
        dtrain,
        rounds,
        valid_sets=[dvalid],
        callbacks=[lgb.early_stopping(50, verbose=False)],
    )
    booster.best_iteration = booster.best_iteration or rounds
    return booster


def save(booster, path: str) -> None:
    tmp = path + ".tmp"
    booster.save_model(tmp, num_iteration=booster.best_iteration)
    os.replace(tmp, path)
    load.cache_clear()


def logistics_share() -> float:
    """Share of the final score left to the hand-weighted logistics features."""
    w = defaults.WEIGHTS
    return sum(v for f, v in w.items() if f not in RELEVANCE) / sum(w.values())


HAND_RELEVANCE = {f: defaults.WEIGHTS[f] for f in RELEVANCE}
"""The hand weights of the relevance features (the fallback), for reports beside the model."""
