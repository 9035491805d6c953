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

    def scores(self, query: list[str]) -> dict[int, float]:
        """Score of every document sharing a term with the query (others score 0)."""
        out: dict[int, float] = {}
        k1, b, avg = self.k1, self.b, self.avgdl or 1.0
        for t, qtf in Counter(query).items():
            idf = self.idf.get(t)
            if idf is None:
                continue
            for i in self.postings[t]:
                f = self.tf[i][t]
                out[i] = out.get(i, 0.0) + qtf * idf * f * (k1 + 1) / (
                    f + k1 * (1 - b + b * self.len[i] / avg)
                )
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
        counts = [Counter(d) for d in docs]
        terms = sorted(set().union(*counts))
        column = {t: i for i, t in enumerate(terms)}
        mean_len = sum(len(d) for d in docs) / max(len(docs), 1) or 1.0
        postings: list[list[tuple[int, float]]] = [[] for _ in terms]
        for row, (d, c) in enumerate(zip(docs, counts, strict=True)):
            norm = k1 * (1 - b + b * len(d) / mean_len)
            for t, tf in c.items():
                postings[column[t]].append((row, tf * (k1 + 1) / (tf + norm)))
        n = len(docs)
        weights = []
        for p in postings:
            idf = math.log(1 + (n - len(p) + 0.5) / (len(p) + 0.5))
            weights += [w * idf for _, w in p]
        indptr = np.cumsum([0] + [len(p) for p in postings])
        return cls(terms, n, indptr, [r for p in postings for r, _ in p], weights)

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
