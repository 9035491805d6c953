"""Okapi BM25 over the same analyzed tokens as the rest of matching (`text.tokenize`).
The evaluation baseline; short on purpose."""

from __future__ import annotations

import math
from collections import Counter


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
