"""An employer closing a job while candidates apply to it, on both databases: every apply
either lands before the close, whose candidates are told, or is refused; none is accepted
after the close without being told, and none is lost."""

from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db
from app.models import Application, Job, JobStatus, Notification, Role, User
from tests import factories
from tests.concurrency import at_once, refusals

APPLICANTS = 11
ROUNDS = 4


def closed_with_applicants(app) -> tuple[list, list[int], list[int]]:
    """One round: the owner closes a fresh job while APPLICANTS candidates apply to it.
    Returns the outcomes (the close's first), the candidates' ids and the job's id."""
    from app.applications import service as applications
    from app.jobs import closing

    owner = factories.user(Role.EMPLOYER)
    job = factories.job(factories.employer(owner))
    candidates = [factories.user(Role.SEEKER) for _ in range(APPLICANTS)]
    for candidate in candidates:
        factories.resume(candidate)
    db.session.commit()
    job_id, owner_id = job.id, owner.id
    candidate_ids = [candidate.id for candidate in candidates]

    def step(n: int):
        job = db.session.get(Job, job_id)
        if n == 0:
            return closing.close(job, db.session.get(User, owner_id))
        return applications.apply(db.session.get(User, candidate_ids[n - 1]), job)

    return at_once(app, APPLICANTS + 1, step), candidate_ids, job_id


def told_of_the_close(candidate_ids: list[int]) -> set[int]:
    return set(
        db.session.scalars(
            select(Notification.user_id).where(
                Notification.user_id.in_(candidate_ids), Notification.kind == "job_closed"
            )
        )
    )


def test_applying_while_the_employer_closes_is_told_or_refused_never_lost(app):
    for _round in range(ROUNDS):
        outcomes, candidate_ids, job_id = closed_with_applicants(app)
        closed, applied = outcomes[0], outcomes[1:]
        assert not isinstance(closed, Exception), closed
        assert db.session.get(Job, job_id).status == JobStatus.CLOSED

        refused = refusals(applied)
        accepted = {
            candidate_ids[n] for n, outcome in enumerate(applied) if isinstance(outcome, tuple)
        }
        assert len(accepted) + refused == APPLICANTS
        stored = set(
            db.session.scalars(select(Application.candidate_id).where(Application.job_id == job_id))
        )
        assert stored == accepted  # every accepted application is kept, no refused one is
        # Each accepted application came before the close, which counted and told it.
        assert len(closed.applications) == len(accepted)
        assert told_of_the_close(candidate_ids) == accepted
        refused_told = db.session.scalar(
            select(func.count())
            .select_from(Notification)
            .where(Notification.user_id.in_(set(candidate_ids) - accepted))
        )
        assert refused_told == 0
