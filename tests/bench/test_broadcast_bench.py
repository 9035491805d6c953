"""`yunpin bench broadcast` at a tiny size: every figure of the contract is there and real."""

from __future__ import annotations

import json

from click.testing import CliRunner

from bench.broadcast import broadcast_command

KEYS = {
    "viewers",
    "seconds",
    "ingest_cpu_percent",
    "live_latency_p95_ms",
    "playlist_fetch_p95_ms",
    "segment_fetch_p95_ms",
    "errors",
}


def test_bench_broadcast_reports_the_contract_figures():
    result = CliRunner().invoke(
        broadcast_command,
        ["--viewers", "4", "--seconds", "6", "--storage-processes", "1", "--json"],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output.strip().splitlines()[-1])
    assert figures.keys() >= KEYS
    assert figures["viewers"] == 4 and figures["errors"] == 0
    assert 0 < figures["ingest_cpu_percent"] < 200
    assert figures["playlist_fetch_p95_ms"] > 0 and figures["segment_fetch_p95_ms"] > 0
    assert figures["segments_listed"] >= 2 and figures["live_latency_p95_ms"] > 0
