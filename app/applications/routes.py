"""Pages: one-click apply, the employer's pipeline per job, review and notes, invitations.

Rankings are scored afresh for each page and never saved by it: a GET does not write. The
score kept on an application is the one taken when the candidate applied (service.apply).
"""

from __future__ import annotations

from functools import partial

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_datetime, ngettext, pgettext
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import case, func, select

from app.access import current_employer, member_application, member_job, roles_required
from app.applications import service
from app.chat import service as conversations
from app.errors import refused
from app.exports import csv_response
from app.extensions import db
from app.forms import TAG_SPLIT
from app.interviews import service as interviews
from app.jobs import closing
from app.labels import STAGES
from app.models import (
    Application,
    ApplicationNote,
    Invitation,
    Job,
    Role,
    Stage,
    StageChange,
)
from app.privacy.blind import candidate_name, identity_hidden
from app.ranking.service import reason_texts, score_applicants
from app.routing import as_ids
from app.templating import current_locale, zone_name

bp = Blueprint("applications", __name__)


def history_of(application: Application) -> list[StageChange]:
    return db.session.scalars(
        select(StageChange)
        .where(StageChange.application_id == application.id)
        .order_by(StageChange.created_at, StageChange.id)
    ).all()


# Candidates -----------------------------------------------------------------------------


def apply_page(job: Job, answers: list[str], status: int = 200, invitation=None):
    """The screening questions of JOB (for an invitation, when accepting it)."""
    return render_template(
        "applications/apply.html",
        job=job,
        questions=job.screening_questions or [],
        answers=answers,
        invitation=invitation,
    ), status


@bp.route("/applications/apply/<id:job_id>", methods=["GET", "POST"])
@roles_required(Role.SEEKER)
def apply(job_id: int):
    """One click from the job page (CSRF-checked POST); a short form first when the job
    asks screening questions. Repeating the request leads to the same application."""
    job = db.get_or_404(Job, job_id)
    existing = service.find(job.id, current_user.id)
    if existing is not None and existing.stage != Stage.WITHDRAWN:
        return redirect(url_for("applications.mine_detail", application_id=existing.id), 303)
    if not job.is_public:
        abort(404)
    answers = request.form.getlist("answer")
    if request.method == "GET" or (job.screening_questions and "answer" not in request.form):
        return apply_page(job, answers)
    try:
        application, created = service.apply(current_user, job, answers)
    except service.ApplicationError as error:
        return refused(error, lambda status: apply_page(job, answers, status))
    db.session.commit()
    if created:
        flash(_("Your application was sent."), "success")
    return redirect(url_for("applications.mine_detail", application_id=application.id), 303)


@bp.route("/applications/invitations")
@roles_required(Role.SEEKER)
def invitations():
    items = db.session.scalars(
        select(Invitation)
        .where(Invitation.candidate_id == current_user.id)
        .order_by(Invitation.created_at.desc())
    ).all()
    jobs = {
        job.id: job
        for job in db.session.scalars(select(Job).where(Job.id.in_([i.job_id for i in items])))
    }
    return render_template("applications/invitations.html", items=items, jobs=jobs)


@bp.route("/applications/invitations/<id:invitation_id>", methods=["POST"])
@roles_required(Role.SEEKER)
def respond(invitation_id: int):
    invitation = db.get_or_404(Invitation, invitation_id)
    if invitation.candidate_id != current_user.id:
        abort(404)
    accept = request.form.get("accept") == "1"
    job = db.session.get(Job, invitation.job_id)
    answers = request.form.getlist("answer")
    if (
        accept
        and job.screening_questions
        and "answer" not in request.form
        and invitation.responded_at is None
    ):
        return apply_page(job, [], invitation=invitation)
    try:
        application = service.respond(invitation, current_user, accept, answers)
    except service.ApplicationError as error:
        return refused(error, lambda status: apply_page(job, answers, status, invitation))
    db.session.commit()
    if application is not None:
        flash(_("Your application was sent."), "success")
        return redirect(url_for("applications.mine_detail", application_id=application.id), 303)
    flash(_("Invitation declined."), "info")
    return redirect(url_for("applications.invitations"), 303)


@bp.route("/applications")
@roles_required(Role.SEEKER)
def mine():
    items = db.session.scalars(
        select(Application)
        .where(Application.candidate_id == current_user.id)
        .order_by(Application.created_at.desc())
    ).all()
    return render_template("applications/mine.html", items=items)


