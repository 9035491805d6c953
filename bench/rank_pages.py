"""What ranking costs one page: `python -m bench.rank_pages [--code CHECKOUT]`.

An employer's applicant page ranks a job's whole pool (`rank_candidates(..., limit=None)`) and a
seeker's recommendations rank a pool of jobs (`rank_jobs`). This times both over N profiles
whose 512-d title and text vectors are stored (random unit vectors, so the products with the
occupation vocabularies do real work and no text is embedded):

* cold: a pool this process has not seen (new titles, new vectors), so the per-process title
  caches of `matching.encode` miss, as for the first page of a new pool;
* warm: the same pool again (the page reloaded), so they hit.

It prints the median milliseconds as JSON. It uses only `matching`'s public API, so `--code`
can time another checkout's scorer (e.g. a worktree of the base commit) in the same way;
alternate the two in one run, under the benchmark lock:

    flock /tmp/yunpin-bench.lock sh -c 'for r in 1 2 3; do for v in /tmp/wt-head $PWD; do
      python -m bench.rank_pages --code $v --seed $r; done; done'

Not a `yunpin bench` subcommand: the app imports `matching` before a subcommand runs, so
`--code` could not take effect there.
"""

from __future__ import annotations

import dataclasses
import importlib
import json
import os
import sys
import time
from datetime import datetime

import click
import numpy as np

TITLES = [
    "Java开发工程师",
    "护士",
    "会计",
    "叉车工",
    "电工",
    "厨师",
    "销售经理",
    "前端开发",
    "仓库管理员",
    "司机",
]
WARM_REPEATS = 4
"""Warm calls after each cold one: the same pool ranked again."""


class Pools:
    """Fresh pools of profiles: every pool has titles and vectors no earlier pool had."""

    def __init__(self, matching, seed: int):
        self.m = matching
        self.rng = np.random.default_rng(seed)
        self.made = 0

    def _units(self, n: int) -> np.ndarray:
        v = self.rng.standard_normal((n, 512)).astype(np.float32)
        return v / np.linalg.norm(v, axis=1, keepdims=True)

    def _titles(self, n: int) -> list[str]:
        self.made += 1
        return [f"{TITLES[i % len(TITLES)]} {self.made}-{i}" for i in range(n)]

    def candidates(self, n: int) -> list:
        tv, xv, titles = self._units(n), self._units(n), self._titles(n)
        return [
            self.m.CandidateProfile(
                str(i),
                headline=titles[i],
                skills=["Java"],
                region_code="440305",
                expected_salary=9000,
                text_vector=xv[i],
                title_vector=tv[i],
            )
            for i in range(n)
        ]

    def jobs(self, n: int) -> list:
        tv, xv, titles = self._units(n), self._units(n), self._titles(n)
        return [
            self.m.JobProfile(
                str(i),
                title=titles[i],
                skills=["Java"],
                region_code="440305",
                salary_min=8000,
                salary_max=12000,
                text_vector=xv[i],
                title_vector=tv[i],
            )
            for i in range(n)
        ]


def _collections(matching, seed: int, size: int) -> dict:
    """Both sides' collections (SIZE profiles each), as the app passes them, for a checkout
    whose scorer reads them (from 2026-12-02); none for an older one."""
    if "job_collection" not in {f.name for f in dataclasses.fields(matching.MatchContext)}:
        return {}
    Collection = importlib.import_module("matching.collection").Collection
    rng = np.random.default_rng(seed + 1)
    units = rng.standard_normal((4, size, 512)).astype(np.float32)
    units /= np.linalg.norm(units, axis=2, keepdims=True)
    return {
        "job_collection": Collection.of("job", units[0], units[1]),
        "candidate_collection": Collection.of("candidate", units[2], units[3]),
    }


def _median_ms(times: list[float]) -> float:
    return round(1000 * float(np.median(times)), 1)


@click.command()
@click.option("--n", default=300, show_default=True, help="profiles per page")
@click.option("--pages", default=5, show_default=True, help="cold pages, each then ranked 4x warm")
@click.option("--seed", default=0, show_default=True)
@click.option(
    "--collection",
    default=5000,
    show_default=True,
    help="profiles in each side's collection (the app keeps the newest 5,000)",
)
@click.option(
    "--code",
    type=click.Path(exists=True, file_okay=False),
    help="checkout whose matching package to time (default: the one on the path)",
)
def main(n, pages, seed, collection, code):
    if code:
        sys.path.insert(0, os.path.abspath(code))
    matching = importlib.import_module("matching")
    pools = Pools(matching, seed)
    ctx = matching.MatchContext(
        now=datetime(2026, 12, 1), **_collections(matching, seed, collection)
    )
    job, cand = pools.jobs(1)[0], pools.candidates(1)[0]
    # load both directions' models and the vocabularies before timing
    matching.rank_candidates(job, pools.candidates(50), ctx)
    matching.rank_jobs(cand, pools.jobs(50), ctx)
    out = {"matching": os.path.dirname(matching.__file__), "n": n}
    for name, rank, make, query in (
        ("job2cand", matching.rank_candidates, pools.candidates, job),
        ("cand2job", matching.rank_jobs, pools.jobs, cand),
    ):
        cold, warm = [], []
        for _ in range(pages):
            pool = make(n)
            for times in [cold] + [warm] * WARM_REPEATS:
                t = time.perf_counter()
                rank(query, pool, ctx, limit=None)
                times.append(time.perf_counter() - t)
        out[f"{name}_cold_ms"] = _median_ms(cold)
        out[f"{name}_warm_ms"] = _median_ms(warm)
    click.echo(json.dumps(out))


if __name__ == "__main__":
    main()
