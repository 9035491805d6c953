import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_rank_pages_times_the_checkout_it_is_given(tmp_path):
    # a separate process: --code must choose the matching package before anything imports it
    res = subprocess.run(
        [sys.executable, "-m", "bench.rank_pages", "--code", ROOT, "--n", "20", "--pages", "1"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": ROOT},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    assert out["matching"] == os.path.join(ROOT, "matching")
    for name in ("job2cand_cold_ms", "job2cand_warm_ms", "cand2job_cold_ms", "cand2job_warm_ms"):
        assert out[name] > 0, name
