"""What one side of the marketplace looks like as a whole: the collection statistics of its
title and full-text vectors (published jobs, or the candidates' résumés).

A short title ("Hairdresser") has a middling cosine with many profiles; whether a given cosine is
high *for this profile* depends on how near it usually is to the other side. Each profile is
therefore also described by the mean and spread of its cosines with the other side's whole
collection, and a pair's cosine is read as a z-score against them (`scorer`, the
`*_zcoll_*` features): BM25's IDF in spirit, a statistic of the collection rather than of
the list being ranked, so a pair scores the same on every page, the Retriever's top-k stays
exact, and an evaluation gets it from the files it ranks (`bench.evaluate`).

A z-score describes the bulk of a profile's cosines; what decides the top of a ranking is the
few items nearest to it. So each candidate also gets the log-partition of a sharp softmax over
the job collection (`TEMPERATURE`), and a pair is read as its share of that softmax (the
`*_softmax_candidate` features): "this job is among the candidate's nearest jobs", the
inverted softmax of cross-modal retrieval, again a statistic of the collection and not of the
list. (Jobs get none: their shares of a softmax over the candidates ranked worse in both
directions on validation, and each would cost a pass over every candidate.)

A collection is kept as the mean and second moment of its vectors, so a profile's mean
cosine is one dot product and its variance one quadratic form (~1 MB per vector type, whatever
the collection's size), and, unless it is the candidates' (which no softmax reads), as its unit
vectors in float16 (1 KB per profile and vector type: 10 MB for the app's 5,000 jobs). A
candidate's log-partition costs one pass over them and is kept per collection (`KEPT`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import numpy as np

MIN_SIZE = 20
"""Fewer profiles than this say little about what is typical: no collection, and the CSCO codes
stand in (`encode.read_against`)."""

TEMPERATURE = 0.02
"""Of the softmax over a collection: low enough that a profile's few nearest items dominate
its partition. On the validation splits 0.01 and 0.02 gained alike (CSCO job→candidates
+0.014 to +0.017), 0.1 gained nothing (docs/matching.md)."""

KEPT = 100_000
"""Log-partitions kept per collection and vector type, by vector digest: pages rank the same
pools again and again, and one pass over 5,000 vectors costs ~0.14 ms per profile."""


def moment_stats(
    vecs: np.ndarray, mean: np.ndarray, second: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Mean and standard deviation (n,) float32 of each vector's cosines with a set of unit
    vectors given by their MEAN and SECOND moment (zeros for vectors of another dimension,
    e.g. synthetic benchmarks; a zero vector gets 0, which readers treat as unknown)."""
    n = len(vecs)
    if not n or vecs.shape[1] != len(mean):
        return np.zeros(n, np.float32), np.zeros(n, np.float32)
    v = np.asarray(vecs, np.float32)
    mu = v @ mean
    var = np.einsum("ij,ij->i", v @ second, v) - mu**2
    return mu.astype(np.float32), np.sqrt(np.maximum(var, 0)).astype(np.float32)


def _moments(vecs: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    v = np.asarray(vecs, np.float64)
    v = v[np.any(v != 0, axis=1)]  # unknown (zero) vectors are not part of the picture
    if not len(v):
        return np.zeros(vecs.shape[1], np.float32), np.zeros((vecs.shape[1],) * 2, np.float32), 0
    return v.mean(axis=0).astype(np.float32), (v.T @ v / len(v)).astype(np.float32), len(v)


def _unit_rows(vecs: np.ndarray) -> np.ndarray:
    v = np.asarray(vecs, np.float32)
    v = v[np.any(v != 0, axis=1)]
    return (v / np.linalg.norm(v, axis=1, keepdims=True)).astype(np.float16)


def _log_partitions(vecs: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """`Collection.log_partitions` of VECS over unit ROWS of the same dimension."""
    out = np.zeros(len(vecs), np.float32)
    known = np.flatnonzero(np.any(vecs != 0, axis=1))
    table = rows.astype(np.float32)
    for start in range(0, len(known), 256):  # bounded memory: 256 × the collection
        idx = known[start : start + 256]
        sims = np.asarray(vecs[idx], np.float32) @ table.T
        sims *= 1 / TEMPERATURE  # in place, as below: no second chunk-sized array
        top = sims.max(axis=1)
        sims -= top[:, None]
        out[idx] = top + np.log(np.exp(sims, out=sims).sum(axis=1))
    return out


@dataclass(frozen=True, eq=False)
class Collection:
    """One side ("job" or "candidate"): the moments and unit vectors of its titles and full
    texts."""

    kind: str
    size: int
    title_mean: np.ndarray
    title_second: np.ndarray
    text_mean: np.ndarray
    text_second: np.ndarray
    title_rows: np.ndarray  # (size, d) float16 unit vectors; none for the candidates
    text_rows: np.ndarray
    _kept: dict = field(default_factory=dict, repr=False)

    @classmethod
    def of(cls, kind: str, title_vecs: np.ndarray, text_vecs: np.ndarray) -> Collection | None:
        """The collection of these vectors (rows of unit vectors; zero rows ignored), or None
        when fewer than MIN_SIZE profiles have a title vector."""
        title_mean, title_second, size = _moments(title_vecs)
        if size < MIN_SIZE:
            return None
        text_mean, text_second, _ = _moments(text_vecs)
        keep = kind != "candidate"  # only candidates are read against a softmax (read_against)
        return cls(
            kind,
            size,
            title_mean,
            title_second,
            text_mean,
            text_second,
            _unit_rows(title_vecs if keep else title_vecs[:0]),
            _unit_rows(text_vecs if keep else text_vecs[:0]),
        )

    def stats(self, title_vecs: np.ndarray, text_vecs: np.ndarray) -> tuple[np.ndarray, ...]:
        """(title mean, title spread, text mean, text spread) of each profile's cosines with
        this collection."""
        return (
            *moment_stats(title_vecs, self.title_mean, self.title_second),
            *moment_stats(text_vecs, self.text_mean, self.text_second),
        )

    def log_partitions(self, title_vecs: np.ndarray, text_vecs: np.ndarray) -> tuple:
        """(title, text) log Σ exp(cosine / TEMPERATURE) of each profile over this collection
        (n,) float32; 0 for a zero vector or one of another dimension: unknown."""
        return (
            self._log_partition("title", title_vecs, self.title_rows),
            self._log_partition("text", text_vecs, self.text_rows),
        )

    def _log_partition(self, name: str, vecs: np.ndarray, rows: np.ndarray) -> np.ndarray:
        if not len(rows) or vecs.shape[1] != rows.shape[1]:  # e.g. synthetic benchmark vectors
            return np.zeros(len(vecs), np.float32)
        keys = [(name, hashlib.blake2b(v.tobytes(), digest_size=16).digest()) for v in vecs]
        out = np.array([self._kept.get(key, np.nan) for key in keys], np.float32)
        todo = np.flatnonzero(np.isnan(out))
        if len(todo):
            out[todo] = _log_partitions(vecs[todo], rows)
            if len(self._kept) + len(todo) > 2 * KEPT:
                self._kept.clear()
            self._kept.update((keys[i], float(out[i])) for i in todo)
        return out
