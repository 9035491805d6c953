"""Matching's background jobs: embed changed jobs and résumés, recompute recommendations.

`refresh_job`/`refresh_resume` are enqueued by app.changes after a commit that touched the
object. Embedding happens here, never on a page. `sweep` recomputes stale and old lists of
active candidates and schedules the next sweep with `enqueue_in` (the RQ scheduler, started
by `yunpin run`, releases it when due).
"""

from __future__ import annotations

from app.extensions import db
from app.models import EmbeddedKind, Job, JobStatus, Resume, User
from app.worker import task


@task
def refresh_job(job_id: int) -> str:
    from app.ranking import embeddings
    from app.ranking import recommendations as service

    job = db.session.get(Job, job_id)
    if job is None:
        embeddings.forget(EmbeddedKind.JOB, job_id)
        db.session.commit()
        return "forgotten"
    embedded = embeddings.enabled() and embeddings.refresh(job)
    if job.status == JobStatus.PUBLISHED or embedded:
        service.mark_all_stale()
    db.session.commit()
    service.ensure_sweep()
    return "embedded" if embedded else "unchanged"


@task
def refresh_resume(resume_id: int) -> str:
    from app.ranking import embeddings
    from app.ranking import recommendations as service

    resume = db.session.get(Resume, resume_id)
    if resume is None:
        embeddings.forget(EmbeddedKind.RESUME, resume_id)
        db.session.commit()
        return "forgotten"
    embedded = embeddings.enabled() and embeddings.refresh(resume)
    db.session.commit()  # the vectors are kept even if recomputing the list fails
    if resume.is_default:
        service.compute(db.session.get(User, resume.user_id))
        db.session.commit()
    service.ensure_sweep()
    return "embedded" if embedded else "unchanged"


@task
def refresh_recommendations(user_id: int) -> int:
    from app.ranking import recommendations as service

    user = db.session.get(User, user_id)
    if user is None:
        return 0
    row = service.compute(user)
    db.session.commit()
    return len(row.items)


@task
def sweep() -> int:
    """Recompute due lists (a batch per run); returns how many."""
    from app.ranking import recommendations as service

    service.clear_sweep_key()
    try:
        users = service.sweep_users()
        for user in users:
            service.compute(user)
            db.session.commit()
        return len(users)
    finally:
        service.ensure_sweep()
