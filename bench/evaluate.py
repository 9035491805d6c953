"""`yunpin eval match` (also ``python -m bench.evaluate``): offline ranking quality of the
scorer (learned model; `scorer-hand`: hand weights) against BM25 over the full texts, the
title baselines of `bench.baselines` (`bm25-bigram`, `bm25-title`, `embeddings`, `fusion`)
and random.

Input formats (documented in docs/matching.md): jobs and candidates as JSON lines, qrels as
TREC `query_id 0 doc_id relevance` (0-30). The query side is the job for job2cand and the
candidate for cand2job; every document in the other file is ranked for every judged query.
Malformed input is reported as `file:line: problem` with a non-zero exit, no traceback.
"""

from __future__ import annotations

import json
import math
import random
import sys
import time
from typing import TextIO

import click
import numpy as np

from matching import defaults
from matching.bm25 import BM25
from matching.collection import Collection
from matching.encode import encode_candidates, encode_jobs, read_against
from matching.profiles import CandidateProfile, JobProfile, MatchContext
from matching.scorer import score_arrays
from matching.text import tokenize

from .baselines import baseline_matrices
from .metrics import evaluate_run

DEPTH = 1000
"""Ranked list depth per query (MAP and recall are computed over it)."""
MAX_GRADE = 30
"""The highest relevance grade read: gains are 2^grade - 1, and `matching.learn` trains on
grades up to this one."""

_JOB_FIELDS = {
    "title": str,
    "description": str,
    "skills": list,
    "region_code": (str, int),
    "salary_min": (int, float),
    "salary_max": (int, float),
    "occupation_code": (str, int),
    "min_experience_years": (int, float),
    "education_level": (str, int),
    "remote": bool,
    "region_path": list,
}
_CAND_FIELDS = {
    "headline": str,
    "summary": str,
    "skills": list,
    "experience": list,
    "region_code": (str, int),
    "expected_salary": (int, float),
    "education_level": (str, int),
    "willing_to_relocate": bool,
    "region_path": list,
    "occupation_code": (str, int),
}


def _open(path: str) -> TextIO:
    """The input file, or a usage error naming it (no traceback)."""
    try:
        # utf-8-sig: files saved by Windows tools start with a byte-order mark
        return open(path, encoding="utf-8-sig")  # noqa: SIM115 - the caller closes it
    except OSError as e:
        raise click.UsageError(f"{path}: cannot open ({e.strerror})") from None


def _load_profiles(path: str, kind: str) -> list:
    spec, cls = (_JOB_FIELDS, JobProfile) if kind == "job" else (_CAND_FIELDS, CandidateProfile)
    out, seen = [], set()
    with _open(path) as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            where = f"{path}:{n}"
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as e:
                raise click.UsageError(f"{where}: not valid JSON ({e.msg})") from None
            if not isinstance(obj, dict):
                raise click.UsageError(f"{where}: expected a JSON object")
            if obj.get("id") in (None, ""):
                raise click.UsageError(f'{where}: missing "id"')
            kwargs = {"id": str(obj["id"])}
            for k, typ in spec.items():
                v = obj.get(k)
                if v is None:
                    continue
                if not isinstance(v, typ) or (isinstance(v, bool) and typ is not bool):
                    raise click.UsageError(
                        f'{where}: field "{k}" has the wrong type ({type(v).__name__})'
                    )
                if k == "experience" and not all(isinstance(e, dict) for e in v):
                    raise click.UsageError(f'{where}: "experience" must be a list of objects')
                if k == "skills" and not all(isinstance(s, str) for s in v):
                    raise click.UsageError(f'{where}: "skills" must be a list of strings')
                kwargs[k] = str(v) if k in ("region_code", "occupation_code") else v
            if kwargs["id"] in seen:
                raise click.UsageError(f"{where}: duplicate id {kwargs['id']!r}")
            seen.add(kwargs["id"])
            out.append(cls(**kwargs))
    return out


def _load_qrels(path: str) -> dict[str, dict[str, int]]:
    """TREC qrels (`query_id iteration doc_id relevance`, or without the iteration column).
    A negative grade is TREC's "judged not relevant" and counts as 0."""
    qrels: dict[str, dict[str, int]] = {}
    with _open(path) as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip() or line.startswith("#"):
                continue
            parts = line.split()
            if len(parts) not in (3, 4):
                raise click.UsageError(
                    f"{path}:{n}: expected 'query_id 0 doc_id relevance', got {len(parts)} fields"
                )
            q, d, rel = parts[0], parts[-2], parts[-1]
            try:
                grade = float(rel)
            except ValueError:
                grade = math.nan
            if not grade.is_integer():
                raise click.UsageError(f"{path}:{n}: relevance {rel!r} is not an integer")
            if grade > MAX_GRADE:
                raise click.UsageError(f"{path}:{n}: relevance {rel} above {MAX_GRADE}")
            qrels.setdefault(q, {})[d] = max(int(grade), 0)
    return qrels


def _job_text(j: JobProfile) -> str:
    return j.full_text()


def _cand_text(c: CandidateProfile) -> str:
    return c.full_text()


