"""Character-bigram TF-IDF vectors of cleaned titles, as short hashed sparse rows.

Chinese job titles are segmented differently on each side ("软件测试工程师" vs "测试工程师"),
so the lexical title feature compares character bigrams, not words. IDF comes from the CSCO
2022 names, aliases and definitions (a fixed reference, so a pair scores the same in any pool);
bigrams it never saw (most English ones) get the highest IDF. Each title keeps its `GRAMS`
heaviest bigrams, hashed to int32 (0 = padding), weights L2-normalised.
"""

from __future__ import annotations

import math
import re
import zlib
from collections import Counter
from functools import lru_cache

import numpy as np

from .text import normalize

GRAMS = 16
_SEP = re.compile(r"[\W_]+", re.UNICODE)


def bigrams(text: str) -> list[str]:
    out: list[str] = []
    for run in _SEP.split(normalize(text)):
        if len(run) == 1:
            out.append(run)
        out.extend(run[i : i + 2] for i in range(len(run) - 1))
    return out


@lru_cache(maxsize=1)
def _idf() -> tuple[dict[str, float], float]:
    from .occupations import occupations

    df: Counter = Counter()
    occ = list(occupations().values())
    for o in occ:
        df.update(set(bigrams(" ".join((o.name, *o.aliases, o.definition)))))
    n = len(occ)
    return {g: math.log(1 + n / (f + 1)) for g, f in df.items()}, math.log(1 + n)


def _hash(g: str) -> int:
    return (zlib.crc32(g.encode("utf-8")) & 0x7FFFFFFF) or 1


@lru_cache(maxsize=16384)
def encode_title(text: str) -> tuple[np.ndarray, np.ndarray]:
    """(GRAMS,) int32 hashed bigrams and (GRAMS,) float32 unit TF-IDF weights (kept per process
    and read-only: every ranking encodes its whole pool's titles again)."""
    ids, w = _encode_title(text)
    ids.flags.writeable = w.flags.writeable = False
    return ids, w


def _encode_title(text: str) -> tuple[np.ndarray, np.ndarray]:
    ids = np.zeros(GRAMS, np.int32)
    w = np.zeros(GRAMS, np.float32)
    tf = Counter(bigrams(text))
    if not tf:
        return ids, w
    idf, top = _idf()
    weighted = sorted(((c * idf.get(g, top), _hash(g)) for g, c in tf.items()), reverse=True)
    merged: dict[int, float] = {}
    for v, h in weighted[:GRAMS]:
        merged[h] = merged.get(h, 0.0) + v
    vals = np.array(list(merged.values()), np.float32)
    ids[: len(merged)] = list(merged)
    w[: len(merged)] = vals / np.linalg.norm(vals)
    return ids, w


def cosine(a_ids, a_w, b_ids, b_w) -> np.ndarray:
    """Cosine of aligned or broadcast rows of hashed sparse vectors: (P,)."""
    if len(a_ids) == 1 or len(b_ids) == 1:
        (q_ids, q_w), (d_ids, d_w) = (
            ((a_ids[0], a_w[0]), (b_ids, b_w))
            if len(a_ids) == 1
            else ((b_ids[0], b_w[0]), (a_ids, a_w))
        )
        order = np.argsort(q_ids)
        q_ids, q_w = q_ids[order], q_w[order]
        pos = np.clip(np.searchsorted(q_ids, d_ids), 0, len(q_ids) - 1)
        hit = (q_ids[pos] == d_ids) & (d_ids != 0)
        return np.where(hit, q_w[pos] * d_w, 0.0).sum(axis=1)
    eq = (a_ids[:, :, None] == b_ids[:, None, :]) & (a_ids[:, :, None] != 0)
    return np.einsum("pij,pi,pj->p", eq, a_w, b_w)


TERMS = 16
"""Names and aliases kept per CSCO occupation for `occupation_terms_cosine` (the name first;
26 of 2,047 codes have more than 16)."""


@lru_cache(maxsize=4096)
def _occupation_terms(code: int) -> tuple[np.ndarray, np.ndarray]:
    """Bigram vectors of the cleaned name and aliases of one occupation (code_num), as
    (TERMS, GRAMS) ids and weights, padding where it has fewer (all padding: no occupation).
    Per code on first use: encoding all 5,905 terms up front took ~0.7 s."""
    from .occupations import occupations_by_num
    from .titles import clean_title

    ids = np.zeros((TERMS, GRAMS), np.int32)
    w = np.zeros((TERMS, GRAMS), np.float32)
    occ = occupations_by_num().get(int(code))
    if occ is not None:
        terms = dict.fromkeys(clean_title(t) for t in (occ.name, *occ.aliases))
        for k, term in enumerate(list(terms)[:TERMS]):
            ids[k], w[k] = _encode_title(term)
    ids.flags.writeable = w.flags.writeable = False
    return ids, w


def occupation_terms_cosine(codes: np.ndarray, ids: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Best bigram cosine of each title (rows of ids, w) with any name or alias of the aligned
    occupation (code_nums; 0 or unknown: 0). Either side may have one row, which is broadcast."""
    if len(codes) == 1:  # one occupation against many titles: a pass per term it has
        term_ids, term_w = _occupation_terms(int(codes[0]))
        best = np.zeros(len(ids), np.float32)
        for k in np.flatnonzero(np.any(term_ids != 0, axis=1)):
            best = np.maximum(best, cosine(term_ids[k][None], term_w[k][None], ids, w))
        return best
    unique, inverse = np.unique(codes, return_inverse=True)
    terms = [_occupation_terms(int(code)) for code in unique]
    t_ids = np.stack([t[0] for t in terms])[inverse].reshape(-1, GRAMS)
    t_w = np.stack([t[1] for t in terms])[inverse].reshape(-1, GRAMS)
    if len(ids) > 1:  # aligned pairs: each title against its own occupation's terms
        ids, w = np.repeat(ids, TERMS, axis=0), np.repeat(w, TERMS, axis=0)
    return cosine(t_ids, t_w, ids, w).reshape(len(codes), TERMS).max(axis=1)
