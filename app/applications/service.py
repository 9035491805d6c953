"""Applying, withdrawing, moving applicants through stages, notes and invitations.

The pages and the REST API both call these functions; each one changes the session's
objects and leaves the commit to its caller, so one request is one transaction. Refusals
raise `ApplicationError` (a `DomainError`) with the HTTP status and a message for the user.
"""

from __future__ import annotations

from collections.abc import Sequence

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app import audit
from app.database import insert_missing, lock, update_if
from app.errors import DomainError
from app.extensions import db
from app.jobs.service import deadline_passed
from app.models import (
    Application,
    ApplicationNote,
    Invitation,
    Job,
    Source,
    Stage,
    StageChange,
    User,
    utcnow,
)
from app.notifications.service import notify
from app.privacy.blind import identity_hidden
from app.ranking.service import rank_applicants
from app.resumes.service import default_resume
from app.webhooks import service as webhooks
from matching.skills import vocabulary

PIPELINE_STAGES = (
    Stage.NEW,
    Stage.SCREENING,
    Stage.INTERVIEW,
    Stage.OFFER,
    Stage.HIRED,
    Stage.REJECTED,
)
"""Stages an employer may move an application to; only the candidate withdraws."""

WITHDRAWABLE = frozenset({Stage.NEW, Stage.SCREENING, Stage.INTERVIEW, Stage.OFFER})

MAX_ANSWER = 2000
MAX_MESSAGE = 2000


class ApplicationError(DomainError):
    """A refused action: 409 against the current state, 422 for input that breaks a rule,
    403 for someone who may not."""


def has_skills(listed: Sequence[str], wanted: Sequence[str]) -> bool:
    """Whether a résumé listing LISTED has every skill of WANTED (the pipeline's filter), each
    wanted skill as the page shows it in either language: a vocabulary skill by any of its
    names ("Quality control" finds 质量检验, "Java" not JavaScript), any other text inside a
    listed skill ("测量" finds 测量工具)."""
    vocab = vocabulary()
    held = vocab.canonical_set(listed)

    def found(skill: str) -> bool:
        canonical = vocab.canonical(skill)
        if canonical in held or canonical in vocab.skills:
            return canonical in held
        return any(canonical in vocab.canonical(typed) for typed in listed)

    return all(found(skill) for skill in wanted)


def find(job_id: int, candidate_id: int) -> Application | None:
    return db.session.scalar(
        select(Application).where(
            Application.job_id == job_id, Application.candidate_id == candidate_id
        )
    )


def clean_answers(job: Job, answers: Sequence[str] | None) -> list[str]:
    """One non-empty answer per screening question, or ApplicationError(422)."""
    questions = job.screening_questions or []
    given = [str(a or "").strip() for a in (answers or [])]
    given += [""] * (len(questions) - len(given))
    given = given[: len(questions)]
    if any(not a for a in given):
        raise ApplicationError(_l("Please answer every question."), status=422)
    if any(len(a) > MAX_ANSWER for a in given):
        raise ApplicationError(
            _l("Answers can be at most %(n)s characters.", n=MAX_ANSWER), status=422
        )
    return given


def apply(
    candidate: User, job: Job, answers: Sequence[str] | None = None, source: Source = Source.APPLY
) -> tuple[Application, bool]:
    """Apply CANDIDATE to JOB with their default résumé; returns (application, created).

    Idempotent: applying twice, or two requests racing, yields the one existing application
    (the unique constraint decides the race; the loser reads the winner's row). A withdrawn
    application is reopened rather than duplicated.
    """
    existing = find(job.id, candidate.id)
    if existing is not None and existing.stage != Stage.WITHDRAWN:
        return existing, False
    # A close locks the job: it waits for this application and tells its candidate, or this
    # waits for the close and sees the job closed.
    lock(db.session, job, shared=True)
    if not job.is_public:
        raise ApplicationError(_l("This job is not taking applications."))
    if deadline_passed(job.deadline):
        raise ApplicationError(_l("Applications for this job have closed."))
    resume = default_resume(candidate)
    if resume is None:
        raise ApplicationError(_l("Create your résumé first, then apply."))
    cleaned = clean_answers(job, answers)
    if existing is not None:
        try:
            _change_stage(existing, Stage.NEW, candidate, "")
        except StageChanged:  # a parallel request reopened it: that one is the application
            db.session.refresh(existing)
            return existing, False
        existing.resume, existing.answers = resume, cleaned
        _received(existing, candidate, job)
        return existing, True

    application = Application(
        job_id=job.id,
        candidate_id=candidate.id,
        resume_id=resume.id,
        answers=cleaned,
        source=source,
        stage=Stage.NEW,
    )
    try:
        with db.session.begin_nested():
            db.session.add(application)
            db.session.flush()
    except IntegrityError:
        winner = find(job.id, candidate.id)
        if winner is None:  # not a duplicate: some other constraint failed
            raise
        return winner, False
    db.session.add(
        StageChange(
            application_id=application.id,
            from_stage=None,
            to_stage=Stage.NEW,
            actor_id=candidate.id,
        )
    )
    audit.record(
        "application.create", application, actor=candidate, job_id=job.id, source=source.value
    )
    _received(application, candidate, job)
    return application, True


