"""The benchmark command runs end to end and prints exactly the agreed keys."""

from __future__ import annotations

import json

from click.testing import CliRunner

from bench.search import bench_command
from bench.search_corpus import generate_jobs, query_mix

KEYS = {"docs", "index_docs_per_s", "p50_ms", "p95_ms", "p99_ms", "qps", "rss_mb"}


def test_bench_command_json():
    result = CliRunner().invoke(
        bench_command, ["--docs", "300", "--backend", "embedded", "--queries", "30", "--json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output.strip().splitlines()[-1])
    assert set(data) >= KEYS and set(data) - KEYS <= {"suggest_p95_ms"}
    assert data["docs"] == 300 and data["p95_ms"] > 0


def test_sample_is_reproducible():
    assert list(generate_jobs(50, seed=9)) == list(generate_jobs(50, seed=9))
    assert query_mix(20) == query_mix(20)
