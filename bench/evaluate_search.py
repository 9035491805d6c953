"""`yunpin eval search` (also ``python -m bench.evaluate_search``): how well a search backend
finds judged jobs for everyday queries.

Input: documents as JSON lines (``id`` plus any job fields; ``title`` at least; the
fields the index requires but a judged set rarely has get neutral values), queries as JSON
lines (``id``, ``text``), qrels as TREC ``query_id 0 doc_id grade`` (tab- or
space-separated; grade 1-3, 0 = not relevant). Each query runs through the backend's
ordinary search (analysis, synonyms, typos, relevance order) and every result page is read
up to :data:`DEPTH` hits.

Output keys: ``queries`` (judged queries with a relevant document), ``macro_recall``
(mean over those queries of the share of relevant documents found), ``ndcg@10``
(graded), ``zero_result_rate`` (share of those queries that found nothing at all),
``backend``, and ``per_query`` {text: {recall, ndcg@10, found, relevant}} with
``--per-query``. The judged set in ``bench/data/search_eval/`` is built by
``tools/evalsets/search.py`` from real job-board titles.
"""

from __future__ import annotations

import json
import sys

import click

from search import SearchBackend, SearchQuery
from search.defaults import MAX_PAGE_SIZE

from .evaluate import _load_qrels, _open
from .metrics import ndcg_at
from .search import open_backend

DEPTH = 2000
"""Hits read per query: more than any judged query has relevant documents."""

DOC_DEFAULTS = {
    "description": "",
    "skills": [],
    "region_code": "110101000000",
    "posted_at": 1_767_225_600,
    "employer_id": 1,
    "status": "published",
}
"""Values for the fields the index needs and a judged title list lacks; the same for
every document, so they never decide a ranking."""


def _load_lines(path: str, what: str) -> list[dict]:
    out = []
    with _open(path) as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as e:
                raise click.UsageError(f"{path}:{n}: not valid JSON ({e.msg})") from None
            if not isinstance(obj, dict) or obj.get("id") in (None, ""):
                raise click.UsageError(f'{path}:{n}: expected a {what} object with an "id"')
            out.append(obj)
    return out


def evaluate(
    backend: str,
    docs: list[dict],
    queries: list[dict],
    qrels: dict[str, dict[str, int]],
    url: str | None = None,
) -> dict:
    """Index ``docs`` into a fresh ``backend``, run ``queries``, score them on ``qrels``."""
    with open_backend(backend, url) as be:
        return {"backend": backend, **score(be, docs, queries, qrels)}


def score(
    be: SearchBackend, docs: list[dict], queries: list[dict], qrels: dict[str, dict[str, int]]
) -> dict:
    """Index ``docs`` into the empty backend ``be``, run ``queries``, score them."""
    internal = {str(d["id"]): n for n, d in enumerate(docs, 1)}
    external = {n: key for key, n in internal.items()}
    be.bulk({**DOC_DEFAULTS, **d, "id": internal[str(d["id"])]} for d in docs)
    per_query, recalls, ndcgs, zero = {}, [], [], 0
    for q in queries:
        rels = qrels.get(str(q["id"]), {})
        relevant = {d for d, g in rels.items() if g > 0}
        if not relevant:
            continue
        ranked = [external[i] for i in _ranked_ids(be, str(q.get("text", "")))]
        recall = len(relevant & set(ranked)) / len(relevant)
        ndcg = ndcg_at(ranked, rels, 10)
        zero += not ranked
        recalls.append(recall)
        ndcgs.append(ndcg)
        per_query[str(q.get("text"))] = {
            "recall": round(recall, 4),
            "ndcg@10": round(ndcg, 4),
            "found": len(ranked),
            "relevant": len(relevant),
        }
    n = len(recalls)
    return {
        "queries": n,
        "macro_recall": round(sum(recalls) / n, 4) if n else 0.0,
        "ndcg@10": round(sum(ndcgs) / n, 4) if n else 0.0,
        "zero_result_rate": round(zero / n, 4) if n else 0.0,
        "per_query": per_query,
    }


def _ranked_ids(be: SearchBackend, text: str) -> list[int]:
    """Every page of the ordinary search for ``text``, up to DEPTH hits."""
    ranked: list[int] = []
    cursor = None
    while len(ranked) < DEPTH:
        result = be.search(
            SearchQuery(text=text, size=MAX_PAGE_SIZE, cursor=cursor, highlight=False)
        )
        ranked += result.ids
        cursor = result.cursor
        if not cursor:
            break
    return ranked


def load_judged_set(docs_path: str, queries_path: str, qrels_path: str):
    """(documents, queries, qrels) from the three files, or a usage error naming the line."""
    return (
        _load_lines(docs_path, "document"),
        _load_lines(queries_path, "query"),
        _load_qrels(qrels_path),
    )


@click.command("search")
@click.option("--docs", "docs_path", required=True, type=click.Path(dir_okay=False))
@click.option("--queries", "queries_path", required=True, type=click.Path(dir_okay=False))
@click.option("--qrels", "qrels_path", required=True, type=click.Path(dir_okay=False))
@click.option(
    "--backend",
    type=click.Choice(["embedded", "sqlite", "opensearch", "elasticsearch"]),
    default="embedded",
    show_default=True,
)
@click.option("--url", default=None, help="Cluster URL (opensearch: default starts a local node).")
@click.option("--set", "subset", default=None, help='Only queries whose "set" is this.')
@click.option("--per-query", is_flag=True, help="Also report each query's figures.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def eval_search_command(
    docs_path, queries_path, qrels_path, backend, url, subset, per_query, as_json
):
    """Evaluate search quality (macro recall, nDCG@10, zero-result rate) on a judged set."""
    docs, queries, qrels = load_judged_set(docs_path, queries_path, qrels_path)
    if subset:
        queries = [q for q in queries if q.get("set") == subset]
    if not docs or not any(str(q["id"]) in qrels for q in queries):
        raise click.UsageError("nothing to evaluate: no judged query, or no documents")
    result = evaluate(backend, docs, queries, qrels, url)
    if not per_query:
        del result["per_query"]
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False))
        return
    click.echo(
        f"{backend}: {result['queries']} queries, macro recall {result['macro_recall']:.4f}, "
        f"nDCG@10 {result['ndcg@10']:.4f}, zero-result rate {result['zero_result_rate']:.4f}"
    )
    for text, m in result.get("per_query", {}).items():
        click.echo(
            f"  {text:<12} recall {m['recall']:.3f}  nDCG@10 {m['ndcg@10']:.3f}  "
            f"{m['found']} found / {m['relevant']} relevant"
        )


def main():  # python -m bench.evaluate_search
    eval_search_command(prog_name=f"{sys.executable} -m bench.evaluate_search")


if __name__ == "__main__":
    main()
