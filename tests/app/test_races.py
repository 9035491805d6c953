"""Decisions taken twice at once (two clicks, two tabs, two colleagues) happen once, on both
databases: each step reads a state and writes from it, so the write is conditional on that
state (`app.database.update_if`), a row lock (`lock`) or a unique key (`insert_missing`)."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from app import clock
from app.extensions import db
from app.models import (
    AuditEntry,
    Employer,
    EmployerDocument,
    FairEmployer,
    FairJob,
    Interview,
    InterviewSlot,
    InterviewStatus,
    Invitation,
    Job,
    JobFair,
    JobReport,
    JobStatus,
    ReviewDecision,
    Role,
    Stage,
    User,
    VerificationReview,
    VerificationState,
    utcnow,
)
from tests import factories
from tests.concurrency import at_once, refusals


def audited(action: str) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(AuditEntry).where(AuditEntry.action == action)
    )


def test_accepting_and_declining_an_invitation_at_once_keeps_one_answer(app):
    from app.applications import service

    owner = factories.user(Role.EMPLOYER)
    job = factories.job(factories.employer(owner))
    candidate = factories.user()
    factories.resume(candidate)
    with app.test_request_context(method="POST"):
        invitation, _created = service.invite(job, candidate, owner)
    db.session.commit()
    invitation_id, candidate_id = invitation.id, candidate.id

    def answer(n: int):
        who, item = db.session.get(User, candidate_id), db.session.get(Invitation, invitation_id)
        return service.respond(item, who, accept=n % 2 == 0)

    refusals(at_once(app, 6, answer))
    invitation = db.session.get(Invitation, invitation_id)
    applied = service.find(invitation.job_id, candidate_id) is not None
    assert invitation.responded_at is not None and applied == invitation.accepted
    assert audited("invitation.respond") == 1


def test_inviting_one_candidate_twice_at_once_invites_once(app):
    from app.applications import service

    owner = factories.user(Role.EMPLOYER)
    job_id = factories.job(factories.employer(owner)).id
    candidate = factories.user()
    factories.resume(candidate)
    owner_id, candidate_id = owner.id, candidate.id
    db.session.commit()

    def invite(_n: int) -> bool:
        job, who = db.session.get(Job, job_id), db.session.get(User, owner_id)
        return service.invite(job, db.session.get(User, candidate_id), who)[1]

    created = at_once(app, 6, invite)
    assert refusals(created) == 0 and created.count(True) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Invitation)) == 1
    assert audited("invitation.create") == 1


def test_registering_for_a_fair_twice_at_once_registers_once(app):
    from app.fairs import service

    official = factories.user(Role.OFFICIAL)
    employer = factories.employer()
    job_ids = [factories.job(employer).id for _ in range(3)]
    today = clock.today()
    fair = JobFair(
        title="春风行动",
        region_code="420102",
        starts_on=today,
        ends_on=today + timedelta(days=3),
        created_by_id=official.id,
    )
    db.session.add(fair)
    db.session.commit()
    fair_id, employer_id = fair.id, employer.id

    def register(_n: int) -> int:
        return service.register(
            db.session,
            db.session.get(JobFair, fair_id),
            db.session.get(Employer, employer_id),
            job_ids,
        )

    outcomes = at_once(app, 6, register)
    assert refusals(outcomes) == 0 and outcomes == [3] * 6
    assert db.session.scalar(sa.select(sa.func.count()).select_from(FairEmployer)) == 1
    assert sorted(db.session.scalars(sa.select(FairJob.job_id))) == sorted(job_ids)
    assert audited("fair.register") == 1


def test_four_picks_and_a_cancel_at_once_schedule_at_most_once(app):
    from app.interviews import service

    owner = factories.user(Role.EMPLOYER)
    job = factories.job(factories.employer(owner))
    candidate = factories.user()
    application = factories.application(candidate, job, stage=Stage.INTERVIEW)
    soon = utcnow().replace(microsecond=0) + timedelta(days=2)
    interview = Interview(
        application=application,
        duration_minutes=30,
        timezone="Asia/Shanghai",
        created_by_id=owner.id,
        slots=[InterviewSlot(starts_at=soon + timedelta(hours=h)) for h in (0, 1)],
    )
    db.session.add(interview)
    db.session.commit()
    interview_id, candidate_id = interview.id, candidate.id
    slot_ids = [slot.id for slot in interview.slots]

    def step(n: int) -> str:
        item, who = db.session.get(Interview, interview_id), db.session.get(User, candidate_id)
        if n == 4:
            service.cancel(item, who)  # allowed before and after a pick
            return "cancel"
        service.pick(item, who, slot_ids[n % 2])
        return "pick"

    outcomes = at_once(app, 5, step)
    picks = outcomes.count("pick")
    assert outcomes[4] == "cancel" and picks <= 1 and refusals(outcomes) == 4 - picks
    assert audited("interview.schedule") == picks and audited("interview.cancel") == 1
    assert db.session.get(Interview, interview_id).status == InterviewStatus.CANCELLED


def test_closing_a_job_twice_at_once_closes_it_once(app):
    from app.jobs import service

    owner = factories.user(Role.EMPLOYER)
    job_id, owner_id = factories.job(factories.employer(owner)).id, owner.id
    db.session.commit()

    def close(_n: int) -> None:
        service.change_status(db.session.get(Job, job_id), "close", db.session.get(User, owner_id))

    assert refusals(at_once(app, 6, close)) == 5
    assert db.session.get(Job, job_id).status == JobStatus.CLOSED
    assert audited("job.close") == 1


def test_two_officials_deciding_one_fraud_report_at_once_decide_it_once(app):
    from app.jobs import reports

    job = factories.job(factories.employer())
    item = JobReport(job_id=job.id, reason="fees")
    db.session.add(item)
    officials = [factories.user(Role.OFFICIAL).id for _ in range(2)]
    db.session.commit()
    report_id = item.id

    def resolve(n: int) -> None:
        official = db.session.get(User, officials[n % 2])
        reports.resolve(db.session.get(JobReport, report_id), official, uphold=n % 2 == 0)

    assert refusals(at_once(app, 6, resolve)) == 5
    assert audited("job.report_upheld") + audited("job.report_dismissed") == 1


def test_two_officials_deciding_one_verification_at_once_decide_it_once(app):
    from app.employers import review

    employer = factories.employer(verified=False)
    db.session.add(
        EmployerDocument(
            employer=employer,
            kind="legal_rep_id",
            filename="id.png",
            stored_name="x.png",
            content_type="image/png",
            size=1,
            sha256="0" * 64,
        )
    )
    employer.verification_state = VerificationState.SUBMITTED
    officials = [factories.user(Role.OFFICIAL).id for _ in range(2)]
    db.session.commit()
    employer_id = employer.id

    def decide(n: int) -> None:
        official = db.session.get(User, officials[n % 2])
        decision = ReviewDecision.APPROVED if n % 2 == 0 else ReviewDecision.RETURNED
        review.decide(db.session.get(Employer, employer_id), official, decision, "缺少材料")

    assert refusals(at_once(app, 6, decide)) == 5
    assert db.session.scalar(sa.select(sa.func.count()).select_from(VerificationReview)) == 1


def test_cancelling_a_deletion_while_the_sweep_erases_keeps_one_outcome(app):
    """The erasure and the owner's "keep my account" at the same moment: either the account is
    erased and the cancel says nothing was pending, or it is kept; never erased after a cancel
    that answered "kept"."""
    from app.privacy import service
    from app.privacy.tasks import sweep

    seeker = factories.user(delete_after=utcnow() - timedelta(minutes=1))
    db.session.commit()
    seeker_id = seeker.id

    def race(n: int):
        if n == 0:
            return sweep()["erased"]
        return service.cancel_deletion(db.session.get(User, seeker_id))

    erased, kept = at_once(app, 2, race)
    refusals([erased, kept])
    seeker = db.session.get(User, seeker_id)
    assert (erased, kept) in ((1, False), (0, True))
    assert (seeker.deleted_at is not None) == (erased == 1) and seeker.delete_after is None
    assert audited("account.erase") + audited("account.delete_cancel") == 1


def test_asking_for_deletion_twice_at_once_records_one_request(app):
    from app.privacy import service

    seeker_id = factories.user().id
    db.session.commit()

    def ask(_n: int) -> None:
        service.request_deletion(db.session.get(User, seeker_id), via="page")

    assert refusals(at_once(app, 4, ask)) == 0
    assert db.session.get(User, seeker_id).delete_after is not None
    assert audited("account.delete_request") == 1


def test_passing_a_post_check_while_overdue_ones_are_revoked_decides_once(app):
    """An official passes a fast-track approval's check as the overdue sweep runs: one of the
    two decides, the other finds nothing left to do (and the sweep does not fail on it)."""
    from app.employers import fast_track
    from app.employers.tasks import revoke_overdue
    from app.models import FastTrackRule

    employer = factories.employer(post_check_due_at=utcnow() - timedelta(minutes=1))
    db.session.add(FastTrackRule(region_code="4201", revoke_when_overdue=True))
    employer_id, official_id = employer.id, factories.user(Role.OFFICIAL).id
    db.session.commit()

    def race(n: int):
        if n == 0:
            return revoke_overdue()
        official = db.session.get(User, official_id)
        return fast_track.pass_check(db.session.get(Employer, employer_id), official)

    revoked, passed = at_once(app, 2, race)
    assert refusals([revoked]) == 0
    employer = db.session.get(Employer, employer_id)
    assert employer.post_check_due_at is None
    if revoked == 1:
        assert refusals([passed]) == 1
        assert employer.verification_state == VerificationState.RETURNED
    else:
        assert revoked == 0 and passed is None
        assert employer.verification_state == VerificationState.APPROVED
    assert audited("employer.fast_track_revoke") + audited("employer.post_check_pass") == 1
