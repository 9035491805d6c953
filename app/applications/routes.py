"""Pages: one-click apply, the employer's pipeline per job, review and notes, invitations."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale, pgettext
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select

from app.access import current_employer, roles_required
from app.applications import service
from app.applications import service as applications_service
from app.exports import csv_response
from app.extensions import db
from app.forms import TAG_SPLIT
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
from app.ranking.service import rank_applicants, reason_texts

bp = Blueprint("applications", __name__)


def _locale() -> str:
    return str(get_locale() or "zh")


def member_job(job_id: int) -> Job:
    """A job of the current user's employer; any other job is 404 (ids cannot be probed)."""
    job = db.get_or_404(Job, job_id)
    if job.employer_id != current_employer().id:
        abort(404)
    return job


def member_application(application_id: int) -> Application:
    application = db.get_or_404(Application, application_id)
    member_job(application.job_id)
    return application


# Candidates -----------------------------------------------------------------------------


@bp.route("/applications/apply/<int:job_id>", methods=["GET", "POST"])
@roles_required(Role.SEEKER)
def apply(job_id: int):
    """One click from the job page (CSRF-checked POST); a short form first when the job
    asks screening questions. Repeating the request leads to the same application."""
    job = db.get_or_404(Job, job_id)
    existing = service.find(job.id, current_user.id)
    if existing is not None and existing.stage != Stage.WITHDRAWN:
        return redirect(url_for("applications.mine_detail", application_id=existing.id), 303)
    if not service.open_for_applications(job):
        abort(404)
    questions = job.screening_questions or []
    answers = request.form.getlist("answer")
    if request.method == "GET" or (questions and "answer" not in request.form):
        return render_template(
            "applications/apply.html", job=job, questions=questions, answers=answers
        )
    try:
        application, created = service.apply(current_user, job, answers)
    except service.ApplicationError as error:
        db.session.rollback()  # nothing half-done stays behind
        flash(str(error.message), "error")
        return render_template(
            "applications/apply.html", job=job, questions=questions, answers=answers
        ), error.status
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


@bp.route("/applications/invitations/<int:invitation_id>", methods=["POST"])
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
        return render_template(
            "applications/apply.html",
            job=job,
            questions=job.screening_questions,
            answers=[],
            invitation=invitation,
        )
    try:
        application = service.respond(invitation, current_user, accept, answers)
    except service.ApplicationError as error:
        db.session.rollback()  # nothing half-done stays behind
        flash(str(error.message), "error")
        return render_template(
            "applications/apply.html",
            job=job,
            questions=job.screening_questions,
            answers=answers,
            invitation=invitation,
        ), error.status
    db.session.commit()
    if application is not None:
        flash(_("Your application was sent."), "success")
        return redirect(url_for("applications.mine_detail", application_id=application.id), 303)
    flash(_("Invitation declined."), "info")
    return redirect(url_for("applications.invitations"), 303)


# Employers ------------------------------------------------------------------------------


@bp.route("/applications/jobs")
@roles_required(Role.EMPLOYER)
def jobs():
    employer = current_employer()
    rows = db.session.execute(
        select(Job, func.count(Application.id))
        .outerjoin(Application, Application.job_id == Job.id)
        .where(Job.employer_id == employer.id)
        .group_by(Job.id)
        .order_by(Job.created_at.desc())
    ).all()
    return render_template("applications/jobs.html", rows=rows, employer=employer)


def _filters() -> dict:
    stage = request.args.get("stage", "")
    min_score = request.args.get("min_score", type=float)
    skills = [
        s.strip().lower()
        for s in TAG_SPLIT.split(request.args.get("skills", "")[:200])
        if s.strip()
    ]
    return {
        "stage": stage if stage in {s.value for s in Stage} else "",
        "min_score": min_score if min_score is not None and 0 <= min_score <= 100 else None,
        "skills": skills,
    }


def _matches(item, filters: dict) -> bool:
    application, score, _reasons = item
    if filters["stage"] and application.stage != filters["stage"]:
        return False
    if filters["min_score"] is not None and score * 100 < filters["min_score"]:
        return False
    if filters["skills"]:
        have = " ".join(application.resume.skills if application.resume else []).lower()
        return all(skill in have for skill in filters["skills"])
    return True


def ranked(job: Job, filters: dict):
    applications = db.session.scalars(select(Application).where(Application.job_id == job.id)).all()
    items = rank_applicants(job, applications, _locale())
    db.session.commit()  # keep the computed scores for lists, exports and the API
    return [item for item in items if _matches(item, filters)]


@bp.route("/applications/jobs/<int:job_id>")
@roles_required(Role.EMPLOYER)
def pipeline(job_id: int):
    return render_pipeline(member_job(job_id))


def render_pipeline(job: Job, status: int = 200):
    filters = _filters()
    items = ranked(job, filters)
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
        items=items,
        filters=filters,
        counts=counts,
        stages=service.PIPELINE_STAGES,
        all_stages=list(STAGES),
        reason_texts=reason_texts,
        locale=_locale(),
    ), status


