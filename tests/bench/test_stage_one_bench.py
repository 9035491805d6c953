"""`yunpin bench stage-one` at a tiny size: it builds, loads and syncs the job retriever."""

from __future__ import annotations

import json

from click.testing import CliRunner

from bench.stage_one import stage_one_command


def test_bench_stage_one_follows_the_burst_of_changes():
    # its own app and SQLite file, as `yunpin bench stage-one` makes them
    result = CliRunner().invoke(
        stage_one_command, ["--employers", "20", "--changes", "3", "--repeat", "2", "--json"]
    )
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output.strip().splitlines()[-1])
    assert figures["database"] == "sqlite"
    # each of the two bursts closed three published jobs, and the retriever let them go
    assert figures["held_after"] == figures["published_jobs"] - 2 * 3
    assert figures["build_and_save_s"] > 0 and figures["load_rss_mb"] >= 0
    assert len(figures["sync_unchanged_all_s"]) == len(figures["sync_after_changes_all_s"]) == 2
