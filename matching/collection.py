"""What one side of the marketplace looks like as a whole: the collection statistics of its
title and full-text vectors (published jobs, or the candidates' résumés).

A short title ("Hairdresser") has a middling cosine with many profiles; whether a given cosine is
high *for this profile* depends on how near it usually is to the other side. Each profile is
therefore also described by the mean and spread of its cosines with the other side's whole
collection, and a pair's cosine is read as a z-score against them (`scorer`, the
`*_zcoll_*` features): BM25's IDF in spirit, a statistic of the collection rather than of
the list being ranked, so a pair scores the same on every page, the Retriever's top-k stays
exact, and an evaluation gets it from the files it ranks (`bench.evaluate`).

A collection is kept as the mean and second moment of its vectors, so a profile's mean
cosine is one dot product and its variance one quadratic form (~1 MB per vector type, whatever
the collection's size).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MIN_SIZE = 20
"""Fewer profiles than this say little about what is typical: no collection, and the CSCO codes
stand in (`encode.read_against`)."""


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


@dataclass(frozen=True)
class Collection:
    """The title and full-text vector moments of one side ("job" or "candidate")."""

    kind: str
    size: int
    title_mean: np.ndarray
    title_second: np.ndarray
    text_mean: np.ndarray
    text_second: np.ndarray

    @classmethod
    def of(cls, kind: str, title_vecs: np.ndarray, text_vecs: np.ndarray) -> Collection | None:
        """The collection of these vectors (rows of unit vectors; zero rows ignored), or None
        when fewer than MIN_SIZE profiles have a title vector."""
        title_mean, title_second, size = _moments(title_vecs)
        if size < MIN_SIZE:
            return None
        text_mean, text_second, _ = _moments(text_vecs)
        return cls(kind, size, title_mean, title_second, text_mean, text_second)

    def stats(self, title_vecs: np.ndarray, text_vecs: np.ndarray) -> tuple[np.ndarray, ...]:
        """(title mean, title spread, text mean, text spread) of each profile's cosines with
        this collection."""
        return (
            *moment_stats(title_vecs, self.title_mean, self.title_second),
            *moment_stats(text_vecs, self.text_mean, self.text_second),
        )
