"""Matching's background jobs: embed changed jobs and résumés, recompute recommendations.

`refresh_job`/`refresh_resume` are enqueued by app.changes after a commit that touched the
object. Embedding happens here, never on a page. `refresh_recommendations` stores a list a
page asked for; `sweep` recomputes stale and old lists of active candidates and schedules
the next sweep with `enqueue_in` (the RQ scheduler, started by `yunpin run`, releases it
when due).
"""

from __future__ import annotations

from app.extensions import db
from app.models import EmbeddedKind, Job, Resume, User
from app.ranking import embeddings, recommendations
from app.worker import task


@task
def refresh_job(job_id: int) -> str:
    job = db.session.get(Job, job_id)
    if job is None:
        return _forget(EmbeddedKind.JOB, job_id)
    embedded = embeddings.enabled() and embeddings.refresh(job)
    if job.is_public or embedded:
        recommendations.mark_all_stale()
    db.session.commit()
    recommendations.ensure_sweep()
    return "embedded" if embedded else "unchanged"


@task
def refresh_resume(resume_id: int) -> str:
    resume = db.session.get(Resume, resume_id)
    if resume is None:
        return _forget(EmbeddedKind.RESUME, resume_id)
    embedded = embeddings.enabled() and embeddings.refresh(resume)
    db.session.commit()  # the vectors are kept even if recomputing the list fails
    if resume.is_default:
        recommendations.compute(db.session.get(User, resume.user_id))
        db.session.commit()
    recommendations.ensure_sweep()
    return "embedded" if embedded else "unchanged"


def _forget(kind: EmbeddedKind, object_id: int) -> str:
    """The object is gone: so are its vectors."""
    embeddings.forget(kind, object_id)
    db.session.commit()
    return "forgotten"


@task
def refresh_recommendations(user_id: int) -> int:
    user = db.session.get(User, user_id)
    if user is None:
        return 0
    row = recommendations.compute(user)
    db.session.commit()
    return len(row.items)


@task
def sweep() -> int:
    """Recompute due lists (a batch per run); returns how many."""
    recommendations.clear_sweep_key()
    try:
        users = recommendations.sweep_users()
        for user in users:
            recommendations.compute(user)
            db.session.commit()
        return len(users)
    finally:
        recommendations.ensure_sweep()
