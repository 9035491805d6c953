"""`yunpin bench vectors`: 512-dimension embeddings at 1M items: memory of float32, float16 and
int8 storage, recall@10 of quantised exhaustive search and of the hnswlib ANN stage, latency.

Vectors are synthetic like `yunpin bench match` (cluster centroids plus noise, L2-normalised),
so recall here is about the index and the quantisation, not the embedding model. hnswlib holds
float32 only; its recall is measured on `--ann` items (building it on 1M x 512 takes far
longer than the rest on 2 cores) and its memory at 1M is extrapolated (per item: 4 x dim +
the graph's 2 x M x 4 bytes + overhead).
"""

from __future__ import annotations

import json
import time

import click
import numpy as np

from .stats import rss_mb


def synthetic(n: int, dim: int, clusters: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    cent = rng.standard_normal((clusters, dim)).astype(np.float32)
    cent /= np.linalg.norm(cent, axis=1, keepdims=True)
    out = np.empty((n, dim), np.float32)
    for s in range(0, n, 100_000):
        m = min(100_000, n - s)
        v = cent[rng.integers(0, clusters, m)] + 0.06 * rng.standard_normal((m, dim)).astype(
            np.float32
        )
        out[s : s + m] = v / np.linalg.norm(v, axis=1, keepdims=True)
    return out


def quantise_int8(x: np.ndarray) -> np.ndarray:
    """Unit vectors to int8 (scale 127); inner products keep their order up to rounding."""
    return np.clip(np.rint(x * 127), -127, 127).astype(np.int8)


def top_k(base, queries, k: int, chunk: int = 200_000) -> tuple[np.ndarray, float]:
    """Exhaustive top-k by inner product (chunked); returns ids and ms per query."""
    t = time.perf_counter()
    q = queries.astype(np.float32)
    best_s = np.full((len(q), k), -np.inf, np.float32)
    best_i = np.zeros((len(q), k), np.int64)
    for s in range(0, len(base), chunk):
        sc = q @ base[s : s + chunk].astype(np.float32).T
        part = np.argpartition(-sc, k, axis=1)[:, :k]
        ps = np.take_along_axis(sc, part, 1)
        all_s = np.concatenate([best_s, ps], 1)
        all_i = np.concatenate([best_i, part + s], 1)
        sel = np.argsort(-all_s, axis=1)[:, :k]
        best_s, best_i = np.take_along_axis(all_s, sel, 1), np.take_along_axis(all_i, sel, 1)
    return best_i, (time.perf_counter() - t) * 1000 / len(q)


def recall(found: np.ndarray, truth: np.ndarray) -> float:
    return float(
        np.mean([len(set(f) & set(t)) / len(t) for f, t in zip(found, truth, strict=True)])
    )


@click.command("vectors")
@click.option("--n", default=1_000_000, show_default=True)
@click.option("--dim", default=512, show_default=True)
@click.option("--ann", default=100_000, show_default=True, help="items in the hnswlib index")
@click.option("--queries", default=100, show_default=True)
@click.option("--clusters", default=2000, show_default=True)
@click.option("--threads", default=2, show_default=True)
def vectors_command(n, dim, ann, queries, clusters, threads):
    """Memory, recall and latency of 512-d vectors at 1M items (float32 / float16 / int8 / ANN)."""
    import hnswlib

    out: dict = {"n": n, "dim": dim, "queries": queries}
    r0 = rss_mb()
    base = synthetic(n, dim, clusters, 1)
    out["float32_mb"] = round(rss_mb() - r0, 1)
    q = synthetic(queries, dim, clusters, 2)
    truth, out["float32_exact_ms"] = top_k(base, q, 10)
    half = base.astype(np.float16)
    out["float16_mb"] = round(half.nbytes / 2**20, 1)
    found, out["float16_exact_ms"] = top_k(half, q, 10)
    out["float16_recall@10"] = round(recall(found, truth), 4)
    del half
    i8 = quantise_int8(base)
    out["int8_mb"] = round(i8.nbytes / 2**20, 1)
    found, out["int8_exact_ms"] = top_k(i8, q, 10)
    out["int8_recall@10"] = round(recall(found, truth), 4)
    del i8

    sub = base[:ann]
    sub_truth, _ = top_k(sub, q, 10)
    t = time.perf_counter()
    index = hnswlib.Index(space="ip", dim=dim)
    index.init_index(max_elements=ann, M=16, ef_construction=100)
    index.set_num_threads(threads)
    index.add_items(sub, np.arange(ann))
    out["ann_items"] = ann
    out["ann_build_s"] = round(time.perf_counter() - t, 1)
    # hnswlib's level-0 layout: the float32 vector, 2M neighbour ids, a count and a label
    per_item = 4 * dim + 2 * 16 * 4 + 4 + 8
    out["ann_mb_at_n_estimate"] = round(per_item * n / 2**20, 0)
    for ef in (50, 100, 300):
        index.set_ef(ef)
        t = time.perf_counter()
        labels, _ = index.knn_query(q, k=10, num_threads=1)
        out[f"ann_ef{ef}_ms"] = round((time.perf_counter() - t) * 1000 / queries, 3)
        out[f"ann_ef{ef}_recall@10"] = round(recall(labels, sub_truth), 4)
    click.echo(json.dumps(out, indent=1))
