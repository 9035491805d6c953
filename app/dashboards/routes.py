"""The official's pages: dashboards, programmes and subsidies, all built on one Scope.

Every view starts from ``current_scope()``, which answers 404 for a region outside the
official's subtree; every query then comes from the scope (app.dashboards.scope).
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import audit
from app.access import OFFICIALS, roles_required
from app.dashboards import service as dashboards
from app.dashboards.rollups import computed_at, count_of
from app.dashboards.scope import Scope, current_scope
from app.exports import csv_response
from app.extensions import db
from app.models import (
    Employer,
    Job,
    JobStatus,
    Region,
    VerificationState,
)
from app.queue import DERIVED, defer

bp = Blueprint("dashboards", __name__)


BOARDS = ("resumption", "recruitment", "cooperation", "map", "service")


@bp.route("/officials/")
@roles_required(*OFFICIALS)
def home():
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
        "dashboards/home.html", region=region, figures=figures, pending=pending, boards=BOARDS
    )


def board_data(board: str, scope: Scope) -> dict:
    session = db.session
    if board == "resumption":

        def link(kind, value):
            args = (
                {"region": value}
                if kind == "region"
                else {"region": scope.focus or None, kind: value}
            )
            return url_for("resumption.enterprises", **args)

        return dashboards.resumption(session, scope, link)
    if board == "recruitment":
        return dashboards.recruitment(
            session,
            scope,
            lambda code: (
                url_for("dashboards.board", board="recruitment", region=code)
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


@bp.route("/officials/dashboards/<board>")
@roles_required(*OFFICIALS)
def board(board: str):
    if board not in BOARDS:
        abort(404)
    scope = current_scope()
    data = board_data(board, scope)
    return render_template(
        "dashboards/board.html",
        board=board,
        data=data,
        scope=scope,
        crumbs=scope.breadcrumbs(db.session),
        children=scope.region_options(db.session),
        computed_at=computed_at(db.session),
    )


@bp.route("/officials/dashboards/<board>.json")
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


@bp.route("/officials/dashboards/<board>/<chart_id>.csv")
@roles_required(*OFFICIALS)
def board_csv(board: str, chart_id: str):
    if board not in BOARDS:
        abort(404)
    scope = current_scope()
    for chart in board_data(board, scope)["charts"]:
        if chart.id == chart_id:
            return csv_response(f"{chart_id}-{scope.focus or 'all'}.csv", chart.columns, chart.rows)
    abort(404)


@bp.route("/officials/rollups/refresh", methods=["POST"])
@roles_required(*OFFICIALS)
def refresh_rollups():
    defer("app.dashboards.tasks.refresh", job_timeout=1800, queue=DERIVED)
    audit.record("rollups.refresh", current_user)
    db.session.commit()
    flash(_("The figures are being recomputed; reload in a minute."), "info")
    return redirect(request.form.get("next") or url_for("dashboards.home"))
