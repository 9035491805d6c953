"""Jobs' pages: the search and the public job page (readable without an account,
shareable), the employer's postings, and fraud reports with the officials' decisions."""

from __future__ import annotations

from dataclasses import replace

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from app.access import (
    covers_region,
    current_employer,
    member_job,
    roles_required,
    scope_code,
    works_for,
)
from app.applications import service as applications
from app.errors import refused
from app.extensions import db, limiter
from app.jobs import closing, reports, search, service
from app.jobs.forms import JobForm, ReportDecisionForm, ReportForm
from app.models import Application, EmploymentType, Job, JobReport, JobStatus, Role
from app.templating import join_sentences
from app.visitor_pages import visitor_page

bp = Blueprint("jobs", __name__)


@bp.route("/jobs/")
@visitor_page(seconds=1, version=search.index_version)
def index():
    """The job search page: engine first, the database when the engine is down.

    A parameter it cannot use (a text over 100 characters, salary_min=abc, an unknown
    place, a forged page link) is left out and said beside the search box, the rest
    searched, the text kept in the box: the reader corrects one thing on the page they
    know. The answer is still a 400, as the address asks for what does not exist: it is
    never kept as a visitor page, and crawlers and link checkers see a bad link."""
    params, problems = search.read_params(request.args)
    home = current_user.region_code if current_user.is_authenticated else None
    try:
        page = search.find(params, home or "")
    except search.BadSearch as refused_link:  # a page link the engine does not know
        problems["cursor"] = refused_link.message
        params = replace(params, cursor="")
        page = search.find(params, home or "")
    html = render_template(
        "jobs/index.html",
        params=params,
        page=page,
        problems=search.problems_said(problems),
        sorts=search.SORTS,
        posted_within=search.POSTED_WITHIN,
        employment_types=list(EmploymentType),
    )
    return html, 400 if problems else 200


@bp.route("/jobs/suggest")
def suggest():
    found = search.suggestions(request.args.get("q", ""))
    return jsonify([{"text": s.text, "kind": s.kind} for s in found])


@bp.route("/jobs/<id:job_id>")
@visitor_page(seconds=10)
def detail(job_id: int):
    """Public and shareable while published by a verified employer; members see every state.
    A posting that was public stays readable, marked as not taking applications, for those who
    applied to it; anyone else finds a closed one's notice (410), the rest 404."""
    job = db.get_or_404(Job, job_id)
    public = job.is_public
    colleague = current_user.is_authenticated and works_for(current_user, job.employer_id)
    application = my_application(job)
    if not public and not colleague:
        if job.published_at is None:
            abort(404)
        if application is None:
            if job.status != JobStatus.CLOSED:
                abort(404)
            return render_template(
                "jobs/closed.html", job=job, similar_query=search.box_text(job.title)
            ), 410
    return render_template(
        "jobs/detail.html",
        job=job,
        public=public,
        colleague=colleague,
        similar=search.similar_jobs(job) if public else [],
        my_application=application,
        applications_closed=service.deadline_passed(job.deadline),
        hiring_ended=closing.hiring_ended(job),
        taken_down=closing.taken_down(job),
    )


def my_application(job: Job) -> Application | None:
    """The current candidate's application to JOB, for the apply box."""
    if not current_user.is_authenticated or current_user.role != Role.SEEKER:
        return None
    return applications.find(job.id, current_user.id)


# The employer's postings -----------------------------------------------------------------


def form_page(job: Job, form: JobForm, creating: bool, status: int, duplicates=()):
    return render_template(
        "jobs/form.html", form=form, job=job, creating=creating, duplicates=list(duplicates)
    ), status


def edit_page(job: Job, form: JobForm, creating: bool):
    """Save the posting (asking to confirm a likely duplicate) or show the form again."""
    if not form.validate_on_submit():
        return form_page(job, form, creating, 422 if form.is_submitted() else 200)
    try:
        with db.session.no_autoflush:
            service.fill(job, {**form.data, "screening_questions": form.questions()})
            if creating and request.form.get("action") == "publish":
                job.status = JobStatus.PUBLISHED
            duplicates = service.save(
                job, current_user, confirmed_duplicate=form.confirm_duplicate.data
            )
    except service.JobError as error:
        return refused(error, lambda status: form_page(job, form, creating, status))
    if duplicates:
        db.session.rollback()
        return form_page(job, form, creating, 409, duplicates)
    db.session.commit()
    flash(_("Saved."), "success")
    return redirect(url_for("employers.dashboard"))


@bp.route("/employers/mine/jobs/new", methods=["GET", "POST"])
@roles_required(Role.EMPLOYER)
def new_job():
    employer = current_employer()
    form = JobForm()
    if request.method == "GET":
        form.region_code.data = employer.region_code
    return edit_page(Job(employer_id=employer.id), form, creating=True)