def _received(application: Application, candidate: User, job: Job) -> None:
    """Keep the application's match score as of now (the API lists it) and tell the employer."""
    rank_applicants(job, [application])
    webhooks.emit(job.employer_id, "application.created", webhook_data(application))
    link = url_for("applications.review", application_id=application.id)
    if identity_hidden(application):  # blind screening: the number, not the name
        kind, who = "application_received_blind", {"n": application.id}
    else:
        kind, who = "application_received", {"candidate": candidate.name}
    for member in job.employer.members:
        notify(member.user, kind, link, job=job.title, **who)


class StageChanged(ApplicationError):
    """Another request moved the application between our read and our write."""


def _change_stage(
    application: Application, to_stage: Stage, actor: User, message: str
) -> StageChange:
    """Move APPLICATION from the stage we read to TO_STAGE in one conditional UPDATE: of two
    requests deciding at once (two clicks, two colleagues), exactly one moves it and records
    the change; the other gets StageChanged and writes nothing."""
    from_stage = application.stage
    if not update_if(db.session, application, Application.stage == from_stage, stage=to_stage):
        raise StageChanged(_l("This application was just changed. Please reload the page."))
    change = StageChange(
        application_id=application.id,
        from_stage=from_stage,
        to_stage=to_stage,
        actor_id=actor.id,
        message=message,
    )
    if (
        from_stage == Stage.NEW
        and application.first_response_at is None
        and actor.id != application.candidate_id
    ):
        application.first_response_at = utcnow()
    db.session.add(change)
    webhooks.emit(
        application.job.employer_id,
        "application.stage_changed",
        {**webhook_data(application), "from_stage": from_stage.value},
    )
    return change


def webhook_data(application: Application) -> dict:
    """What an employer's webhook is told about an application: ids and the stage; its
    systems fetch the rest through the API, where access (and blind screening) applies."""
    return {
        "application_id": application.id,
        "job_id": application.job_id,
        "candidate_id": application.candidate_id,
        "stage": Stage(application.stage).value,
    }


def may_withdraw(application: Application) -> bool:
    """Whether withdrawing still tells the employer something: while they may act on the
    application, that is while the job is open or closed by its apply-by date (they still
    choose among those who applied), or an offer stands after the hiring ended (it may be
    honoured). Once the employer or the officials ended the hiring, anything short of an
    offer is over."""
    from app.jobs import closing  # closing's notices read this module's stages

    if application.stage not in WITHDRAWABLE:
        return False
    return application.stage == Stage.OFFER or not closing.hiring_ended(application.job)


def withdraw(application: Application, candidate: User) -> StageChange:
    """The candidate takes the application back; the employer sees it as withdrawn."""
    if application.candidate_id != candidate.id:
        raise ApplicationError(_l("You do not have permission to do that."), status=403)
    if not may_withdraw(application):
        raise ApplicationError(_l("This application can no longer be withdrawn."))
    change = _change_stage(application, Stage.WITHDRAWN, candidate, "")
    audit.record("application.withdraw", application, actor=candidate)
    return change


def advance_to_interview(application: Application, actor: User) -> StageChange | None:
    """An interview was proposed: an application still new or in screening moves to the
    interview stage (the candidate hears of the interview itself, not of this move)."""
    if application.stage not in (Stage.NEW, Stage.SCREENING):
        return None
    change = _change_stage(application, Stage.INTERVIEW, actor, "")
    audit.record("application.stage", application, actor=actor, to_stage=Stage.INTERVIEW.value)
    return change