def encode_sets(queries: list, docs: list, qrels: dict, direction: str, now=None) -> tuple:
    """(judged queries, their columns, the documents' columns). Every profile of both files
    is read against the other file's collection (`matching.collection`): the files are the
    marketplace being ranked, as the published jobs and résumés are in the app."""
    jobs, cands = (queries, docs) if direction == "job2cand" else (docs, queries)
    J, C = encode_jobs(jobs, now), encode_candidates(cands, now)
    read_against(J, Collection.of("candidate", C.title_vec, C.text_vec))
    read_against(C, Collection.of("job", J.title_vec, J.text_vec))
    position = {q.id: i for i, q in enumerate(queries)}
    picked = [position[q] for q in qrels if q in position]
    Q, D = (J, C) if direction == "job2cand" else (C, J)
    return [queries[i] for i in picked], Q.take(picked), D


def run_systems(
    queries: list,
    docs: list,
    qrels: dict,
    direction: str,
    ctx: MatchContext,
    ablate: tuple[str, ...] = (),
    seed: int = 0,
) -> dict[str, dict]:
    """Rank `docs` for each judged query with every system; return metrics per system."""
    judged, Q, D = encode_sets(queries, docs, qrels, direction, ctx.now)
    doc_ids = [d.id for d in docs]
    runs: dict[str, dict[str, list]] = {}

    # scorer (exhaustive exact scoring: measures the ranking function, not the retriever)
    variants = {"scorer": ctx.weights, "scorer-hand": defaults.WEIGHTS}
    for f in ablate:
        w = dict(defaults.WEIGHTS)
        w[f] = 0.0
        variants[f"scorer-{f}"] = w
    for name, w in variants.items():
        vctx = MatchContext(cooperation=ctx.cooperation, now=ctx.now, weights=w)
        run = {}
        for i, q in enumerate(judged):
            row = Q.take([i])
            s = (
                score_arrays(row, D, vctx, direction)
                if direction == "job2cand"
                else score_arrays(D, row, vctx, direction)
            )
            top = np.argsort(-s, kind="stable")[:DEPTH]
            run[q.id] = [doc_ids[t] for t in top]
        runs[name] = run

    # BM25 over the same analyzed tokens
    dtext = _cand_text if direction == "job2cand" else _job_text
    qtext = _job_text if direction == "job2cand" else _cand_text
    bm = BM25([tokenize(dtext(d)) for d in docs])
    run = {}
    for q in judged:
        sc = bm.scores(tokenize(qtext(q)))
        top = sorted(sc, key=lambda i: (-sc[i], i))[:DEPTH]
        run[q.id] = [doc_ids[i] for i in top]
    runs["bm25"] = run

    for name, m in baseline_matrices(judged, docs, Q, D).items():
        top = np.argsort(-m, axis=1, kind="stable")[:, :DEPTH]
        runs[name] = {q.id: [doc_ids[t] for t in top[i]] for i, q in enumerate(judged)}

    rng = random.Random(seed)
    runs["random"] = {q.id: rng.sample(doc_ids, min(DEPTH, len(doc_ids))) for q in judged}
    return {
        name: evaluate_run(run, {q.id: qrels[q.id] for q in judged}) for name, run in runs.items()
    }


def _input_file(flag: str, name: str, help: str):
    return click.option(flag, name, required=True, type=click.Path(dir_okay=False), help=help)


@click.command("match")
@_input_file("--jobs", "jobs_path", "jobs.jsonl")
@_input_file("--candidates", "cands_path", "candidates.jsonl")
@_input_file("--qrels", "qrels_path", "TREC qrels: query [0] doc grade")
@click.option(
    "--direction",
    type=click.Choice(["job2cand", "cand2job"]),
    default="job2cand",
    show_default=True,
)
@click.option(
    "--ablate",
    multiple=True,
    type=click.Choice(list(defaults.WEIGHTS)),
    help="Also report the scorer with this feature's weight set to 0 (repeatable).",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON keyed by system name.")
def eval_command(jobs_path, cands_path, qrels_path, direction, ablate, as_json):
    """Evaluate matching quality (nDCG@10, MAP, recall@50, MRR) of the scorer and the baselines."""
    t0 = time.time()
    jobs = _load_profiles(jobs_path, "job")
    cands = _load_profiles(cands_path, "candidate")
    qrels = _load_qrels(qrels_path)
    queries, docs = (jobs, cands) if direction == "job2cand" else (cands, jobs)
    qids = {q.id for q in queries}
    dids = {d.id for d in docs}
    unknown_q = [q for q in qrels if q not in qids]
    unknown_d = sum(1 for r in qrels.values() for d in r if d not in dids)
    if unknown_q or unknown_d:
        click.echo(
            f"warning: {len(unknown_q)} qrels queries and {unknown_d} judged documents are not in the "
            f"{direction} input and are ignored",
            err=True,
        )
    if not docs or not any(q in qids for q in qrels):
        raise click.UsageError(
            "nothing to evaluate: no judged query is in the query file, or no documents"
        )
    results = run_systems(queries, docs, qrels, direction, MatchContext(), ablate=ablate)
    if as_json:
        click.echo(json.dumps(results, ensure_ascii=False))
        return
    click.echo(
        f"{direction}: {len(docs)} documents, {len(qrels)} judged queries ({time.time() - t0:.1f} s)"
    )
    click.echo(f"{'system':<22}{'ndcg@10':>9}{'map':>9}{'recall@50':>11}{'mrr':>9}")
    for name, m in results.items():
        click.echo(
            f"{name:<22}{m['ndcg@10']:>9.4f}{m['map']:>9.4f}{m['recall@50']:>11.4f}{m['mrr']:>9.4f}"
        )


def main():  # python -m bench.evaluate
    eval_command(prog_name=f"{sys.executable} -m bench.evaluate")


if __name__ == "__main__":
    main()
