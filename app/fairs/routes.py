"""Online job fairs. Anyone browses a fair's jobs; employers register with their jobs;
candidates apply in one click; officials create fairs in their region and follow each
fair's daily figures (``/officials/fairs``)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from app import clock
from app.access import OFFICIALS, current_employer, roles_required
from app.applications.service import ApplicationError
from app.dashboards.figures import Chart
from app.dashboards.scope import Scope, current_scope, scoped_get
from app.errors import refused
from app.exports import csv_response
from app.extensions import db
from app.fairs import service
from app.fairs.forms import FairForm
from app.fairs.service import FairError
from app.models import EmploymentType, Job, JobFair, Role
from app.routing import as_ids

bp = Blueprint("fairs", __name__)


def back_to_fair(fair: JobFair, status: int = 303):
    return redirect(url_for("fairs.show", fair_id=fair.id), status)


@bp.route("/fairs/")
def index():
    fairs = service.upcoming(db.session)
    return render_template(
        "fairs/index.html",
        fairs=fairs,
        taking_part=service.taking_part(db.session, fairs),
        today=clock.today(),
    )


@bp.route("/fairs/<id:fair_id>")
def show(fair_id: int):
    """The fair's jobs; a verified employer also gets its published jobs to register with."""
    fair = db.get_or_404(JobFair, fair_id)
    own_jobs, registered = [], False
    if (
        current_user.is_authenticated
        and current_user.role == Role.EMPLOYER
        and current_user.membership
    ):
        employer = current_user.membership.employer
        if service.may_register(employer):
            registered = service.is_registered(db.session, fair, employer)
            own_jobs = db.session.scalars(service.own_published(employer)).all()
    every = service.fair_jobs(db.session, fair)
    filters = {
        "q": request.args.get("q", "")[:100],
        "employment_type": request.args.get("employment_type", ""),
        "salary_min": request.args.get("salary_min", ""),
    }
    if filters["employment_type"] not in {e.value for e in EmploymentType}:
        filters["employment_type"] = ""
    salary = filters["salary_min"].strip()
    salary_min = int(salary) if salary.isascii() and salary.isdigit() and len(salary) < 9 else None
    jobs = service.filter_jobs(every, filters["q"], filters["employment_type"], salary_min)
    return render_template(
        "fairs/show.html",
        fair=fair,
        jobs=jobs,
        groups=service.by_employer(jobs),
        total=len(every),
        filters=filters,
        employment_types=list(EmploymentType),
        own_jobs=own_jobs,
        registered=registered,
    )


@bp.route("/fairs/<id:fair_id>/register", methods=["POST"])
@roles_required(Role.EMPLOYER)
def register(fair_id: int):
    fair = db.get_or_404(JobFair, fair_id)
    job_ids = as_ids(request.form.getlist("job"))
    try:
        attached = service.register(db.session, fair, current_employer(), job_ids)
    except FairError as error:
        return refused(error, lambda status: (show(fair.id), status))
    db.session.commit()
    flash(
        ngettext(
            "Your company is registered with %(num)d job.",
            "Your company is registered with %(num)d jobs.",
            attached,
        ),
        "success",
    )
    return back_to_fair(fair, 302)


@bp.route("/fairs/<id:fair_id>/apply/<id:job_id>", methods=["POST"])
@roles_required(Role.SEEKER)
def apply(fair_id: int, job_id: int):
    fair = db.get_or_404(JobFair, fair_id)
    if not service.shows(db.session, fair, job_id):
        abort(404)
    try:
        _application, created = service.apply(fair, current_user, db.get_or_404(Job, job_id))
    except ApplicationError as error:
        return refused(error, lambda status: (show(fair.id), status))
    if not created:
        flash(_("You have already applied to this job."), "info")
        return back_to_fair(fair)
    db.session.commit()
    flash(_("Your application was sent."), "success")
    return back_to_fair(fair)


# Officials ---------------------------------------------------------------------------------


@bp.route("/officials/fairs")
@roles_required(*OFFICIALS)
def fair_list():
    scope = current_scope()
    fairs = db.session.scalars(scope.fairs().order_by(JobFair.starts_on.desc()).limit(100)).all()
    return render_template("fairs/manage.html", fairs=fairs)


@bp.route("/officials/fairs/new", methods=["GET", "POST"])
@roles_required(*OFFICIALS)
def new_fair():
    form = FairForm()
    if form.validate_on_submit():
        if not Scope.of(current_user).covers(form.region_code.data):
            form.region_code.errors.append(_("Choose a region inside your own."))
        else:
            fair = service.create(db.session, current_user, form)
            db.session.commit()
            flash(_("The job fair is created."), "success")
            return redirect(url_for("fairs.fair_stats", fair_id=fair.id))
    return render_template("_form_page.html", form=form, title=_("New online job fair")), (
        422 if form.is_submitted() else 200
    )


@bp.route("/officials/fairs/<id:fair_id>")
@roles_required(*OFFICIALS)
def fair_stats(fair_id: int):
    """Totals and per-day figures; ``?format=csv`` downloads the per-day table."""
    fair = scoped_get(JobFair, fair_id, lambda f: f.region_code)
    stats = service.statistics(db.session, fair)
    if request.args.get("format") == "csv":
        return csv_response(f"fair-{fair.id}.csv", fair_columns(), stats["rows"])
    chart = Chart("fair-daily", _("Per day"), "bar", fair_columns(), stats["rows"])
    return render_template("fairs/stats.html", fair=fair, stats=stats, chart=chart)


def fair_columns() -> list[str]:
    return [_("Day"), _("Employers registered"), _("Résumés received"), _("Interviews"), _("Hires")]
