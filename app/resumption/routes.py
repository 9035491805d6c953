"""Resumption of work (复工复产) pages: the employer's daily report (a short form, one report
a day), and for officials the enterprises behind a resumption figure, with their latest report
(the list a click on a dashboard figure opens; also as CSV)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.access import OFFICIALS, current_employer, roles_required
from app.dashboards.scope import current_scope
from app.exports import csv_response
from app.extensions import db
from app.models import CompanySize, Employer, Industry, Role
from app.resumption import service
from app.resumption.forms import ResumptionForm
from app.routing import page_number
from app.templating import place_name

bp = Blueprint("resumption", __name__)


@bp.route("/employers/mine/resumption", methods=["GET", "POST"])
@roles_required(Role.EMPLOYER)
def report():
    employer = current_employer()
    todays = service.todays_report(db.session, employer)
    form = ResumptionForm(obj=todays)
    if form.validate_on_submit():
        service.save_report(db.session, employer, todays, form)
        db.session.commit()
        flash(_("Thank you: today's report is saved."), "success")
        return redirect(url_for("resumption.report"))
    history = service.history(db.session, employer)
    return render_template("resumption/report.html", form=form, history=history), (
        422 if form.is_submitted() else 200
    )


@bp.route("/officials/dashboards/resumption/enterprises")
@roles_required(*OFFICIALS)
def enterprises():
    """The enterprises behind a resumption figure (``?industry=``, ``?size=``), with their
    latest report; ``?format=csv`` downloads the list."""
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
    if request.args.get("format") != "csv":
        return enterprise_page(query, scope)
    rows = db.session.execute(service.with_latest_report(query)).all()
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
                place_name(e.region.name),
                r.report_date,
                _("yes") if r.resumed else _("no"),
                r.workers_back,
                r.workers_total,
                r.obstacles,
            ]
            for e, r in rows
        ],
    )


ENTERPRISES_PER_PAGE = 50
"""A city has thousands of enterprises: as cards on a phone, 50 are already ten screens."""


def enterprise_page(query, scope):
    """One page (``?page=``) of the enterprises, by name; the CSV has them all."""
    page = page_number(request.args)
    rows = db.session.execute(
        service.with_latest_report(query, limit=ENTERPRISES_PER_PAGE + 1).offset(
            (page - 1) * ENTERPRISES_PER_PAGE
        )
    ).all()
    more = len(rows) > ENTERPRISES_PER_PAGE
    return render_template(
        "resumption/enterprises.html",
        rows=rows[:ENTERPRISES_PER_PAGE],
        scope=scope,
        page=page,
        more=more,
    )
