"""Okapi BM25: over the same analyzed tokens as the rest of matching (`text.tokenize`), the
evaluation baseline (short on purpose); and `WordIndex`, a fixed vocabulary's BM25 weights for
scoring all of its documents at once."""

from __future__ import annotations

import math
from collections import Counter

import numpy as np


class BM25:
    def __init__(self, docs: list[list[str]], k1: float = 1.2, b: float = 0.75):
        self.k1, self.b = k1, b
        self.tf = [Counter(d) for d in docs]
        self.len = [len(d) for d in docs]
        self.avgdl = (sum(self.len) / len(docs)) if docs else 0.0
        df = Counter(t for d in self.tf for t in d)
        n = len(docs)
        self.idf = {t: math.log(1 + (n - f + 0.5) / (f + 0.5)) for t, f in df.items()}
        self.postings: dict[str, list[int]] = {}
        for i, d in enumerate(self.tf):
            for t in d:
                self.postings.setdefault(t, []).append(i)

    def weight(self, t: str, i: int) -> float:
        """Term T's weight in document I: its idf × its saturated, length-normalised tf."""
        f, k1, b = self.tf[i][t], self.k1, self.b
        return (
            self.idf[t] * f * (k1 + 1) / (f + k1 * (1 - b + b * self.len[i] / (self.avgdl or 1.0)))
        )

    def scores(self, query: list[str]) -> dict[int, float]:
        """Score of every document sharing a term with the query (others score 0)."""
        out: dict[int, float] = {}
        for t, qtf in Counter(query).items():
            for i in self.postings.get(t, ()):
                out[i] = out.get(i, 0.0) + qtf * self.weight(t, i)
        return out


class WordIndex:
    """BM25 weights of a fixed vocabulary's documents as per-term postings (CSC arrays), for
    scoring every document against a short query in numpy: the occupation vocabularies that
    titles are read through (`matching.expansion`). A query term counts once."""

    def __init__(self, terms: list[str], n: int, indptr, rows, weights):
        self.column = {t: i for i, t in enumerate(terms)}
        self.n = n
        self.indptr = np.asarray(indptr, np.int64)
        self.rows = np.asarray(rows, np.intp)
        self.weights = np.asarray(weights, np.float32)

    @classmethod
    def build(cls, docs: list[list[str]], k1: float = 1.2, b: float = 0.75) -> WordIndex:
        bm = BM25(docs, k1, b)
        terms = sorted(bm.postings)
        rows = [i for t in terms for i in bm.postings[t]]
        weights = [bm.weight(t, i) for t in terms for i in bm.postings[t]]
        indptr = np.cumsum([0] + [len(bm.postings[t]) for t in terms])
        return cls(terms, len(docs), indptr, rows, weights)

    def arrays(self) -> dict[str, np.ndarray]:
        """What `np.savez` stores and `from_arrays` reads (weights in float16)."""
        return {
            "words": np.array("\n".join(self.column)),
            "occupations": np.array(self.n),
            "indptr": self.indptr.astype(np.int32),
            "rows": self.rows.astype(np.int16),
            "weights": self.weights.astype(np.float16),
        }

    @classmethod
    def from_arrays(cls, z) -> WordIndex:
        terms = str(z["words"]).split("\n")
        return cls(terms, int(z["occupations"]), z["indptr"], z["rows"], z["weights"])

    def scores(self, query: list[str]) -> np.ndarray:
        """(n,) float32 BM25 score of every document; zeros when no term is known."""
        out = np.zeros(self.n, np.float32)
        for c in sorted({self.column[t] for t in query if t in self.column}):
            s, e = self.indptr[c], self.indptr[c + 1]
            out[self.rows[s:e]] += self.weights[s:e]
        return out
