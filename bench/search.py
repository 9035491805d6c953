"""``yunpin bench search`` (also ``python -m bench.search``): index N synthetic jobs into
one backend, run a fixed query mix, print one JSON object.

Keys: docs, index_docs_per_s, p50_ms, p95_ms, p99_ms, qps, rss_mb, suggest_p95_ms.
Indexing goes through :func:`search.reindex.reindex` (analysis in worker processes);
queries run one at a time, warm, facets on; latency includes highlighting.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator

import click

from search.base import SearchBackend
from search.query import SearchQuery

from .search_corpus import PREFIXES, generate_jobs, query_mix
from .stats import percentile, rss_mb


@contextlib.contextmanager
def open_backend(backend: str, url: str | None = None) -> Iterator[SearchBackend]:
    """A fresh, empty backend for one measurement: a temporary directory for the local
    ones, a unique index prefix on a cluster (a local OpenSearch node when ``url`` is None);
    everything is removed afterwards."""
    from search import create_backend

    node = None
    tmp = None
    if backend == "opensearch" and not url:
        from bench.opensearch.node import Node

        node = Node()
        url = node.start()
    try:
        if backend in ("embedded", "sqlite"):
            tmp = tempfile.mkdtemp(prefix=f"yunpin-bench-{backend}-")
            be = create_backend(backend, tmp)
        else:
            be = create_backend(backend, url, index_prefix=f"bench{int(time.time())}", timeout=60)
        try:
            yield be
        finally:
            be.close()
    finally:
        if node is not None:
            node.stop()
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)


def run(docs: int, backend: str, queries: int, url: str | None = None, seed: int = 42) -> dict:
    from search import reindex

    with open_backend(backend, url) as be:
        corpus = list(generate_jobs(docs, seed=seed))
        t0 = time.perf_counter()
        reindex(be, corpus, kind="jobs")
        index_s = time.perf_counter() - t0
        del corpus
        mix = [SearchQuery(**q) for q in query_mix(queries)]
        for q in mix[: min(50, len(mix))]:
            be.search(q)
        lat = []
        t_all = time.perf_counter()
        for q in mix:
            t = time.perf_counter()
            be.search(q)
            lat.append((time.perf_counter() - t) * 1000)
        total_s = time.perf_counter() - t_all
        slat = []
        for p in PREFIXES * 5:
            t = time.perf_counter()
            be.suggest(p)
            slat.append((time.perf_counter() - t) * 1000)
        return {
            "docs": docs,
            "index_docs_per_s": round(docs / index_s, 1),
            "p50_ms": round(percentile(lat, 50), 2),
            "p95_ms": round(percentile(lat, 95), 2),
            "p99_ms": round(percentile(lat, 99), 2),
            "qps": round(len(mix) / total_s, 1),
            "rss_mb": round(rss_mb(), 1),
            "suggest_p95_ms": round(percentile(slat, 95), 2),
        }


@click.command("search")
@click.option(
    "--docs", "n_docs", default=100_000, show_default=True, help="Synthetic jobs to index."
)
@click.option(
    "--backend",
    type=click.Choice(["embedded", "sqlite", "opensearch", "elasticsearch"]),
    default="embedded",
    show_default=True,
)
@click.option("--queries", default=1000, show_default=True, help="Queries in the fixed mix.")
@click.option("--url", default=None, help="Cluster URL (opensearch: default starts a local node).")
@click.option("--seed", default=42, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print only the JSON object.")
def bench_command(
    n_docs: int, backend: str, queries: int, url: str | None, seed: int, as_json: bool
) -> None:
    """Benchmark a search backend on N synthetic Chinese/English jobs."""
    result = run(n_docs, backend, queries, url=url, seed=seed)
    if not as_json:
        click.echo(f"backend={backend}", err=True)
    click.echo(json.dumps(result))


if __name__ == "__main__":  # python -m bench.search
    bench_command(prog_name=f"{sys.executable} -m bench.search")