@bp.route("/applications/<id:application_id>")
@login_required
def mine_detail(application_id: int):
    """An application's status and history, for its candidate (employers use the pipeline)."""
    item = db.get_or_404(Application, application_id)
    if item.candidate_id != current_user.id:
        abort(404)
    return mine_detail_page(item)


def mine_detail_page(item: Application, status: int = 200):
    return render_template(
        "applications/mine_detail.html",
        item=item,
        history=history_of(item),
        hiring_ended=closing.hiring_ended(item.job),
        taken_down=closing.taken_down(item.job),
        can_withdraw=service.may_withdraw(item),
        interviews=interviews.of_application(item.id),
        conversation=conversations.about(item.job_id, item.candidate_id),
    ), status


@bp.route("/applications/<id:application_id>/withdraw", methods=["POST"])
@roles_required(Role.SEEKER)
def withdraw(application_id: int):
    """The candidate takes an application back; it stays in the history as withdrawn."""
    item = db.get_or_404(Application, application_id)
    if item.candidate_id != current_user.id:
        abort(404)
    try:
        service.withdraw(item, current_user)
    except service.ApplicationError as error:
        return refused(error, lambda status: mine_detail_page(item, status))
    db.session.commit()
    flash(_("Your application was withdrawn."), "success")
    return redirect(url_for("applications.mine_detail", application_id=item.id), 303)


# Employers ------------------------------------------------------------------------------


@bp.route("/applications/jobs")
@roles_required(Role.EMPLOYER)
def jobs():
    employer = current_employer()
    new = case((Application.stage == Stage.NEW, Application.id))
    rows = db.session.execute(
        select(Job, func.count(Application.id), func.count(new))
        .outerjoin(Application, Application.job_id == Job.id)
        .where(Job.employer_id == employer.id)
        .group_by(Job.id)
        .order_by(Job.created_at.desc())
    ).all()
    return render_template("applications/jobs.html", rows=rows, employer=employer)


def _filters() -> dict:
    """The pipeline's filters from the query string; "problems": filter → what the page says
    beside it of a value it could not use and left out (min_score=abc), as the job search does."""
    stage = request.args.get("stage", "")
    typed_score = request.args.get("min_score", "").strip()
    min_score = request.args.get("min_score", type=float)
    if min_score is not None and not 0 <= min_score <= 100:  # also nan
        min_score = None
    skills = [s.strip() for s in TAG_SPLIT.split(request.args.get("skills", "")[:200]) if s.strip()]
    problems = {}
    if typed_score and min_score is None:
        problems["min_score"] = _(
            "Enter a match from 0 to 100 percent. It was left out of this list."
        )
    return {
        "stage": stage if stage in {s.value for s in Stage} else "",
        "min_score": min_score,
        "typed_min_score": typed_score[:20],
        "skills": skills,
        "problems": problems,
    }


def _matches(item, filters: dict) -> bool:
    application, score, _reasons = item
    if filters["stage"] and application.stage != filters["stage"]:
        return False
    if filters["min_score"] is not None and score * 100 < filters["min_score"]:
        return False
    if filters["skills"]:
        return service.has_skills(
            application.resume.skills if application.resume else [], filters["skills"]
        )
    return True


def ranked(job: Job, filters: dict):
    """JOB's applicants, best match first, that pass FILTERS (see `_filters`)."""
    applications = db.session.scalars(select(Application).where(Application.job_id == job.id)).all()
    items = score_applicants(job, applications, current_locale())
    return [item for item in items if _matches(item, filters)]


@bp.route("/applications/jobs/<id:job_id>")
@roles_required(Role.EMPLOYER)
def pipeline(job_id: int):
    return pipeline_page(member_job(job_id))


def pipeline_page(job: Job, status: int = 200):
    filters = _filters()
    counts = dict(
        db.session.execute(
            select(Application.stage, func.count())
            .where(Application.job_id == job.id)
            .group_by(Application.stage)
        ).all()
    )
    return render_template(
        "applications/pipeline.html",
        job=job,
        items=ranked(job, filters),
        filters=filters,
        counts=counts,
        stages=service.PIPELINE_STAGES,
        all_stages=list(STAGES),
        reason_texts=partial(reason_texts, reader="employer"),
        locale=current_locale(),
        # The download holds what the page lists: without the filters it left out.
        export_args={k: v for k, v in request.args.items() if k not in filters["problems"]},
    ), 400 if filters["problems"] and status == 200 else status


