"""The officials' dashboards: the home page with the region's counts, each board as a page,
JSON and per-chart CSV, and the button that recomputes the rollups behind them.

Every view starts from ``current_scope()``, which answers 404 for a region outside the
official's subtree; every query then comes from the scope (app.dashboards.scope). The
officials' pages of fairs, subsidies, cooperation and resumption live in those features.
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import audit
from app.access import OFFICIALS, roles_required
from app.cooperation import service as cooperation
from app.dashboards import service, tasks
from app.dashboards.rollups import computed_at
from app.dashboards.scope import Scope, current_scope
from app.exports import csv_response
from app.extensions import db
from app.models import Region
from app.security import same_site

bp = Blueprint("dashboards", __name__)


BOARDS = ("resumption", "recruitment", "cooperation", "map", "service")


@bp.route("/officials/")
@roles_required(*OFFICIALS)
def home():
    scope = current_scope()
    return render_template(
        "dashboards/home.html",
        region=db.session.get(Region, scope.focus) if scope.focus else None,
        figures=service.home(db.session, scope),
        pending=service.awaiting_review(db.session, scope),
        boards=BOARDS,
    )


def scoped_board(board: str) -> tuple[Scope, dict]:
    """The official's scope and BOARD's summary and charts for it; 404 for an unknown board."""
    if board not in BOARDS:
        abort(404)
    scope = current_scope()
    return scope, board_data(board, scope)


def board_data(board: str, scope: Scope) -> dict:
    """BOARD's figures for SCOPE, with where each figure leads (a drill-down, the list behind it)."""
    session = db.session
    if board == "resumption":

        def link(kind, value):
            args = (
                {"region": value}
                if kind == "region"
                else {"region": scope.focus or None, kind: value}
            )
            return url_for("resumption.enterprises", **args)

        return service.resumption(session, scope, link)
    if board == "recruitment":
        return service.recruitment(
            session,
            scope,
            lambda code: (
                url_for("dashboards.board", board="recruitment", region=code)
                if len(code) > len(scope.focus)
                else None
            ),
        )
    if board == "cooperation":
        data = service.cooperation(session, scope)
        # What the official may do is decided by their whole region, not the focus shown.
        region = Scope.of(current_user)
        for row in data["agreements"]:
            row["actions"] = cooperation.actions(row["agreement"], region)
        return data
    if board == "map":
        return service.recruitment_map(
            session,
            scope,
            lambda f: url_for("static", filename=f),
            lambda code: url_for("dashboards.board", board="map", region=code),
        )
    if board == "service":
        return service.service(session, scope)
    abort(404)


@bp.route("/officials/dashboards/<board>")
@roles_required(*OFFICIALS)
def board(board: str):
    scope, data = scoped_board(board)
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
    scope, data = scoped_board(board)
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
    scope, data = scoped_board(board)
    for chart in data["charts"]:
        if chart.id == chart_id:
            return csv_response(f"{chart_id}-{scope.focus or 'all'}.csv", chart.columns, chart.rows)
    abort(404)


@bp.route("/officials/rollups/refresh", methods=["POST"])
@roles_required(*OFFICIALS)
def refresh_rollups():
    tasks.refresh_after_commit()
    audit.record("rollups.refresh", current_user)
    db.session.commit()
    flash(_("The figures are being recomputed; reload in a minute."), "info")
    return redirect(same_site(request.form.get("next"), url_for("dashboards.home")))
