"""The official's pages: dashboards, programmes and subsidies, all built on one Scope.

Every view starts from ``current_scope()``, which answers 404 for a region outside the
official's subtree; every query then comes from the scope (app.officials.scope).
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import audit
from app.access import get_or_404, roles_required
from app.extensions import db
from app.models import (
    CompanySize,
    CooperationAgreement,
    Employer,
    Industry,
    Job,
    JobFair,
    JobStatus,
    Region,
    ResumptionReport,
    Role,
    SubsidyClaim,
    SubsidyPolicy,
    VerificationState,
)
from app.officials import bp, dashboards, fairs
from app.officials import subsidies as subsidy_service
from app.officials.exports import csv_response
from app.officials.forms import AgreementForm, FairForm, PolicyForm
from app.officials.rollups import computed_at, count_of
from app.officials.scope import Scope
from app.queue import DERIVED, defer

OFFICIALS = (Role.OFFICIAL, Role.ADMIN)
BOARDS = ("resumption", "recruitment", "cooperation", "map", "service")


def current_scope() -> Scope:
    return Scope.of(current_user, request.args.get("region"))


def scoped_get(model, ident, code_of):
    """The object if its region (CODE_OF(obj)) is in the official's scope, else 404."""
    item = get_or_404(model, ident)
    if not Scope.of(current_user).covers(code_of(item)):
        abort(404)
    return item


@bp.route("/")
@roles_required(*OFFICIALS)
def dashboard():
    scope = current_scope()
    # Both employer counts in one pass over a province's hundred thousand employers.
    employers, verified = db.session.execute(
        scope.employers().with_only_columns(
            sa.func.count(),
            sa.func.coalesce(
                count_of(Employer.verification_state == VerificationState.APPROVED), 0
            ),
        )
    ).one()
    figures = {
        "employers": employers,
        "verified": verified,
        "jobs": db.session.scalar(
            scope.jobs().where(Job.status == JobStatus.PUBLISHED).with_only_columns(sa.func.count())
        ),
        # From the rollups: counting a province's million applications would take seconds.
        "applications": dashboards.Figures(db.session, scope).total("applications"),
    }
    pending = db.session.scalars(
        scope.employers()
        .where(Employer.verification_state == VerificationState.SUBMITTED)
        .order_by(Employer.submitted_at)
        .limit(50)
    ).all()
    region = db.session.get(Region, scope.focus) if scope.focus else None
    return render_template(
        "officials/dashboard.html", region=region, figures=figures, pending=pending, boards=BOARDS
    )


@bp.route("/employers/<int:employer_id>")
@roles_required(*OFFICIALS)
def employer(employer_id: int):
    item = scoped_get(Employer, employer_id, lambda e: e.region_code)
    return render_template("officials/employer.html", employer=item)


def board_data(board: str, scope: Scope) -> dict:
    session = db.session
    if board == "resumption":

        def link(kind, value):
            args = (
                {"region": value}
                if kind == "region"
                else {"region": scope.focus or None, kind: value}
            )
            return url_for("officials.resumption_enterprises", **args)

        return dashboards.resumption(session, scope, link)
    if board == "recruitment":
        return dashboards.recruitment(
            session,
            scope,
            lambda code: (
                url_for("officials.board", board="recruitment", region=code)
                if len(code) > len(scope.focus)
                else None
            ),
        )
    if board == "cooperation":
        return dashboards.cooperation(session, scope)
    if board == "map":
        return dashboards.recruitment_map(session, scope, lambda f: url_for("static", filename=f))
    if board == "service":
        return dashboards.service(session, scope)
    abort(404)


@bp.route("/dashboards/<board>")
@roles_required(*OFFICIALS)
def board(board: str):
    if board not in BOARDS:
        abort(404)
    scope = current_scope()
    data = board_data(board, scope)
    return render_template(
        "officials/board.html",
        board=board,
        data=data,
        scope=scope,
        crumbs=scope.breadcrumbs(db.session),
        children=scope.region_options(db.session),
        computed_at=computed_at(db.session),
    )


@bp.route("/dashboards/<board>.json")
@roles_required(*OFFICIALS)
def board_json(board: str):
    if board not in BOARDS:
        abort(404)
    scope = current_scope()
    data = board_data(board, scope)
    computed = computed_at(db.session)
    return jsonify(
        {
            "region": scope.focus,
            "computed_at": computed.isoformat() if computed else None,
            "summary": {
                k: (str(v) if isinstance(v, date) else v)
                for k, v in data.get("summary", {}).items()
            },
            "charts": [c.as_json() for c in data["charts"]],
        }
    )


@bp.route("/dashboards/<board>/<chart_id>.csv")
@roles_required(*OFFICIALS)
def board_csv(board: str, chart_id: str):
    if board not in BOARDS:
        abort(404)
    scope = current_scope()
    for chart in board_data(board, scope)["charts"]:
        if chart.id == chart_id:
            return csv_response(f"{chart_id}-{scope.focus or 'all'}.csv", chart.columns, chart.rows)
    abort(404)


