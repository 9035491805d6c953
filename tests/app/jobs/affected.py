"""People a close affects, for the closing and report-decision tests: candidates at each
stage, a booked interview, and what each was told."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import Interview, InterviewStatus, Job, JobStatus, Notification, Role, Stage
from app.redis_store import get_redis
from tests import factories
from tests.app.interviews.helpers import local_slot, propose
from tests.web import as_user, post_form
from video import rooms


def kinds(user) -> list[str]:
    return db.session.scalars(
        select(Notification.kind).where(Notification.user_id == user.id).order_by(Notification.id)
    ).all()


def booked(client, w) -> Interview:
    """The colleague proposes a time and the candidate picks it: a scheduled interview with
    its video room."""
    as_user(client, w["colleague"])
    assert propose(client, w["application"].id, [local_slot(48)]).status_code == 303
    interview = db.session.scalars(select(Interview)).one()
    as_user(client, w["candidate"])
    response = post_form(
        client,
        f"/video/interviews/{interview.id}/pick",
        {"slot_id": interview.slots[0].id},
        token_from=f"/video/interviews/{interview.id}",
    )
    assert response.status_code == 303
    db.session.expire_all()
    interview = db.session.get(Interview, interview.id)
    assert interview.status == InterviewStatus.SCHEDULED and interview.room_id
    return interview


def more_applicants(job: Job) -> dict[Stage, object]:
    """A candidate in each of: new (told), rejected and withdrawn (not told)."""
    people = {}
    for stage in (Stage.NEW, Stage.REJECTED, Stage.WITHDRAWN):
        person = factories.user(Role.SEEKER)
        factories.resume(person)
        factories.application(person, job, stage=stage)
        people[stage] = person
    db.session.commit()
    return people


def assert_closed_and_told(app, job, interview, candidate, others, before, notice: str) -> None:
    """JOB is closed, its booked INTERVIEW cancelled with its room, the candidates of open
    applications got NOTICE (the interview's candidate after its cancellation) and the
    rejected and withdrawn nothing; BEFORE holds each one's notification count before."""
    db.session.expire_all()
    assert db.session.get(Job, job.id).status == JobStatus.CLOSED
    assert db.session.get(Interview, interview.id).status == InterviewStatus.CANCELLED
    assert get_redis(app).get(rooms.closed_key(interview.room_id)) in ("cancelled", b"cancelled")
    assert kinds(candidate)[before[candidate.id] :] == ["interview_cancelled", notice]
    assert kinds(others[Stage.NEW])[before[others[Stage.NEW].id] :] == [notice]
    for stage in (Stage.REJECTED, Stage.WITHDRAWN):
        assert len(kinds(others[stage])) == before[others[stage].id]
