"""Browsing jobs and the public job page (readable without an account, shareable)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.access import (
    covers_region,
    current_employer,
    roles_required,
    scope_code,
    works_for,
)
from app.extensions import db, limiter
from app.indexing import service as search_index
from app.jobs import search as search_views
from app.jobs import service as jobs
from app.jobs.forms import JobForm, ReportDecisionForm, ReportForm
from app.jobs.search import similar_jobs
from app.models import (
    EmploymentType,
    Job,
    JobReport,
    JobStatus,
    Role,
    SalaryPeriod,
)
from search import SearchUnavailable

bp = Blueprint("jobs", __name__)


def visible_to_current_user(job: Job) -> bool:
    if job.status == JobStatus.PUBLISHED and job.employer.verified:
        return True
    return current_user.is_authenticated and works_for(current_user, job.employer_id)


@bp.route("/jobs/")
def index():
    """The job search page: engine first, the database when the engine is down."""
    return search_views.search_page()


@bp.route("/jobs/<int:job_id>")
def detail(job_id: int):
    """Public and shareable while published by a verified employer; members see every state."""
    job = db.get_or_404(Job, job_id)
    if not visible_to_current_user(job):
        abort(404)
    return render_template("jobs/detail.html", job=job, public=is_public(job))


def is_public(job: Job) -> bool:
    return job.status == JobStatus.PUBLISHED and job.employer.verified


@bp.route("/jobs/<int:job_id>/report", methods=["GET", "POST"])
@limiter.limit("5 per hour;20 per day", methods=["POST"])
def report(job_id: int):
    """Anyone who can see a public job may report it as fraudulent."""
    job = db.get_or_404(Job, job_id)
    if not is_public(job):
        abort(404)
    form = ReportForm()
    status = 200
    if form.validate_on_submit():
        reporter = current_user if current_user.is_authenticated else None
        try:
            jobs.report(job, reporter, form.reason.data, form.details.data or "")
        except jobs.ReportError as error:
            db.session.rollback()
            form.reason.errors.append(str(error))
            status = 409
        else:
            db.session.commit()
            flash(_("Thank you. Officials of the employer's region will look into it."), "success")
            return redirect(url_for("jobs.detail", job_id=job.id))
    elif form.is_submitted():
        status = 422
    return render_template("jobs/report.html", job=job, form=form), status


def own_job(job_id: int) -> Job:
    """A job of the current user's employer; 404 for any other (ids are not probed)."""
    employer = current_employer()
    job = db.get_or_404(Job, job_id)
    if job.employer_id != employer.id:
        abort(404)
    return job


def fill(job: Job, form: JobForm) -> None:
    job.title = form.title.data.strip()
    job.description = form.description.data or ""
    job.skills = form.skills.data
    job.salary_min, job.salary_max = form.salary_min.data, form.salary_max.data
    job.salary_period = SalaryPeriod(form.salary_period.data)
    job.employment_type = EmploymentType(form.employment_type.data)
    job.headcount = form.headcount.data
    job.region_code = form.region_code.data
    job.remote = form.remote.data
    job.deadline = form.deadline.data
    job.screening_questions = form.questions()


def edit_page(job: Job, form: JobForm, creating: bool):
    """Save the posting (asking to confirm a likely duplicate) or show the form again."""
    status = 422 if form.is_submitted() else 200
    found: list[Job] = []
    if form.validate_on_submit():
        publish = creating and request.form.get("action") == "publish"
        with db.session.no_autoflush:
            fill(job, form)
            if publish:
                job.status = JobStatus.PUBLISHED
            try:
                found = jobs.save(
                    job, current_user, confirmed_duplicate=form.confirm_duplicate.data
                )
            except jobs.JobError as error:
                db.session.rollback()
                flash(str(error), "error")
                found, status = [], 409
            else:
                if not found:
                    db.session.commit()
                    flash(_("Saved."), "success")
                    return redirect(url_for("employers.dashboard"))
                db.session.rollback()
                status = 409
    return render_template(
        "jobs/form.html", form=form, job=job, creating=creating, duplicates=found
    ), status


@bp.route("/employers/mine/jobs/new", methods=["GET", "POST"])
@roles_required(Role.EMPLOYER)
def new_job():
    employer = current_employer()
    form = JobForm()
    if request.method == "GET":
        form.region_code.data = employer.region_code
    return edit_page(Job(employer_id=employer.id), form, creating=True)


@bp.route("/employers/mine/jobs/<int:job_id>/edit", methods=["GET", "POST"])
@roles_required(Role.EMPLOYER)
def edit_job(job_id: int):
    job = own_job(job_id)
    if job.status == JobStatus.CLOSED:
        flash(_("Closed jobs cannot be edited; repost it instead."), "error")
        return redirect(url_for("employers.dashboard")), 303
    form = JobForm(obj=job)
    if request.method == "GET":
        form.screening_questions.data = "\n".join(job.screening_questions or [])
    return edit_page(job, form, creating=False)


@bp.route(
    "/employers/mine/jobs/<int:job_id>/<any(publish, pause, resume, close, repost):action>",
    methods=["POST"],
)
@roles_required(Role.EMPLOYER)
def job_action(job_id: int, action: str):
    job = own_job(job_id)
    try:
        if action == "repost":
            copy = jobs.repost(job, current_user)
        else:
            jobs.change_status(job, action, current_user)
    except jobs.JobError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("employers.dashboard")), 303
    db.session.commit()
    if action == "repost":
        flash(_("Reposted as a new job."), "success")
        return redirect(url_for("jobs.edit_job", job_id=copy.id))
    flash(_("Saved."), "success")
    return redirect(url_for("employers.dashboard"))


@bp.route("/jobs/suggest")
def suggest():
    """Autocomplete for the search box: titles, skills, employers; pinyin and initials work."""
    prefix = request.args.get("q", "").strip()[:50]
    if not prefix:
        return jsonify([])
    try:
        found = search_index.get_backend().suggest(prefix, kind="jobs")
    except SearchUnavailable:
        found = []
    return jsonify([{"text": s.text, "kind": s.kind} for s in found])


@bp.route("/officials/reports", endpoint="reports")
@roles_required(Role.OFFICIAL, Role.ADMIN)
def reports_queue():
    items = db.session.scalars(jobs.open_reports_query(scope_code()).limit(200)).all()
    return render_template(
        "jobs/reports.html",
        items=items,
        reasons=jobs.REASONS,
        form=ReportDecisionForm(),
    )


@bp.route("/officials/reports/<int:report_id>/<any(uphold, dismiss):decision>", methods=["POST"])
@roles_required(Role.OFFICIAL, Role.ADMIN)
def decide_report(report_id: int, decision: str):
    item = db.get_or_404(JobReport, report_id)
    if not covers_region(current_user, item.job.employer.region_code):
        abort(404)
    form = ReportDecisionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        jobs.resolve(
            item,
            current_user,
            uphold=decision == "uphold",
            close_job=bool(request.form.get("close_job")),
        )
    except jobs.ReportError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("jobs.reports")), 303
    db.session.commit()
    flash(_("Decision recorded."), "success")
    return redirect(url_for("jobs.reports"))


@bp.app_context_processor
def _similar_jobs_helper() -> dict[str, Any]:
    """Lets jobs/_similar.html ask for similar jobs without the detail view passing them."""
    return {"similar_jobs": similar_jobs}