def move_stage(
    application: Application, to_stage: Stage | str, actor: User, message: str = ""
) -> StageChange | None:
    """Move APPLICATION to TO_STAGE for the employer (actor must be checked as a member).

    Returns None when it already is there. Tells the candidate, with MESSAGE if given.
    """
    try:
        to_stage = Stage(to_stage)
    except ValueError:
        raise ApplicationError(_l("Choose a stage from the list."), status=422) from None
    if to_stage not in PIPELINE_STAGES:
        raise ApplicationError(_l("Choose a stage from the list."), status=422)
    message = (message or "").strip()
    if len(message) > MAX_MESSAGE:
        raise ApplicationError(
            _l("The message can be at most %(n)s characters.", n=MAX_MESSAGE), status=422
        )
    if application.stage == Stage.WITHDRAWN:
        raise ApplicationError(_l("The candidate withdrew this application."))
    if application.stage == to_stage:
        return None
    change = _change_stage(application, to_stage, actor, message)
    audit.record("application.stage", application, actor=actor, to_stage=to_stage.value)
    candidate = application.candidate
    params = {"job": application.job.title, "stage": to_stage.value}  # named when shown
    kind = "stage_changed"
    if message:
        kind, params = (
            "stage_changed_message",
            {**params, "employer": application.job.employer.name, "message": message},
        )
    notify(
        candidate,
        kind,
        url_for("applications.mine_detail", application_id=application.id),
        **params,
    )
    return change


def bulk_move(
    job: Job, application_ids: Sequence[int], to_stage: Stage | str, actor: User, message: str = ""
) -> int:
    """Move the listed applications of JOB (others are ignored) and return how many moved."""
    ids = {int(i) for i in application_ids}
    if not ids:
        raise ApplicationError(_l("Select at least one applicant."), status=422)
    items = db.session.scalars(
        select(Application)
        .where(Application.job_id == job.id, Application.id.in_(ids))
        .order_by(Application.id)
    ).all()
    moved = 0
    for application in items:
        if application.stage == Stage.WITHDRAWN:
            continue
        if move_stage(application, to_stage, actor, message) is not None:
            moved += 1
    return moved


def add_note(application: Application, author: User, body: str) -> ApplicationNote:
    body = (body or "").strip()
    if not body:
        raise ApplicationError(_l("Write a note first."), status=422)
    if len(body) > 5000:
        raise ApplicationError(_l("A note can be at most %(n)s characters.", n=5000), status=422)
    note = ApplicationNote(application_id=application.id, author_id=author.id, body=body)
    db.session.add(note)
    return note


def invite(job: Job, candidate: User, actor: User, message: str = "") -> tuple[Invitation, bool]:
    """Invite CANDIDATE to apply for JOB; returns (invitation, created). The caller checks
    that ACTOR works for the job's employer and may see the candidate's résumé."""
    if not job.employer.verified:
        raise ApplicationError(_l("Only verified employers can invite candidates."), status=403)
    if not job.is_public:
        raise ApplicationError(_l("This job is not taking applications."))
    message = (message or "").strip()
    if len(message) > MAX_MESSAGE:
        raise ApplicationError(
            _l("The message can be at most %(n)s characters.", n=MAX_MESSAGE), status=422
        )
    if find(job.id, candidate.id) is not None:
        raise ApplicationError(_l("This candidate has already applied for this job."))
    new = {"job_id": job.id, "candidate_id": candidate.id, "invited_by_id": actor.id}
    created = insert_missing(db.session, Invitation, [{**new, "message": message}]) == 1
    invitation = db.session.scalar(
        select(Invitation).where(
            Invitation.job_id == job.id, Invitation.candidate_id == candidate.id
        )
    )
    if not created:  # invited before, or by a colleague at the same moment
        return invitation, False
    audit.record("invitation.create", invitation, actor=actor, job_id=job.id)
    notify(
        candidate,
        "invitation",
        url_for("applications.invitations"),
        employer=job.employer.name,
        job=job.title,
    )
    return invitation, True


def respond(
    invitation: Invitation, candidate: User, accept: bool, answers: Sequence[str] | None = None
) -> Application | None:
    """Accept (apply with source=invitation, which unmasks contacts for that employer) or
    decline. Answering twice keeps the first answer."""
    if invitation.candidate_id != candidate.id:
        raise ApplicationError(_l("You do not have permission to do that."), status=403)
    job = db.session.get(Job, invitation.job_id)
    unanswered = Invitation.responded_at.is_(None)
    if not update_if(db.session, invitation, unanswered, accepted=accept, responded_at=utcnow()):
        db.session.refresh(invitation)  # answered meanwhile (another tab): that answer stands
        return find(job.id, candidate.id) if invitation.accepted else None
    application = None
    if accept:
        application, _created = apply(candidate, job, answers, source=Source.INVITATION)
    audit.record("invitation.respond", invitation, actor=candidate, accepted=accept)
    return application
