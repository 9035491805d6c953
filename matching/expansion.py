"""Titles read through occupation vocabularies: what a bare title is *likely to be*.

A bare title ("beam maker") and an occupation group's name ("Textile process operatives") often
share no word and only a middling embedding cosine, but both sit close to a few occupations of
a large vocabulary. Each title vector is therefore also described by:

* its **ESCO expansion**: the softmax-weighted (temperature `TEMPERATURE` on cosines) blend of
  its `ESCO_NEIGHBOURS` nearest ESCO occupations (3,658 English occupations,
  `data/esco_occupations.npz`, tools/build_esco_vectors.py), kept sparse as indices and weights
  scaled so that the blend has unit length; `esco_cosine` compares two such blends;
* its **CSCO distribution**: the same softmax over its `CSCO_NEIGHBOURS` nearest CSCO codes
  (occupations and groups), which `occupation_fit` scores against a code by shared code
  segments, so "probably 2-02-07-06, possibly a neighbour in 2-02-07" earns partial credit
  instead of an all-or-nothing lookup;
* its **hub** value: the mean cosine to its ten nearest CSCO codes. A generic title ("经理",
  "operative") is near everything; subtracting the hubs of both sides from their cosine (CSLS)
  stops such titles from crowding the top of every list;
* the **mean and spread** of its cosines with all CSCO codes (`title_mu`, `title_sd`;
  `reference_stats` gives the same for full-text vectors): a fixed reference sample, so a
  pair's cosine can be read as "how many spreads above this profile's typical cosine" (a
  z-score, as the fusion baseline normalises per list) while the pair's score still depends on
  the pair alone.

All of it depends on the title vector alone, so a pair scores the same in any list, and it is
computed once per distinct title vector per process (`matching.encode` keeps it).

An English title is also read through the ESCO occupations' *words* (`read_words`): BM25 of
its words against each occupation's labels and description (`data/esco_words.npz`), the
softmax of the best `ESCO_NEIGHBOURS` scores as a distribution. Where the embedding blurs a
rare exact word, the word finds the occupations that list it as a label or name it in their
duties, and through them what a group name calls such work: "kitchen porter" and "Kitchen and
catering assistants" share 0.41 of their readings, "wire drawer" and "metal drawing machine
operator" 0.46.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

import numpy as np

from .bm25 import WordIndex
from .collection import Collection, moment_stats
from .occupations import occupation_centroids

ESCO_NEIGHBOURS = 20
CSCO_NEIGHBOURS = 10
HUB_NEIGHBOURS = 10
TEMPERATURE = 0.05
"""A title's ESCO blend is mostly its one or two nearest occupations when they are clearly
nearest (cosines 0.05 apart weigh e:1), and a wider blend when many are equally near. The
values come from the match branch's validation runs (CSCO and SOC validation splits)."""


WORDS_TEMPERATURE = 0.3
"""On BM25 scores relative to the title's best (1 = the best occupation): a word read is
flatter than the vectors' blend. Chosen on the SOC validation splits (0.1-1.0 tried)."""
_WORD = re.compile(r"[a-z]+")
_STOP = frozenset(
    {"a", "an", "and", "for", "in", "of", "on", "or", "other", "related", "the", "to", "with"}
    | {"n", "e", "c", "nec"}
)
"""Words that carry no occupation, and the letters of "n.e.c." (not elsewhere classified)."""


def words(text: str) -> list[str]:
    """The English words of TEXT as the ESCO word index holds them: lower case, no stop words,
    plurals made singular ("operatives" → "operative", "secretaries" → "secretary")."""
    out = []
    for w in _WORD.findall(text.lower()):
        if w in _STOP:
            continue
        if len(w) > 4 and w.endswith("ies"):
            w = w[:-3] + "y"
        elif len(w) > 4 and w.endswith("sses"):
            w = w[:-2]
        elif len(w) > 3 and w.endswith("s") and not w.endswith("ss"):
            w = w[:-1]
        out.append(w)
    return out


@lru_cache(maxsize=1)
def esco_vectors() -> np.ndarray:
    """(3,658, 512) unit vectors of the ESCO occupations."""
    with resources.files("matching").joinpath("data/esco_occupations.npz").open("rb") as fh:
        v = np.load(fh)["vectors"].astype(np.float32)
    return v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-6)


