"""Officials deciding a fraud report: upholding it and taking the job down warns the
candidates of open applications (pay no fees, hand over no documents), cancels the planned
interviews with that reason and tells the employer's members why; a decision that takes
nothing down tells none of them, and a job the employer closed is not told twice."""

from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db
from app.jobs import closing, reports
from app.models import (
    AuditEntry,
    Job,
    JobReport,
    JobStatus,
    Notification,
    Role,
    User,
)
from tests import factories
from tests.app.interviews.helpers import world
from tests.app.jobs.affected import assert_closed_and_told, booked, kinds, more_applicants
from tests.concurrency import at_once, refusals
from tests.web import as_user, post_form

QUEUE = "/officials/reports"
EN = {"Accept-Language": "en"}


def reported(job: Job, reason: str = "fees") -> JobReport:
    item = JobReport(job_id=job.id, reason=reason, details="要先交500元押金")
    db.session.add(item)
    db.session.commit()
    return item


def notification(user, kind: str) -> Notification:
    return db.session.scalars(
        select(Notification).where(Notification.user_id == user.id, Notification.kind == kind)
    ).one()


def shown(client, user, headers=None) -> str:
    """USER's notifications in their account's language, else their browser's (not the one
    the last user signed out in, which the sign-out keeps for the browser)."""
    as_user(client, user)
    client.delete_cookie("lang", domain=client.application.config["SERVER_NAME"])
    return client.get("/notifications", headers=headers or {}).get_data(as_text=True)


def test_taking_a_job_down_warns_candidates_cancels_interviews_and_tells_the_employer(app, client):
    w = world()
    job, candidate = w["job"], w["candidate"]
    candidate.locale = w["colleague"].locale = "en"  # the owner reads Chinese
    others = more_applicants(job)
    interview = booked(client, w)
    item = reported(job)
    official = factories.user(Role.OFFICIAL, name="区人社局审核员")
    db.session.commit()
    before = {person.id: len(kinds(person)) for person in (candidate, *others.values())}

    as_user(client, official)
    decide = f"/officials/reports/{item.id}/uphold"
    response = post_form(
        client, decide, {"close_job": "y"}, token_from=QUEUE, headers=EN, follow_redirects=True
    )
    assert response.status_code == 200
    assert (
        "Decision recorded. The job is closed. 2 candidates were told. "
        "1 interview was cancelled." in response.get_data(as_text=True)
    )
    # The candidates of open applications are warned; the rejected and withdrawn are not.
    assert_closed_and_told(app, job, interview, candidate, others, before, "job_taken_down")
    warned = notification(candidate, "job_taken_down")
    assert warned.params == {"job": job.title, "employer": job.employer.name}
    assert warned.link == f"/applications/{w['application'].id}"
    # The interview's cancellation keeps its reason as a code and names no official.
    cancelled = notification(candidate, "interview_cancelled")
    assert cancelled.params == {"job": job.title, "reason": "job_taken_down"}

    # Each member hears of the interview and of the decision, with the report's reason as its
    # code: each reads both in their own language.
    for member in (w["owner"], w["colleague"]):
        assert kinds(member)[-2:] == ["interview_cancelled", "posting_taken_down"]
        assert notification(member, "interview_cancelled").params == cancelled.params
        told = notification(member, "posting_taken_down")
        assert told.link == f"/jobs/{job.id}"
        assert told.params == {"job": job.title, "reason": "fees"}
    assert "向求职者收取费用或押金" in shown(client, w["owner"], {"Accept-Language": "zh"})
    by_officials = (
        f"The interview for {job.title} was cancelled by the regional officials: the posting "
        "was removed after their review."
    )
    colleague_reads = shown(client, w["colleague"], EN)
    assert by_officials in colleague_reads
    assert "(Asks candidates for money or deposits)" in colleague_reads
    assert official.name not in colleague_reads
    assert (
        f"Removed after a review by the regional officials: {job.title} at "
        f"{job.employer.name}. Do not pay any fees or hand over your ID or other documents "
        "for it." in shown(client, candidate, EN)
    )
    assert by_officials in shown(client, candidate, EN)
    assert official.name not in shown(client, candidate, EN)
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "job.report_upheld")
    ).one()
    assert entry.data["closed_job"] is True


def test_a_decision_that_takes_nothing_down_tells_no_candidate(client):
    w = world()
    job = w["job"]
    kept, dismissed = reported(job), reported(job, "misleading")
    official = factories.user(Role.OFFICIAL)
    db.session.commit()
    people = (w["candidate"], w["owner"], w["colleague"])
    before = {person.id: kinds(person) for person in people}

    as_user(client, official)
    post_form(client, f"/officials/reports/{kept.id}/uphold", {}, token_from=QUEUE)
    post_form(client, f"/officials/reports/{dismissed.id}/dismiss", {}, token_from=QUEUE)
    db.session.expire_all()
    assert db.session.get(Job, job.id).status == JobStatus.PUBLISHED
    assert {person.id: kinds(person) for person in people} == before


def test_a_job_the_employer_closed_is_not_told_again(client):
    w = world()
    job = w["job"]
    item = reported(job)
    db.session.commit()
    as_user(client, w["owner"])
    close = f"/employers/mine/jobs/{job.id}/close"
    post_form(client, close, {"confirmed": "1"}, token_from="/employers/mine")
    before = kinds(w["candidate"])

    as_user(client, factories.user(Role.OFFICIAL))
    decide = f"/officials/reports/{item.id}/uphold"
    response = post_form(
        client, decide, {"close_job": "y"}, token_from=QUEUE, headers=EN, follow_redirects=True
    )
    assert "Decision recorded." in response.get_data(as_text=True)
    assert "The job is closed." not in response.get_data(as_text=True)
    assert kinds(w["candidate"]) == before == ["job_closed"]
    assert "posting_taken_down" not in kinds(w["owner"])


def test_the_employer_closing_while_officials_take_the_job_down_tells_each_candidate_once(app):
    w = world()
    item = reported(w["job"])
    official_id, owner_id = factories.user(Role.OFFICIAL).id, w["owner"].id
    db.session.commit()
    job_id, report_id, candidate_id = w["job"].id, item.id, w["candidate"].id

    def decide(n: int):
        job = db.session.get(Job, job_id)
        if n % 2 == 0:
            return closing.close(job, db.session.get(User, owner_id))
        report = db.session.get(JobReport, report_id)
        return reports.resolve(report, db.session.get(User, official_id), True, close_job=True)

    outcomes = at_once(app, 4, decide)
    closes, decisions = outcomes[0::2], outcomes[1::2]
    assert refusals(decisions) == 1  # one official decides
    assert refusals(closes) >= 1  # the employer closes once, or not at all after a take-down
    told = db.session.scalar(
        select(func.count())
        .select_from(Notification)
        .where(
            Notification.user_id == candidate_id,
            Notification.kind.in_(["job_closed", "job_taken_down"]),
        )
    )
    assert told == 1
    assert db.session.get(Job, job_id).status == JobStatus.CLOSED