@bp.route("/dashboards/resumption/enterprises")
@roles_required(*OFFICIALS)
def resumption_enterprises():
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
    return render_template("officials/enterprises.html", rows=rows, scope=scope)


@bp.route("/rollups/refresh", methods=["POST"])
@roles_required(*OFFICIALS)
def refresh_rollups():
    defer("app.tasks.rollups.refresh", job_timeout=1800, queue=DERIVED)
    audit.record("rollups.refresh", current_user)
    db.session.commit()
    flash(_("The figures are being recomputed; reload in a minute."), "info")
    return redirect(request.form.get("next") or url_for("officials.dashboard"))


@bp.route("/cooperation/new", methods=["GET", "POST"])
@roles_required(*OFFICIALS)
def new_agreement():
    form = AgreementForm()
    if form.validate_on_submit():
        scope = Scope.of(current_user)
        if not (scope.covers(form.origin_code.data) or scope.covers(form.destination_code.data)):
            form.origin_code.errors.append(_("One end of the agreement must be in your region."))
        else:
            agreement = CooperationAgreement(created_by_id=current_user.id)
            form.populate_obj(agreement)
            db.session.add(agreement)
            db.session.flush()
            audit.record("cooperation.create", agreement)
            defer(
                "app.tasks.rollups.refresh", job_timeout=1800, queue=DERIVED
            )  # its flows are rollups too
            db.session.commit()
            flash(_("The agreement is saved."), "success")
            return redirect(url_for("officials.board", board="cooperation"))
    return render_template(
        "officials/form.html", form=form, title=_("New labor cooperation agreement")
    ), (422 if form.is_submitted() else 200)


@bp.route("/fairs")
@roles_required(*OFFICIALS)
def fair_list():
    scope = current_scope()
    items = db.session.scalars(scope.fairs().order_by(JobFair.starts_on.desc()).limit(100)).all()
    return render_template("officials/fairs.html", fairs=items)


@bp.route("/fairs/new", methods=["GET", "POST"])
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
            return redirect(url_for("officials.fair_stats", fair_id=fair.id))
    return render_template("officials/form.html", form=form, title=_("New online job fair")), (
        422 if form.is_submitted() else 200
    )


@bp.route("/fairs/<int:fair_id>")
@roles_required(*OFFICIALS)
def fair_stats(fair_id: int):
    fair = scoped_get(JobFair, fair_id, lambda f: f.region_code)
    stats = fairs.statistics(db.session, fair)
    if request.args.get("format") == "csv":
        return csv_response(f"fair-{fair.id}.csv", fair_columns(), stats["rows"])
    chart = dashboards.Chart("fair-daily", _("Per day"), "bar", fair_columns(), stats["rows"])
    return render_template("officials/fair.html", fair=fair, stats=stats, chart=chart)


def fair_columns() -> list[str]:
    return [_("Day"), _("Employers registered"), _("Résumés received"), _("Interviews"), _("Hires")]


@bp.route("/subsidies")
@roles_required(*OFFICIALS)
def subsidies():
    scope = current_scope()
    policies = db.session.scalars(scope.policies().order_by(SubsidyPolicy.starts_on.desc())).all()
    status = request.args.get("status") or "claimed"
    claims = db.session.execute(
        scope.claims()
        .where(SubsidyClaim.status == status)
        .add_columns(Employer)
        .order_by(SubsidyClaim.created_at)
        .limit(500)
    ).all()
    return render_template(
        "officials/subsidies.html", policies=policies, claims=claims, status=status
    )


@bp.route("/subsidies/new", methods=["GET", "POST"])
@roles_required(*OFFICIALS)
def new_policy():
    form = PolicyForm()
    if form.validate_on_submit():
        if not Scope.of(current_user).covers(form.region_code.data):
            form.region_code.errors.append(_("Choose a region inside your own."))
        else:
            policy = SubsidyPolicy(created_by_id=current_user.id, committed_amount=0)
            form.populate_obj(policy)
            db.session.add(policy)
            db.session.flush()
            audit.record(
                "subsidy.policy",
                policy,
                rule=policy.rule.value if hasattr(policy.rule, "value") else policy.rule,
            )
            db.session.commit()
            flash(_("The subsidy policy is published."), "success")
            return redirect(url_for("officials.subsidies"))
    return render_template("officials/form.html", form=form, title=_("New subsidy policy")), (
        422 if form.is_submitted() else 200
    )


@bp.route("/subsidies/claims", methods=["POST"])
@roles_required(*OFFICIALS)
def review_claims():
    action = request.form.get("action")
    if action not in ("approve", "reject", "pay"):
        abort(422)
    ids = [int(i) for i in request.form.getlist("claim") if i.isdigit()]
    claims = db.session.scalars(
        Scope.of(current_user).claims().where(SubsidyClaim.id.in_(ids or [0]))
    ).all()
    changed = subsidy_service.review(db.session, list(claims), action, current_user)
    db.session.commit()
    flash(_("%(n)s claims updated.", n=changed), "success")
    return redirect(url_for("officials.subsidies", status=request.form.get("status") or "claimed"))
