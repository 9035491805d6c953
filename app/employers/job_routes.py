"""Pages where an employer's members write and manage the company's job postings."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.access import current_employer, get_or_404, roles_required
from app.employers import bp, jobs
from app.employers.forms import JobForm
from app.extensions import db
from app.models import EmploymentType, Job, JobStatus, Role, SalaryPeriod


def own_job(job_id: int) -> Job:
    """A job of the current user's employer; 404 for any other (ids are not probed)."""
    employer = current_employer()
    job = get_or_404(Job, job_id)
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
        "employers/job_form.html", form=form, job=job, creating=creating, duplicates=found
    ), status


@bp.route("/mine/jobs/new", methods=["GET", "POST"])
@roles_required(Role.EMPLOYER)
def new_job():
    employer = current_employer()
    form = JobForm()
    if request.method == "GET":
        form.region_code.data = employer.region_code
    return edit_page(Job(employer_id=employer.id), form, creating=True)


@bp.route("/mine/jobs/<int:job_id>/edit", methods=["GET", "POST"])
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
    "/mine/jobs/<int:job_id>/<any(publish, pause, resume, close, repost):action>", methods=["POST"]
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
        return redirect(url_for("employers.edit_job", job_id=copy.id))
    flash(_("Saved."), "success")
    return redirect(url_for("employers.dashboard"))
