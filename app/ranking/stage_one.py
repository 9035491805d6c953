"""Stage 1 for large regions: `matching.Retriever` (ANN + postings) instead of the SQL prefilter.

The SQL prefilter (`service.job_pool`, `service.people_pool`) takes the newest few hundred
items near the other side. Where a region has more published jobs than
`MATCHING_RETRIEVER_ABOVE` (default 100,000), "newest few hundred" is a thin slice of what
would match, so stage 1 asks a Retriever over every public item for the best few hundred by
the scorer itself; stage 2 then scores them exactly as before.

The retrievers live in the process and are rebuilt when the set of public items changes
(count or latest update): fine for a worker that refreshes recommendation lists; a deployment
at that size should build them in a worker and `Retriever.save`/`load` them (not done yet).
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy import func, select

from app.extensions import db
from app.models import Job, Resume
from matching.retrieval import Retriever

RETRIEVER_ABOVE = 100_000
POOL = 500
"""Items stage 1 hands to stage 2 (the SQL prefilter's 300 near + 200 by skill)."""

_cache: dict[tuple[str, str], tuple[tuple, Retriever]] = {}
"""(database, kind) -> (signature of the items it was built from, retriever)."""


def threshold() -> int:
    return int(current_app.config.get("MATCHING_RETRIEVER_ABOVE", RETRIEVER_ABOVE))


def published_jobs(region_prefix: str | None) -> int:
    q = select(func.count(Job.id)).where(Job.is_public)
    if region_prefix:
        q = q.where(Job.region_code.startswith(region_prefix))
    return db.session.scalar(q) or 0


def large_region(region_code: str | None) -> bool:
    """More published jobs in the province of REGION_CODE (everywhere: None) than the threshold."""
    return published_jobs(region_code[:2] if region_code else None) > threshold()


def _retriever(kind: str) -> Retriever:
    from .service import candidate_profiles, context, job_profiles

    model, where = (Job, Job.is_public) if kind == "job" else (Resume, Resume.is_default.is_(True))
    signature = tuple(
        db.session.execute(
            select(func.count(model.id), func.max(model.updated_at)).where(where)
        ).one()
    )
    key = (str(db.engine.url), kind)
    cached = _cache.get(key)
    if cached and cached[0] == signature:
        return cached[1]
    retriever = Retriever(kind)
    items = list(db.session.scalars(select(model).where(where)))
    if items:
        ctx = context()
        profiles = (
            job_profiles(items)
            if kind == "job"
            else candidate_profiles(items, [r.id for r in items])
        )
        against = ctx.candidate_collection if kind == "job" else ctx.job_collection
        retriever.add(profiles, use_embeddings=ctx.use_embeddings, against=against)
    _cache[key] = (signature, retriever)
    return retriever


def best_job_ids(resume: Resume) -> list[int]:
    """Ids of the POOL public jobs that score best for RESUME, best first."""
    from .service import candidate_profiles, context

    profile = candidate_profiles([resume], [resume.user_id])[0]
    return [i for i, _ in _retriever("job").search(profile, k=POOL, ctx=context())]


def best_resume_ids(job: Job) -> list[int]:
    """Ids of the POOL default résumés that score best for JOB, best first."""
    from .service import context, job_profiles

    return [
        i for i, _ in _retriever("candidate").search(job_profiles([job])[0], k=POOL, ctx=context())
    ]