@bp.route("/applications/jobs/<int:job_id>/move", methods=["POST"])
@roles_required(Role.EMPLOYER)
def bulk_move(job_id: int):
    job = member_job(job_id)
    ids = [int(i) for i in request.form.getlist("application_id") if i.isdigit()]
    try:
        moved = service.bulk_move(
            job, ids, request.form.get("stage", ""), current_user, request.form.get("message", "")
        )
    except service.ApplicationError as error:
        db.session.rollback()  # nothing half-done stays behind
        flash(str(error.message), "error")
        return render_pipeline(job, error.status)
    db.session.commit()
    flash(_("%(n)s applicants moved.", n=moved), "success")
    return redirect(url_for("applications.pipeline", job_id=job.id), 303)


@bp.route("/applications/jobs/<int:job_id>/export.csv")
@roles_required(Role.EMPLOYER)
def export_csv(job_id: int):
    job = member_job(job_id)
    items = ranked(job, _filters())
    header = [
        pgettext("person", "Name"),
        _("Headline"),
        _("Stage"),
        _("Match"),
        _("Skills"),
        _("Phone"),
        _("Email"),
        _("Applied"),
        _("Answers"),
    ]
    rows = []
    for application, score, _reasons in items:
        resume = application.resume
        rows.append(
            [
                application.candidate.name,
                resume.headline if resume else "",
                str(STAGES[application.stage]),
                round(score * 100),
                ", ".join(resume.skills) if resume else "",
                (resume.contact_phone if resume else None) or application.candidate.phone or "",
                (resume.contact_email if resume else None) or application.candidate.email,
                application.created_at.strftime("%Y-%m-%d %H:%M"),
                " | ".join(application.answers or []),
            ]
        )
    return csv_response(f"applicants-job-{job.id}.csv", header, rows, private=True)


@bp.route("/applications/review/<int:application_id>")
@roles_required(Role.EMPLOYER)
def review(application_id: int):
    return render_review(member_application(application_id))


def render_review(application: Application, status: int = 200):
    history = db.session.scalars(
        select(StageChange)
        .where(StageChange.application_id == application.id)
        .order_by(StageChange.created_at, StageChange.id)
    ).all()
    notes = db.session.scalars(
        select(ApplicationNote)
        .where(ApplicationNote.application_id == application.id)
        .order_by(ApplicationNote.created_at.desc(), ApplicationNote.id.desc())
    ).all()
    if application.match_score is None:
        rank_applicants(application.job, [application], _locale())
        db.session.commit()
    return render_template(
        "applications/review.html",
        application=application,
        history=history,
        notes=notes,
        stages=service.PIPELINE_STAGES,
        reasons=reason_texts(application.match_reasons, _locale(), limit=8),
    ), status


@bp.route("/applications/review/<int:application_id>/stage", methods=["POST"])
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
        db.session.rollback()  # nothing half-done stays behind
        flash(str(error.message), "error")
        return render_review(application, error.status)
    db.session.commit()
    flash(_("Stage updated."), "success")
    return redirect(url_for("applications.review", application_id=application.id), 303)


@bp.route("/applications/review/<int:application_id>/notes", methods=["POST"])
@roles_required(Role.EMPLOYER)
def add_note(application_id: int):
    application = member_application(application_id)
    try:
        service.add_note(application, current_user, request.form.get("body", ""))
    except service.ApplicationError as error:
        db.session.rollback()  # nothing half-done stays behind
        flash(str(error.message), "error")
        return render_review(application, error.status)
    db.session.commit()
    return redirect(url_for("applications.review", application_id=application.id) + "#notes", 303)


@bp.app_context_processor
def inject_my_application():
    """`my_application(job)` for the apply box on the public job page."""

    def my_application(job: Job) -> Application | None:
        if not current_user.is_authenticated or current_user.role != Role.SEEKER:
            return None
        return service.find(job.id, current_user.id)

    return {"my_application": my_application}


@bp.route("/applications")
@roles_required(Role.SEEKER)
def mine():
    items = db.session.scalars(
        select(Application)
        .where(Application.candidate_id == current_user.id)
        .order_by(Application.created_at.desc())
    ).all()
    return render_template("applications/mine.html", items=items)


@bp.route("/applications/<int:application_id>")
@login_required
def mine_detail(application_id: int):
    """An application's status and history, for its candidate (employers use the pipeline)."""
    item = db.get_or_404(Application, application_id)
    if item.candidate_id != current_user.id:
        abort(404)
    return render_mine_detail(item)


def render_mine_detail(item: Application, status: int = 200):
    history = db.session.scalars(
        select(StageChange)
        .where(StageChange.application_id == item.id)
        .order_by(StageChange.created_at, StageChange.id)
    ).all()
    return render_template(
        "applications/mine_detail.html",
        item=item,
        history=history,
        can_withdraw=item.stage in applications_service.WITHDRAWABLE,
    ), status


@bp.route("/applications/<int:application_id>/withdraw", methods=["POST"])
@roles_required(Role.SEEKER)
def withdraw(application_id: int):
    """The candidate takes an application back; it stays in the history as withdrawn."""
    item = db.get_or_404(Application, application_id)
    if item.candidate_id != current_user.id:
        abort(404)
    try:
        applications_service.withdraw(item, current_user)
    except applications_service.ApplicationError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return render_mine_detail(item, error.status)
    db.session.commit()
    flash(_("Your application was withdrawn."), "success")
    return redirect(url_for("applications.mine_detail", application_id=item.id), 303)