@bp.route("/employers/mine/jobs/<id:job_id>/edit", methods=["GET", "POST"])
@roles_required(Role.EMPLOYER)
def edit_job(job_id: int):
    job = member_job(job_id)
    if job.status == JobStatus.CLOSED:
        flash(_("Closed jobs cannot be edited; repost it instead."), "error")
        return redirect(url_for("employers.dashboard")), 303
    form = JobForm(obj=job)
    if request.method == "GET":
        form.screening_questions.data = "\n".join(job.screening_questions or [])
    return edit_page(job, form, creating=False)


@bp.route(
    "/employers/mine/jobs/<id:job_id>/<any(publish, pause, resume, close, repost):action>",
    methods=["POST"],
)
@roles_required(Role.EMPLOYER)
def job_action(job_id: int, action: str):
    """Change a posting's state. Closing one still open (a repost closes it too) first shows
    whom it affects, and happens once confirmed."""
    job = member_job(job_id)
    closes = action in ("close", "repost") and job.status in service.OPEN
    if closes and request.form.get("confirmed") != "1":
        return render_template(
            "jobs/close.html", job=job, action=action, affected=closing.affected(job)
        )
    try:
        if action == "repost":
            copy = closing.repost(job, current_user)
        elif action == "close":
            told = closing.close(job, current_user)
        else:
            service.change_status(job, action, current_user)
    except service.JobError as error:
        return refused(error, lambda _status: redirect(url_for("employers.dashboard"), 303))
    db.session.commit()
    if action == "repost":
        flash(_("Reposted as a new job."), "success")
        return redirect(url_for("jobs.edit_job", job_id=copy.id))
    if action == "close":
        flash(closed_message(told), "success")
    else:
        flash(_("Saved."), "success")
    return redirect(url_for("employers.dashboard"))


def closed_message(told: closing.Affected) -> str:
    said = [_("The job is closed.")]
    if told.applications:
        said.append(
            ngettext(
                "%(num)d candidate was told.",
                "%(num)d candidates were told.",
                len(told.applications),
            )
        )
    if told.interviews:
        said.append(
            ngettext(
                "%(num)d interview was cancelled.",
                "%(num)d interviews were cancelled.",
                len(told.interviews),
            )
        )
    return join_sentences(said)


# Fraud reports (the rules: app/jobs/reports.py) ------------------------------------------


def report_page(job: Job, form: ReportForm, status: int):
    return render_template("jobs/report.html", job=job, form=form), status


@bp.route("/jobs/<id:job_id>/report", methods=["GET", "POST"])
@limiter.limit("5 per hour;20 per day", methods=["POST"])
def report(job_id: int):
    """Anyone who can see a public job may report it as fraudulent."""
    job = db.get_or_404(Job, job_id)
    if not job.is_public:
        abort(404)
    form = ReportForm()
    if not form.validate_on_submit():
        return report_page(job, form, 422 if form.is_submitted() else 200)
    reporter = current_user if current_user.is_authenticated else None
    try:
        reports.report(job, reporter, form.reason.data, form.details.data or "")
    except reports.ReportError as error:
        return refused(error, lambda status: report_page(job, form, status))
    db.session.commit()
    flash(_("Thank you. Officials of the employer's region will look into it."), "success")
    return redirect(url_for("jobs.detail", job_id=job.id))


@bp.route("/officials/reports", endpoint="reports")
@roles_required(Role.OFFICIAL, Role.ADMIN)
def reports_queue():
    items = db.session.scalars(reports.open_reports_query(scope_code()).limit(200)).all()
    return render_template(
        "jobs/reports.html", items=items, reasons=reports.REASONS, form=ReportDecisionForm()
    )


@bp.route("/officials/reports/<id:report_id>/<any(uphold, dismiss):decision>", methods=["POST"])
@roles_required(Role.OFFICIAL, Role.ADMIN)
def decide_report(report_id: int, decision: str):
    item = db.get_or_404(JobReport, report_id)
    if not covers_region(current_user, item.job.employer.region_code):
        abort(404)
    if not ReportDecisionForm().validate_on_submit():
        abort(400)
    try:
        taken_down = reports.resolve(
            item,
            current_user,
            uphold=decision == "uphold",
            close_job=bool(request.form.get("close_job")),
        )
    except reports.ReportError as error:
        return refused(error, lambda _status: redirect(url_for("jobs.reports"), 303))
    db.session.commit()
    said = [_("Decision recorded.")]
    if taken_down is not None:
        said.append(closed_message(taken_down))
    flash(join_sentences(said), "success")
    return redirect(url_for("jobs.reports"))
