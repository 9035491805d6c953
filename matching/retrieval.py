"""Two-stage retrieval: candidate generation (hnswlib ANN over embeddings + skill and
occupation postings), then exact vectorised scoring of the few hundred generated items.

One `Retriever` indexes one kind of item: a "candidate" retriever answers job -> candidates,
a "job" retriever answers candidate -> jobs. Items are added/updated/removed by the app's id;
an update is a remove plus an add (hnswlib only marks deleted rows). `save`/`load` use a
directory: `meta.json`, `columns.npz`, `hnsw.bin`.

Small stores (<= `exact_below` live items) are scored exhaustively, so their top-k is exact.
A store may keep its two sentence vectors per item in float16 (`vectors="float16"`): half the
columns' memory, scores then differ from `score()` by the rounding (~1e-3), so near-ties may
swap; the app's stage 1 does, because its stage 2 scores the returned ids again.
"""

from __future__ import annotations

import json
import os
from array import array
from dataclasses import fields

import hnswlib
import numpy as np

from . import defaults
from .embeddings import DIM
from .encode import Encoded, encode_candidates, encode_jobs
from .profiles import MatchContext
from .scorer import score_arrays
from .skills import vocabulary

_COLUMNS = [f.name for f in fields(Encoded) if f.name != "kind"]
_VECTORS = ("title_vec", "text_vec")


def ann_vectors(enc: Encoded) -> np.ndarray:
    """The vector indexed for ANN: normalised sum of title and full-text embeddings."""
    v = enc.title_vec + enc.text_vec
    n = np.linalg.norm(v, axis=1, keepdims=True)
    return np.divide(v, n, out=np.zeros_like(v), where=n > 0)


