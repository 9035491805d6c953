"""Browsing jobs and the public job page (readable without an account, shareable)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectField, TextAreaField
from wtforms.validators import DataRequired, Length

from app.access import get_or_404, works_for
from app.employers import reports
from app.extensions import db, limiter
from app.jobs import bp, search_views
from app.models import Job, JobStatus


def visible_to_current_user(job: Job) -> bool:
    if job.status == JobStatus.PUBLISHED and job.employer.verified:
        return True
    return current_user.is_authenticated and works_for(current_user, job.employer_id)


@bp.route("/")
def index():
    """The job search page: engine first, the database when the engine is down."""
    return search_views.search_page()


@bp.route("/<int:job_id>")
def detail(job_id: int):
    """Public and shareable while published by a verified employer; members see every state."""
    job = get_or_404(Job, job_id)
    if not visible_to_current_user(job):
        abort(404)
    return render_template("jobs/detail.html", job=job, public=is_public(job))


def is_public(job: Job) -> bool:
    return job.status == JobStatus.PUBLISHED and job.employer.verified


class ReportForm(FlaskForm):
    reason = SelectField(
        _l("What is wrong?"), choices=list(reports.REASONS.items()), validators=[DataRequired()]
    )
    details = TextAreaField(_l("Details (optional)"), validators=[Length(max=2000)])


@bp.route("/<int:job_id>/report", methods=["GET", "POST"])
@limiter.limit("5 per hour;20 per day", methods=["POST"])
def report(job_id: int):
    """Anyone who can see a public job may report it as fraudulent."""
    job = get_or_404(Job, job_id)
    if not is_public(job):
        abort(404)
    form = ReportForm()
    status = 200
    if form.validate_on_submit():
        reporter = current_user if current_user.is_authenticated else None
        try:
            reports.report(job, reporter, form.reason.data, form.details.data or "")
        except reports.ReportError as error:
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
