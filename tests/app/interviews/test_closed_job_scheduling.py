"""No interview is arranged on a job whose hiring ended: the review page offers none, the
scheduling page and its form answer 409 saying why, and an employer proposing while a
colleague closes the job either lands first (and is cancelled by the close) or is refused.
A job closed by its apply-by date is still being decided: interviews go on."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from app.extensions import db
from app.jobs import service as jobs
from app.models import Application, Interview, InterviewStatus, Job, Role, Stage, User
from tests import factories
from tests.concurrency import at_once, refusals
from tests.web import as_user, post_form

from .helpers import local_slot, propose, world

EN = {"Accept-Language": "en"}
REFUSAL = "This job is closed, so no interview can be arranged for it."


def close(client, w) -> None:
    as_user(client, w["owner"])
    response = post_form(
        client,
        f"/employers/mine/jobs/{w['job'].id}/close",
        {"confirmed": "1"},
        token_from="/employers/mine",
    )
    assert response.status_code == 302


def test_a_closed_job_offers_no_interview_and_refuses_one(app, client):
    w = world()
    application = w["application"]
    review = f"/applications/review/{application.id}"
    schedule = f"/video/applications/{application.id}/schedule"
    as_user(client, w["owner"])
    assert schedule in client.get(review, headers=EN).get_data(as_text=True)
    close(client, w)

    shown = client.get(review, headers=EN).get_data(as_text=True)
    assert schedule not in shown and REFUSAL in shown
    page = client.get(schedule, headers=EN)
    assert page.status_code == 409
    assert REFUSAL in page.get_data(as_text=True)
    assert 'name="slot"' not in page.get_data(as_text=True)  # no form to fill in vain
    posted = post_form(
        client,
        schedule,
        {"slot": [local_slot(48)], "timezone": "Asia/Shanghai", "duration": "30"},
        token_from=review,  # the refused page has no form, so no token of its own
        headers=EN,
    )
    assert posted.status_code == 409 and REFUSAL in posted.get_data(as_text=True)
    assert db.session.scalars(select(Interview)).all() == []


def test_a_job_past_its_apply_by_date_still_interviews(app, client):
    w = world()
    w["job"].deadline = date(2026, 1, 1)
    db.session.commit()
    assert jobs.close_expired() == 1
    db.session.commit()
    as_user(client, w["owner"])
    review = client.get(f"/applications/review/{w['application'].id}", headers=EN)
    assert f"/video/applications/{w['application'].id}/schedule" in review.get_data(as_text=True)
    assert propose(client, w["application"].id, [local_slot(48)]).status_code == 303
    assert db.session.scalars(select(Interview)).one().status == InterviewStatus.PROPOSED


ROUNDS = 4
EMPLOYERS = 3


def closed_while_proposing(app) -> tuple[list, int]:
    """One round: the owner closes a fresh job while its members propose interviews to
    EMPLOYERS of its candidates at once. Returns the outcomes (the close's first) and the
    job's id."""
    from app.interviews import service as interviews
    from app.jobs import closing

    owner = factories.user(Role.EMPLOYER)
    job = factories.job(factories.employer(owner))
    applications = []
    for _ in range(EMPLOYERS):
        candidate = factories.user(Role.SEEKER)
        factories.resume(candidate)
        applications.append(factories.application(candidate, job, stage=Stage.SCREENING))
    db.session.commit()
    job_id, owner_id = job.id, owner.id
    application_ids = [a.id for a in applications]

    def step(n: int):
        owner = db.session.get(User, owner_id)
        if n == 0:
            return closing.close(db.session.get(Job, job_id), owner)
        return interviews.propose(
            db.session.get(Application, application_ids[n - 1]),
            owner,
            [datetime.fromisoformat(local_slot(48))],
            "Asia/Shanghai",
            30,
        )

    return at_once(app, EMPLOYERS + 1, step), job_id


def test_proposing_while_the_job_closes_is_cancelled_or_refused_never_left_standing(app):
    """A proposal that committed before the close is cancelled by it; none is proposed on a
    job whose close committed first."""
    for _round in range(ROUNDS):
        outcomes, job_id = closed_while_proposing(app)
        closed, proposed = outcomes[0], outcomes[1:]
        assert not isinstance(closed, Exception), closed
        refused = refusals(proposed)
        landed = [o for o in proposed if isinstance(o, Interview)]
        assert len(landed) + refused == EMPLOYERS
        db.session.expire_all()
        stored = db.session.scalars(
            select(Interview).join(Application).where(Application.job_id == job_id)
        ).all()
        assert len(stored) == len(landed)  # no refused proposal left a row
        # Every proposal that landed came before the close, which cancelled it.
        assert all(i.status == InterviewStatus.CANCELLED for i in stored)
        assert len(closed.interviews) == len(landed)