class Retriever:
    def __init__(
        self,
        kind: str,
        dim: int = DIM,
        capacity: int = 1024,
        M: int = 16,
        ef_construction: int = 100,
        exact_below: int = 5000,
        threads: int = 2,
        vectors: str = "float32",
    ):
        if kind not in ("job", "candidate"):
            raise ValueError("kind must be 'job' or 'candidate'")
        self.kind, self.dim, self.M, self.ef_construction = kind, dim, M, ef_construction
        self.exact_below, self.threads = exact_below, threads
        self.vectors = np.dtype(vectors)
        self.size = 0
        self.cols = self._empty(capacity)
        self.alive = np.zeros(capacity, bool)
        self.ids: list = []
        self.label_of: dict = {}
        self.postings: dict[int, array] = {}
        self.index = hnswlib.Index(space="ip", dim=dim)
        self.index.init_index(
            max_elements=capacity, M=M, ef_construction=ef_construction, allow_replace_deleted=False
        )

    def __len__(self):
        return len(self.label_of)

    # ------------------------------------------------------------ writes
    def _empty(self, n: int) -> Encoded:
        enc = Encoded.empty(self.kind, n, self.dim)
        for c in _VECTORS:
            setattr(enc, c, getattr(enc, c).astype(self.vectors))
        return enc

    def _grow(self, need: int):
        cap = len(self.alive)
        if need <= cap:
            return
        new = max(need, cap * 2)
        bigger = self._empty(new)
        for c in _COLUMNS:
            getattr(bigger, c)[: self.size] = getattr(self.cols, c)[: self.size]
        self.cols = bigger
        self.alive = np.concatenate([self.alive, np.zeros(new - cap, bool)])
        self.index.resize_index(new)

    def add(self, profiles, now=None, use_embeddings: bool = True, against=None):
        """Add or replace profiles (JobProfile for a job retriever, CandidateProfile otherwise);
        AGAINST is the other side's `Collection` (the one searches pass in their context)."""
        enc = (encode_jobs if self.kind == "job" else encode_candidates)(
            list(profiles), now, use_embeddings, against
        )
        self.add_encoded([p.id for p in profiles], enc)

    update = add

    def add_encoded(self, ids: list, enc: Encoded, vectors: np.ndarray | None = None):
        """Bulk add of already-encoded rows (the fast path used by batch jobs and the benchmark)."""
        self.remove([i for i in ids if i in self.label_of])
        n = len(ids)
        start = self.size
        self._grow(start + n)
        sl = slice(start, start + n)
        for c in _COLUMNS:
            getattr(self.cols, c)[sl] = getattr(enc, c)
        self.alive[sl] = True
        labels = np.arange(start, start + n)
        for i, ext in zip(labels.tolist(), ids, strict=True):
            self.label_of[ext] = i
        self.ids.extend(ids)
        self.size += n
        vec = ann_vectors(enc) if vectors is None else vectors
        self.index.add_items(vec, labels, num_threads=self.threads)
        self._post(labels, enc)

    def _post(self, labels: np.ndarray, enc: Encoded):
        nvoc = len(vocabulary().bit)
        for b in range(nvoc):
            hit = (enc.skills[:, b // 64] >> np.uint64(b % 64)) & np.uint64(1)
            sel = labels[hit.astype(bool)]
            if len(sel):
                self.postings.setdefault(b, array("i")).extend(sel.astype(np.int32).tolist())
        occ = enc.occ // 100
        for g in np.unique(occ[occ > 0]).tolist():
            self.postings.setdefault(-g, array("i")).extend(
                labels[occ == g].astype(np.int32).tolist()
            )

    def remove(self, ids):
        for ext in ids:
            lab = self.label_of.pop(ext, None)
            if lab is None:
                continue
            self.alive[lab] = False
            self.index.mark_deleted(lab)

    # ------------------------------------------------------------ reads
    def candidates_for(self, Q: Encoded, n_ann: int, n_post: int) -> np.ndarray:
        """Stage 1: labels from ANN plus skill/occupation postings (newest first)."""
        live = len(self.label_of)
        found = []
        if live:
            k = min(n_ann, live)
            self.index.set_ef(max(k, 64))
            qv = ann_vectors(Q)
            while k > 0:
                try:  # with many deleted rows hnswlib may find fewer than k live items
                    labels, _ = self.index.knn_query(qv, k=k, num_threads=1)
                    found.append(labels[0].astype(np.int64))
                    break
                except RuntimeError:
                    k //= 2
        keys = [
            b for b in range(len(vocabulary().bit)) if (int(Q.skills[0, b // 64]) >> (b % 64)) & 1
        ]
        if Q.occ[0] > 0:
            keys.append(-(int(Q.occ[0]) // 100))
        per = max(n_post // max(len(keys), 1), 10)
        for key in keys:
            post = self.postings.get(key)
            if post:
                found.append(np.frombuffer(post, dtype=np.int32)[-per:].astype(np.int64))
        if not found:
            return np.zeros(0, np.int64)
        labels = np.unique(np.concatenate(found))
        return labels[self.alive[labels]]

    def search_encoded(
        self,
        Q: Encoded,
        k: int,
        ctx: MatchContext | None = None,
        n_ann: int = defaults.ANN_CANDIDATES,
        n_post: int = defaults.POSTING_CANDIDATES,
    ) -> list[tuple[object, float]]:
        """Top-k (id, score) for one encoded query row, best first."""
        if len(self.label_of) <= self.exact_below:
            labels = np.nonzero(self.alive[: self.size])[0]
        else:
            labels = self.candidates_for(Q, n_ann, n_post)
        if not len(labels):
            return []
        rows = self.cols.take(labels)
        for c in _VECTORS:
            setattr(rows, c, getattr(rows, c).astype(np.float32))
        s = (
            score_arrays(Q, rows, ctx, "job2cand")
            if self.kind == "candidate"
            else score_arrays(rows, Q, ctx, "cand2job")
        )
        order = np.lexsort((labels, -s))[:k]
        return [(self.ids[labels[i]], float(s[i])) for i in order]

    def search(self, query, k: int = 50, ctx: MatchContext | None = None, **kw):
        """Top-k (id, score) for a JobProfile (candidate retriever) or CandidateProfile."""
        ctx = ctx or MatchContext()
        from .scorer import _now

        if self.kind == "candidate":
            q = encode_jobs([query], _now(ctx), ctx.use_embeddings, ctx.candidate_collection)
        else:
            q = encode_candidates([query], _now(ctx), ctx.use_embeddings, ctx.job_collection)
        return self.search_encoded(q, k, ctx, **kw)

    # ------------------------------------------------------------ persistence
    def save(self, directory: str):
        os.makedirs(directory, exist_ok=True)
        n = self.size
        np.savez(
            os.path.join(directory, "columns.npz"),
            alive=self.alive[:n],
            **{c: getattr(self.cols, c)[:n] for c in _COLUMNS},
        )
        self.index.save_index(os.path.join(directory, "hnsw.bin"))
        meta = {
            "kind": self.kind,
            "dim": self.dim,
            "M": self.M,
            "ef_construction": self.ef_construction,
            "exact_below": self.exact_below,
            "vectors": self.vectors.name,
            "ids": self.ids,
            "capacity": len(self.alive),
        }
        with open(os.path.join(directory, "meta.json"), "w", encoding="utf-8") as f:
            json.dump(meta, f, ensure_ascii=False)

    @classmethod
    def load(cls, directory: str, threads: int = 2) -> Retriever:
        with open(os.path.join(directory, "meta.json"), encoding="utf-8") as f:
            meta = json.load(f)
        r = cls(
            meta["kind"],
            meta["dim"],
            capacity=1,
            M=meta["M"],
            ef_construction=meta["ef_construction"],
            exact_below=meta["exact_below"],
            threads=threads,
            vectors=meta.get("vectors", "float32"),
        )
        data = np.load(os.path.join(directory, "columns.npz"))
        n = len(data["alive"])
        r.cols = Encoded(meta["kind"], **{c: data[c] for c in _COLUMNS})
        r.alive = data["alive"].copy()
        r.size = n
        r.ids = list(meta["ids"])
        r.label_of = {ext: i for i, ext in enumerate(r.ids) if r.alive[i]}
        r.index = hnswlib.Index(space="ip", dim=meta["dim"])
        r.index.load_index(os.path.join(directory, "hnsw.bin"), max_elements=max(n, 1))
        r._post(np.arange(n), r.cols.take(slice(0, n)))
        for key, post in list(r.postings.items()):  # drop dead rows
            arr = np.frombuffer(post, dtype=np.int32)
            r.postings[key] = array("i", arr[r.alive[arr]].tolist())
        return r