@bp.route("/applications/jobs/<id:job_id>/move", methods=["POST"])
@roles_required(Role.EMPLOYER)
def bulk_move(job_id: int):
    job = member_job(job_id)
    ids = as_ids(request.form.getlist("application_id"))
    try:
        moved = service.bulk_move(
            job, ids, request.form.get("stage", ""), current_user, request.form.get("message", "")
        )
    except service.ApplicationError as error:
        return refused(error, lambda status: pipeline_page(job, status))
    db.session.commit()
    flash(ngettext("%(num)d applicant moved.", "%(num)d applicants moved.", moved), "success")
    return redirect(url_for("applications.pipeline", job_id=job.id), 303)


@bp.route("/applications/jobs/<id:job_id>/export.csv")
@roles_required(Role.EMPLOYER)
def export_csv(job_id: int):
    """The pipeline's list as a spreadsheet; a filter it cannot use is said on the pipeline
    page instead (400), not left out of a file that would not say so."""
    job = member_job(job_id)
    filters = _filters()
    if filters["problems"]:
        return pipeline_page(job)
    header = [
        pgettext("person", "Name"),
        _("Headline"),
        _("Stage"),
        _("Match"),
        _("Skills"),
        _("Phone"),
        _("Email"),
        _("Applied (%(zone)s)", zone=zone_name()),
        _("Answers"),
    ]
    rows = []
    for application, score, _reasons in ranked(job, filters):
        resume = application.resume
        rows.append(
            [
                candidate_name(application),
                resume.headline if resume else "",
                str(STAGES[application.stage]),
                round(score * 100),
                ", ".join(resume.skills) if resume else "",
                "" if identity_hidden(application) else contact_phone(application),
                "" if identity_hidden(application) else contact_email(application),
                format_datetime(application.created_at, "y-MM-dd HH:mm"),  # as the page shows
                " | ".join(application.answers or []),
            ]
        )
    return csv_response(f"applicants-job-{job.id}.csv", header, rows, private=True)


def contact_phone(application) -> str:
    resume = application.resume
    return (resume.contact_phone if resume else None) or application.candidate.phone or ""


def contact_email(application) -> str:
    resume = application.resume
    return (resume.contact_email if resume else None) or application.candidate.email


@bp.route("/applications/review/<id:application_id>")
@roles_required(Role.EMPLOYER)
def review(application_id: int):
    return review_page(member_application(application_id))


def review_page(application: Application, status: int = 200):
    notes = db.session.scalars(
        select(ApplicationNote)
        .where(ApplicationNote.application_id == application.id)
        .order_by(ApplicationNote.created_at.desc(), ApplicationNote.id.desc())
    ).all()
    cards = interviews.application_scorecards(application.id)
    ((_application, score, reasons),) = score_applicants(
        application.job, [application], current_locale()
    )
    return render_template(
        "applications/review.html",
        application=application,
        score=score,
        history=history_of(application),
        notes=notes,
        stages=service.PIPELINE_STAGES,
        reasons=reason_texts(reasons, current_locale(), limit=8, reader="employer"),
        interviews=interviews.of_application(application.id),
        hiring_ended=closing.hiring_ended(application.job),
        scorecards=cards,
        authors=interviews.authors(cards),
        recommendations=interviews.RECOMMENDATIONS,
    ), status


@bp.route("/applications/review/<id:application_id>/stage", methods=["POST"])
@roles_required(Role.EMPLOYER)
def move(application_id: int):
    application = member_application(application_id)
    try:
        service.move_stage(
            application,
            request.form.get("stage", ""),
            current_user,
            request.form.get("message", ""),
        )
    except service.ApplicationError as error:
        return refused(error, lambda status: review_page(application, status))
    db.session.commit()
    flash(_("Stage updated."), "success")
    return redirect(url_for("applications.review", application_id=application.id), 303)


@bp.route("/applications/review/<id:application_id>/notes", methods=["POST"])
@roles_required(Role.EMPLOYER)
def add_note(application_id: int):
    application = member_application(application_id)
    try:
        service.add_note(application, current_user, request.form.get("body", ""))
    except service.ApplicationError as error:
        return refused(error, lambda status: review_page(application, status))
    db.session.commit()
    return redirect(url_for("applications.review", application_id=application.id) + "#notes", 303)
