"""Browsing a fair's jobs (anyone) and registering an employer with its jobs (employers)."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import audit
from app.access import OFFICIALS, current_employer, roles_required
from app.dashboards import service as dashboards
from app.dashboards.scope import Scope, current_scope, scoped_get
from app.exports import csv_response
from app.extensions import db
from app.fairs import service as fair_service
from app.fairs import service as fairs
from app.fairs.forms import FairForm
from app.models import (
    FairEmployer,
    Job,
    JobFair,
    JobStatus,
    Role,
)

bp = Blueprint("fairs", __name__)


@bp.route("/fairs/")
def index():
    fairs = db.session.scalars(
        sa.select(JobFair)
        .where(JobFair.ends_on >= date.today())
        .order_by(JobFair.starts_on)
        .limit(50)
    ).all()
    return render_template("fairs/index.html", fairs=fairs)


@bp.route("/fairs/<int:fair_id>")
def show(fair_id: int):
    fair = db.get_or_404(JobFair, fair_id)
    jobs = fair_service.fair_jobs(db.session, fair)
    own_jobs, registered = [], False
    if (
        current_user.is_authenticated
        and current_user.role == Role.EMPLOYER
        and current_user.membership
    ):
        employer = current_user.membership.employer
        registered = db.session.get(FairEmployer, (fair.id, employer.id)) is not None
        own_jobs = db.session.scalars(
            sa.select(Job).where(Job.employer_id == employer.id, Job.status == JobStatus.PUBLISHED)
        ).all()
    return render_template(
        "fairs/show.html", fair=fair, jobs=jobs, own_jobs=own_jobs, registered=registered
    )


@bp.route("/fairs/<int:fair_id>/register", methods=["POST"])
@roles_required(Role.EMPLOYER)
def register(fair_id: int):
    fair = db.get_or_404(JobFair, fair_id)
    employer = current_employer()
    if fair.ends_on < date.today():
        flash(_("This fair has ended."), "error")
        return redirect(url_for("fairs.show", fair_id=fair.id)), 422
    job_ids = [int(i) for i in request.form.getlist("job") if i.isdigit()]
    attached = fair_service.register(db.session, fair, employer, job_ids)
    db.session.commit()
    flash(_("Your company is registered with %(n)s jobs.", n=attached), "success")
    return redirect(url_for("fairs.show", fair_id=fair.id))


@bp.route("/fairs/<int:fair_id>/apply/<int:job_id>", methods=["POST"])
@roles_required(Role.SEEKER)
def apply(fair_id: int, job_id: int):
    """One click from the fair: the usual apply service, with the fair recorded as the source."""
    from app.applications import service as applications
    from app.models import FairJob, Source

    fair = db.get_or_404(JobFair, fair_id)
    if db.session.get(FairJob, (fair.id, job_id)) is None:
        abort(404)
    job = db.get_or_404(Job, job_id)
    try:
        application, created = applications.apply(current_user, job, source=Source.FAIR)
    except applications.ApplicationError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return redirect(url_for("fairs.show", fair_id=fair.id)), error.status
    if not created:
        flash(_("You have already applied to this job."), "info")
        return redirect(url_for("fairs.show", fair_id=fair.id), 303)
    application.source, application.fair_id = Source.FAIR, fair.id
    db.session.commit()
    flash(_("Your application was sent."), "success")
    return redirect(url_for("fairs.show", fair_id=fair.id), 303)


@bp.route("/officials/fairs")
@roles_required(*OFFICIALS)
def fair_list():
    scope = current_scope()
    items = db.session.scalars(scope.fairs().order_by(JobFair.starts_on.desc()).limit(100)).all()
    return render_template("fairs/manage.html", fairs=items)


@bp.route("/officials/fairs/new", methods=["GET", "POST"])
@roles_required(*OFFICIALS)
def new_fair():
    form = FairForm()
    if form.validate_on_submit():
        if not Scope.of(current_user).covers(form.region_code.data):
            form.region_code.errors.append(_("Choose a region inside your own."))
        else:
            fair = JobFair(created_by_id=current_user.id)
            form.populate_obj(fair)
            db.session.add(fair)
            db.session.flush()
            audit.record("fair.create", fair)
            db.session.commit()
            flash(_("The job fair is created."), "success")
            return redirect(url_for("fairs.fair_stats", fair_id=fair.id))
    return render_template("_form_page.html", form=form, title=_("New online job fair")), (
        422 if form.is_submitted() else 200
    )


@bp.route("/officials/fairs/<int:fair_id>")
@roles_required(*OFFICIALS)
def fair_stats(fair_id: int):
    fair = scoped_get(JobFair, fair_id, lambda f: f.region_code)
    stats = fairs.statistics(db.session, fair)
    if request.args.get("format") == "csv":
        return csv_response(f"fair-{fair.id}.csv", fair_columns(), stats["rows"])
    chart = dashboards.Chart("fair-daily", _("Per day"), "bar", fair_columns(), stats["rows"])
    return render_template("fairs/stats.html", fair=fair, stats=stats, chart=chart)


def fair_columns() -> list[str]:
    return [_("Day"), _("Employers registered"), _("Résumés received"), _("Interviews"), _("Hires")]
