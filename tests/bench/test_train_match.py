import json
import shutil

from click.testing import CliRunner

from bench.train_match import train_sets_command
from matching import learn


def test_match_sets_trains_one_model_per_direction_without_reading_test(evalset, tmp_path):
    for split in ("train", "validation"):  # no PREFIX-test: --no-test must not need it
        d = tmp_path / f"tiny-{split}"
        d.mkdir()
        for name in ("jobs.jsonl", "candidates.jsonl"):
            shutil.copy(evalset / name, d / name)
        # a grade above the sets' 3 (TREC collections grade up to 4) trains too
        qrels = (evalset / "qrels.tsv").read_text().replace("J1 0 C1 3", "J1 0 C1 4")
        (d / "qrels.job2cand.tsv").write_text(qrels)
        shutil.copy(evalset / "qrels_c2j.tsv", d / "qrels.cand2job.tsv")
    out = tmp_path / "models"
    res = CliRunner().invoke(
        train_sets_command, ["--set", str(tmp_path / "tiny"), "--out", str(out), "--no-test"]
    )
    assert res.exit_code == 0, res.output
    report = json.loads(res.output)
    assert {(r["direction"], r["split"]) for r in report["sets"]} == {
        (d, s) for d in learn.DIRECTIONS for s in ("train", "validation")
    }
    for direction in learn.DIRECTIONS:
        booster = learn.load(str(out / f"match_model.{direction}.txt"))
        assert learn.features_of(booster) == learn.READS[direction]
