"""`yunpin eval match` and `yunpin bench match` through the app's command group."""

from __future__ import annotations

import json

from app.cli import main


def test_eval_match_runs_on_a_tiny_set(runner, tmp_path):
    jobs = tmp_path / "jobs.jsonl"
    jobs.write_text(
        "\n".join(
            json.dumps(j, ensure_ascii=False)
            for j in [
                {
                    "id": "J1",
                    "title": "Java开发工程师",
                    "skills": ["Java", "Spring"],
                    "region_code": "420102",
                },
                {"id": "J2", "title": "厨师", "skills": ["烹饪"], "region_code": "420102"},
            ]
        ),
        "utf-8",
    )
    candidates = tmp_path / "candidates.jsonl"
    candidates.write_text(
        "\n".join(
            json.dumps(c, ensure_ascii=False)
            for c in [
                {
                    "id": "C1",
                    "headline": "Java developer",
                    "skills": ["Java", "Spring"],
                    "region_code": "420102",
                },
                {"id": "C2", "headline": "厨师", "skills": ["烹饪"], "region_code": "420102"},
            ]
        ),
        "utf-8",
    )
    qrels = tmp_path / "qrels.tsv"
    qrels.write_text("J1 0 C1 3\nJ1 0 C2 0\nJ2 0 C2 3\nJ2 0 C1 0\n", "utf-8")
    result = runner.invoke(
        main,
        [
            "eval",
            "match",
            "--jobs",
            str(jobs),
            "--candidates",
            str(candidates),
            "--qrels",
            str(qrels),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert {"scorer", "bm25", "random", "bm25-bigram", "fusion"} <= set(out)
    assert out["scorer"]["mrr"] == 1.0


def test_bench_match_prints_its_figures_as_json(runner):
    result = runner.invoke(
        main, ["bench", "match", "--candidates", "300", "--jobs", "300", "--queries", "3", "--json"]
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert {
        "index_build_s",
        "job2cand_top50_p95_ms",
        "cand2job_top20_p95_ms",
        "pairs_scored_per_s",
        "rss_mb",
    } <= set(out)


def test_bench_chat_refuses_an_odd_number_of_clients(runner):
    """Clients come in pairs; an odd count used to be measured as one client fewer."""
    result = runner.invoke(main, ["bench", "chat", "--clients", "3"])
    assert result.exit_code == 2 and "even number" in result.output
