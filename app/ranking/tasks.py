"""Matching's background jobs: embed changed jobs and résumés, recompute recommendations,
build the large regions' retrievers.

Writes mark changed jobs and résumés for the "embeddings" consumer (`app.batching`) and
`flush` embeds a whole batch in one pass through the model. Embedding happens here, never
on a page. `refresh_recommendations` stores a list a
page asked for; `sweep` recomputes stale and old lists of active candidates (every half hour,
app/schedule.py).
"""

from __future__ import annotations

from sqlalchemy import select

from app import batching
from app.extensions import db
from app.models import EmbeddedKind, Job, Resume, User
from app.ranking import embeddings, recommendations, stage_one
from app.worker import task


@task
def flush() -> dict[str, int]:
    """Embed every job and résumé marked since the last flush (one pass through the model),
    forget the vectors of deleted ones, and queue the lists of changed résumés' owners, each
    a job of its own: the demo's first flush has a list for every candidate (most of its
    time), and a résumé saved meanwhile must not wait behind all of them."""
    with batching.take("embeddings") as batch:
        jobs = _rows(Job, batch.ids("job"))
        resumes = _rows(Resume, batch.ids("resume"))
        embedded = embeddings.refresh_many([*jobs, *resumes]) if embeddings.enabled() else 0
        embeddings.forget(EmbeddedKind.JOB, sorted(set(batch.ids("job")) - {j.id for j in jobs}))
        embeddings.forget(
            EmbeddedKind.RESUME, sorted(set(batch.ids("resume")) - {r.id for r in resumes})
        )
        if embedded or any(job.is_public for job in jobs):
            recommendations.mark_all_stale()
        db.session.commit()
        owners = [resume.user_id for resume in resumes if resume.is_default]
        recommendations.enqueue_lists(owners)  # before the batch is acknowledged: none lost
    return {"embedded": embedded, "lists": len(owners)}


def _rows(model: type[Job] | type[Resume], ids: list[int]) -> list:
    return list(db.session.scalars(select(model).where(model.id.in_(ids)))) if ids else []


@task
def refresh_recommendations(user_id: int) -> int:
    user = db.session.get(User, user_id)
    if user is None:
        return 0
    items = recommendations.compute(user).items
    db.session.commit()  # nothing read after it: a new transaction would hold SQLite's lock
    return len(items)


@task
def sweep() -> int:
    """Recompute due lists (a batch per run); returns how many."""
    users = recommendations.sweep_users()
    for user in users:
        recommendations.compute(user)
        db.session.commit()
    return len(users)


@task(writes=False)
def build_retrievers() -> dict[str, str]:
    """A fresh, compact retriever of each side for the processes to start from, where stage 1
    uses them (more published jobs than MATCHING_RETRIEVER_ABOVE); none otherwise."""
    if not stage_one.large_region(None):
        return {}
    return {kind: stage_one.save_build(kind) for kind in ("job", "candidate")}
