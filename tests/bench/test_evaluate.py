import json
import os

from click.testing import CliRunner

from bench.evaluate import eval_command


def invoke(*args):
    return CliRunner().invoke(eval_command, list(args))


def test_eval_json_has_all_systems(evalset):
    d = evalset
    res = invoke(
        "--jobs",
        str(d / "jobs.jsonl"),
        "--candidates",
        str(d / "candidates.jsonl"),
        "--qrels",
        str(d / "qrels.tsv"),
        "--direction",
        "job2cand",
        "--json",
    )
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert set(out) == {
        "scorer",
        "scorer-hand",
        "bm25",
        "bm25-bigram",
        "bm25-title",
        "embeddings",
        "fusion",
        "random",
    }
    for m in out.values():
        assert set(m) >= {"ndcg@10", "map", "recall@50", "mrr"}
    assert out["scorer"]["ndcg@10"] == 1.0 and out["scorer"]["mrr"] == 1.0


def test_eval_cand2job_and_table(evalset):
    d = evalset
    res = invoke(
        "--jobs",
        str(d / "jobs.jsonl"),
        "--candidates",
        str(d / "candidates.jsonl"),
        "--qrels",
        str(d / "qrels_c2j.tsv"),
        "--direction",
        "cand2job",
    )
    assert res.exit_code == 0, res.output
    assert "scorer" in res.output and "bm25" in res.output and "ndcg@10" in res.output


def test_malformed_lines_are_named(evalset):
    d = evalset
    bad = d / "bad.jsonl"
    bad.write_text('{"id": "C1", "headline": "x"}\n{"id": "C2", "skills": "java"}\n', "utf-8")
    res = invoke(
        "--jobs", str(d / "jobs.jsonl"), "--candidates", str(bad), "--qrels", str(d / "qrels.tsv")
    )
    assert res.exit_code != 0
    assert f"{bad}:2" in res.output and "skills" in res.output
    assert "Traceback" not in res.output

    bad.write_text('{"id": "C1"}\n\nnot json\n', "utf-8")
    res = invoke(
        "--jobs", str(d / "jobs.jsonl"), "--candidates", str(bad), "--qrels", str(d / "qrels.tsv")
    )
    assert res.exit_code != 0 and f"{bad}:3" in res.output and "not valid JSON" in res.output

    q = d / "bad_qrels.tsv"
    q.write_text("J1 0 C1 3\nJ2 0 C2\n")
    res = invoke(
        "--jobs",
        str(d / "jobs.jsonl"),
        "--candidates",
        str(d / "candidates.jsonl"),
        "--qrels",
        str(q),
    )
    assert res.exit_code != 0 and f"{q}:2" in res.output
    q.write_text("J1 0 C1 31\n")
    res = invoke(
        "--jobs",
        str(d / "jobs.jsonl"),
        "--candidates",
        str(d / "candidates.jsonl"),
        "--qrels",
        str(q),
    )
    assert res.exit_code != 0 and "above 30" in res.output


def test_files_as_other_tools_write_them(evalset):
    """A byte-order mark, Windows line ends, numeric occupation codes, qrels without the
    iteration column, TREC's negative "not relevant" grade and grades above 3 are read;
    the ranking metrics are those of the plain files."""
    d = evalset

    def run(jobs, qrels):
        res = invoke("--jobs", str(jobs), "--candidates", str(d / "candidates.jsonl"),
                     "--qrels", str(qrels), "--json")  # fmt: skip
        assert res.exit_code == 0, res.output
        return json.loads(res.stdout)

    plain = run(d / "jobs.jsonl", d / "qrels.tsv")
    lines = (d / "jobs.jsonl").read_text("utf-8").splitlines()
    job = json.loads(lines[1])
    lines[1] = json.dumps({**job, "occupation_code": 20301}, ensure_ascii=False)
    windows = d / "windows.jsonl"
    windows.write_bytes("\ufeff".encode() + "\r\n".join(lines).encode() + b"\r\n")
    short = d / "short.tsv"
    short.write_text("J1\tC1\t3\r\nJ2\tC2\t3\r\nJ3\tC3\t2\r\nJ3\tC4\t-1\r\n", "utf-8")
    assert run(windows, short)["bm25"] == plain["bm25"]
    graded = d / "graded.tsv"
    graded.write_text("J1 0 C1 4\nJ2 0 C2 4\nJ3 0 C3 2\n")
    assert run(d / "jobs.jsonl", graded)["scorer"]["ndcg@10"] > 0


def test_module_entry_point(evalset):
    import subprocess
    import sys

    import bench

    root = os.path.dirname(os.path.dirname(os.path.abspath(bench.__file__)))
    d = evalset
    p = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.evaluate",
            "--jobs",
            str(d / "jobs.jsonl"),
            "--candidates",
            str(d / "missing.jsonl"),
            "--qrels",
            str(d / "qrels.tsv"),
        ],
        capture_output=True,
        text=True,
        cwd=root,
    )
    assert p.returncode == 2 and "missing.jsonl" in p.stderr and "Traceback" not in p.stderr
