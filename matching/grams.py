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
