"""`yunpin eval search`: the agreed keys, figures that follow from a tiny judged set, and
malformed input reported as file:line."""

from __future__ import annotations

import json

from click.testing import CliRunner

from bench.evaluate_search import eval_search_command


def write(path, lines):
    path.write_text("".join(lines), encoding="utf-8")
    return str(path)


def test_eval_search_json(tmp_path):
    docs = write(
        tmp_path / "docs.jsonl",
        [
            json.dumps({"id": d, "title": t}, ensure_ascii=False) + "\n"
            for d, t in (("a", "软件测试工程师"), ("b", "会计"), ("c", "厨师"))
        ],
    )
    queries = write(
        tmp_path / "q.jsonl",
        ['{"id": "q1", "text": "软件工程师"}\n', '{"id": "q2", "text": "司机"}\n'],
    )
    qrels = write(tmp_path / "qrels.tsv", ["q1\t0\ta\t1\n", "q2\t0\tc\t1\n"])
    result = CliRunner().invoke(
        eval_search_command,
        ["--docs", docs, "--queries", queries, "--qrels", qrels, "--backend", "sqlite", "--json"],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    # q1 finds its one relevant title; q2 (a 厨师 judged relevant to 司机) finds nothing.
    assert data == {
        "backend": "sqlite",
        "queries": 2,
        "macro_recall": 0.5,
        "ndcg@10": 0.5,
        "zero_result_rate": 0.5,
    }


def test_eval_search_reports_the_bad_line(tmp_path):
    docs = write(tmp_path / "docs.jsonl", ['{"id": "a", "title": "会计"}\n', "{oops\n"])
    queries = write(tmp_path / "q.jsonl", ['{"id": "q1", "text": "会计"}\n'])
    qrels = write(tmp_path / "qrels.tsv", ["q1 0 a 1\n"])
    result = CliRunner().invoke(
        eval_search_command, ["--docs", docs, "--queries", queries, "--qrels", qrels]
    )
    assert result.exit_code == 2 and "docs.jsonl:2: not valid JSON" in result.output