def _softmax_top(sims: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    idx = np.argpartition(sims, -k, axis=1)[:, -k:]
    top = np.take_along_axis(sims, idx, 1)
    w = np.exp((top - top.max(axis=1, keepdims=True)) / TEMPERATURE)
    return idx, w / w.sum(axis=1, keepdims=True)


def describe(title_vecs: np.ndarray) -> dict[str, np.ndarray]:
    """For unit title vectors (n, 512), non-zero: `esco_idx` (n, 20) int16 and `esco_w` (n, 20)
    float32 (the unit ESCO blend is sum(esco_w * esco[esco_idx])), `csco_top` (n, 10) int32
    code_nums with their probabilities `csco_p` (n, 10) float32, `hub` (n,) float32, and the
    mean and standard deviation of the cosines with all codes, `title_mu`, `title_sd` (n,)."""
    nums, centroids = occupation_centroids()
    esco = esco_vectors()
    sims = title_vecs @ centroids.T
    cidx, cp = _softmax_top(sims, CSCO_NEIGHBOURS)
    hub = -np.partition(-sims, HUB_NEIGHBOURS, axis=1)[:, :HUB_NEIGHBOURS].mean(axis=1)
    eidx, ew = _softmax_top(title_vecs @ esco.T, ESCO_NEIGHBOURS)
    blend = (ew[:, None, :] @ esco[eidx])[:, 0]  # batched (1, k) @ (k, d)
    ew = ew / np.maximum(np.linalg.norm(blend, axis=1, keepdims=True), 1e-6)
    return {
        "esco_idx": eidx.astype(np.int16),
        "esco_w": ew.astype(np.float32),
        "csco_top": nums[cidx].astype(np.int32),
        "csco_p": cp.astype(np.float32),
        "hub": hub.astype(np.float32),
        "title_mu": sims.mean(axis=1).astype(np.float32),
        "title_sd": sims.std(axis=1).astype(np.float32),
    }


@lru_cache(maxsize=1)
def reference_collection() -> Collection:
    """The CSCO codes as a collection: a fixed reference sample for `reference_stats`, and what
    stands in for a side of the marketplace that is not known (`encode.read_against`)."""
    _, centroids = occupation_centroids()
    return Collection.of("occupation", centroids, centroids)


def reference_stats(vecs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean and standard deviation (n,) float32 of each vector's cosines with the CSCO codes:
    one dot product and one quadratic form with their moments, a quarter of the work of 2,047
    cosines."""
    codes = reference_collection()
    return moment_stats(vecs, codes.title_mean, codes.title_second)


def _blend(idx: np.ndarray, w: np.ndarray) -> np.ndarray:
    return (w[:, None, :] @ esco_vectors()[idx.astype(np.intp)])[:, 0]


def esco_cosine(a_idx, a_w, b_idx, b_w) -> np.ndarray:
    """Cosine of the ESCO blends of aligned or broadcast rows (0 where a side has none)."""
    if len(a_idx) == 1 or len(b_idx) == 1:
        (q_idx, q_w), (d_idx, d_w) = (
            ((a_idx, a_w), (b_idx, b_w)) if len(a_idx) == 1 else ((b_idx, b_w), (a_idx, a_w))
        )
        # one query: its blend against every anchor once, then each row's 20 weighted terms
        per_anchor = esco_vectors() @ _blend(q_idx, q_w)[0]
        return (d_w * per_anchor[d_idx.astype(np.intp)]).sum(axis=1)
    out = np.empty(len(a_idx), np.float32)
    for s in range(0, len(a_idx), 4096):  # bounded memory: 4,096 × 20 × 512
        sl = slice(s, s + 4096)
        out[sl] = np.einsum("ij,ij->i", _blend(a_idx[sl], a_w[sl]), _blend(b_idx[sl], b_w[sl]))
    return out


@lru_cache(maxsize=1)
def _esco_words() -> WordIndex:
    """The ESCO occupations' word index (tools/build_esco_vectors.py), rows as `esco_vectors`."""
    with resources.files("matching").joinpath("data/esco_words.npz").open("rb") as fh:
        return WordIndex.from_arrays(np.load(fh))


@lru_cache(maxsize=16384)
def read_words(title: str) -> tuple[np.ndarray, np.ndarray]:
    """A cleaned TITLE read through the ESCO occupations' words: (ESCO_NEIGHBOURS,) int16 row
    numbers + 1 of its best-scoring occupations (0 = padding; all padding when no word of the
    title is in the index: Chinese titles) and (ESCO_NEIGHBOURS,) float32 weights, a softmax of
    the scores relative to the best, scaled to unit length so that two readings compare by a
    dot product (`grams.cosine`). Kept per process and read-only."""
    idx = np.zeros(ESCO_NEIGHBOURS, np.int16)
    w = np.zeros(ESCO_NEIGHBOURS, np.float32)
    scores = _esco_words().scores(words(title))
    top = np.argsort(-scores, kind="stable")[:ESCO_NEIGHBOURS]
    top = top[scores[top] > 0]
    if len(top):
        p = np.exp((scores[top] / scores[top[0]] - 1) / WORDS_TEMPERATURE)
        idx[: len(top)] = top + 1
        w[: len(top)] = p / np.linalg.norm(p)
    idx.flags.writeable = w.flags.writeable = False
    return idx, w
