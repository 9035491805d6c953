"""The employer's resumption report (复工复产): a short form, one report per day."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app import audit
from app.access import OFFICIALS, current_employer, roles_required
from app.dashboards.scope import current_scope
from app.exports import csv_response
from app.extensions import db
from app.models import (
    CompanySize,
    Employer,
    Industry,
    ResumptionReport,
    Role,
)
from app.resumption.forms import ResumptionForm

bp = Blueprint("resumption", __name__)


@bp.route("/employers/mine/resumption", methods=["GET", "POST"])
@roles_required(Role.EMPLOYER)
def report():
    employer = current_employer()
    today = date.today()
    report = db.session.scalar(
        sa.select(ResumptionReport).where(
            ResumptionReport.employer_id == employer.id, ResumptionReport.report_date == today
        )
    )
    form = ResumptionForm(obj=report)
    if form.validate_on_submit():
        report = report or ResumptionReport(employer_id=employer.id, report_date=today)
        form.populate_obj(report)
        if report.resumed and report.resumed_on is None:
            report.resumed_on = today
        if not report.resumed:
            report.resumed_on = None
        db.session.add(report)
        db.session.flush()
        audit.record(
            "resumption.report", report, resumed=report.resumed, workers_back=report.workers_back
        )
        db.session.commit()
        flash(_("Thank you: today's report is saved."), "success")
        return redirect(url_for("resumption.report"))
    history = db.session.scalars(
        sa.select(ResumptionReport)
        .where(ResumptionReport.employer_id == employer.id)
        .order_by(ResumptionReport.report_date.desc())
        .limit(14)
    ).all()
    return render_template("resumption/report.html", form=form, history=history), (
        422 if form.is_submitted() else 200
    )


@bp.route("/officials/dashboards/resumption/enterprises")
@roles_required(*OFFICIALS)
def enterprises():
    """The enterprises behind a resumption figure, with their latest report."""
    scope = current_scope()
    query = scope.employers()
    industry, size = request.args.get("industry"), request.args.get("size")
    if industry:
        if industry not in {i.value for i in Industry}:
            abort(404)
        query = query.where(Employer.industry == industry)
    if size:
        if size not in {s.value for s in CompanySize}:
            abort(404)
        query = query.where(Employer.size == size)
    latest = (
        sa.select(
            ResumptionReport.employer_id, sa.func.max(ResumptionReport.report_date).label("day")
        )
        .group_by(ResumptionReport.employer_id)
        .subquery()
    )
    rows = db.session.execute(
        query.join(latest, latest.c.employer_id == Employer.id)
        .join(
            ResumptionReport,
            sa.and_(
                ResumptionReport.employer_id == Employer.id,
                ResumptionReport.report_date == latest.c.day,
            ),
        )
        .add_columns(ResumptionReport)
        .order_by(Employer.name)
        .limit(500)
    ).all()
    if request.args.get("format") == "csv":
        return csv_response(
            "enterprises.csv",
            [
                _("Enterprise"),
                _("Region"),
                _("Reported on"),
                _("Resumed"),
                _("Workers back"),
                _("Workers total"),
                _("Obstacles"),
            ],
            [
                [
                    e.name,
                    e.region.name,
                    r.report_date,
                    _("yes") if r.resumed else _("no"),
                    r.workers_back,
                    r.workers_total,
                    r.obstacles,
                ]
                for e, r in rows
            ],
        )
    return render_template("resumption/enterprises.html", rows=rows, scope=scope)
