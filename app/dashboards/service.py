"""The boards: each one's figures for a scope, read from the rollups and shaped as charts.

One function per board (``resumption``, ``recruitment``, ``cooperation``, ``recruitment_map``,
``service``) plus the officials' home figures; ``app.dashboards.figures`` does the reading.
The boards stay together (a little over 400 lines) because they are one pattern, read side
by side when a figure's definition is in question.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import format_date, pgettext
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from app import clock
from app.dashboards import maps
from app.dashboards.figures import (
    Axis,
    Chart,
    Figures,
    median_hours,
    rate,
    region_names,
    size_order,
)
from app.dashboards.rollups import count_of
from app.dashboards.scope import Scope, child_length
from app.labels import COMPANY_SIZES, INDUSTRIES
from app.models import (
    AgreementStatus,
    Application,
    ClaimStatus,
    CooperationAgreement,
    Employer,
    Job,
    RollupCount,
    SubsidyClaim,
    VerificationState,
)


def home(session: Session, scope: Scope) -> dict[str, int]:
    """The officials' home page counts for the scope."""
    # Both employer counts in one pass over a province's hundred thousand employers.
    employers, verified = session.execute(
        scope.employers().with_only_columns(
            sa.func.count(),
            sa.func.coalesce(
                count_of(Employer.verification_state == VerificationState.APPROVED), 0
            ),
        )
    ).one()
    return {
        "employers": employers,
        "verified": verified,
        "jobs": session.scalar(
            scope.jobs().where(Job.is_public).with_only_columns(sa.func.count())
        ),
        # From the rollups: counting a province's million applications would take seconds.
        "applications": Figures(session, scope).total("applications"),
    }


def awaiting_review(session: Session, scope: Scope, limit: int = 50) -> list[Employer]:
    """Employers whose documents wait for an official, the longest waiting first."""
    return list(
        session.scalars(
            scope.employers()
            .where(Employer.verification_state == VerificationState.SUBMITTED)
            .order_by(Employer.submitted_at)
            .limit(limit)
        )
    )


def resumption(session: Session, scope: Scope, link) -> dict[str, Any]:
    """Latest week's resumption per child region, industry and size; weekly trend."""
    metrics = ["res_reported", "res_resumed", "res_back", "res_total"]
    f = Figures(session, scope)
    by_week = f.sums(metrics, "period")
    periods = sorted(by_week["res_reported"])
    week = periods[-1] if periods else None

    def grouped(key: str):
        sums: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        if week is not None:
            for metric, values in f.sums(metrics, key, period=week).items():
                for k, value in values.items():
                    sums[k][metric] += value
        return sums

    def figure_rows(sums, label, order=None):
        out = []
        for k in sorted(sums, key=order):
            s = sums[k]
            out.append(
                [
                    label(k),
                    s["res_reported"],
                    s["res_resumed"],
                    rate(s["res_resumed"], s["res_reported"]),
                    s["res_back"],
                    s["res_total"],
                    rate(s["res_back"], s["res_total"]),
                ]
            )
        return out

    columns = [
        _("Group"),
        _("Enterprises reporting"),
        _("Enterprises resumed"),
        _("Resumption rate (%)"),
        _("Workers back"),
        _("Workers total"),
        _("Workers back (%)"),
    ]
    by_region, by_industry, by_size = grouped("region_code"), grouped("dim1"), grouped("dim2")
    names = f.names(set(by_region))
    region_rows = figure_rows(by_region, lambda c: f.region_label(c, names))
    region_links = [link("region", code) for code in sorted(by_region)]
    ind_rows = figure_rows(by_industry, lambda k: str(INDUSTRIES.get(k, k)))
    ind_links = [link("industry", k) for k in sorted(by_industry)]
    size_rows = figure_rows(by_size, lambda k: str(COMPANY_SIZES.get(k, k)), size_order)
    size_links = [link("size", k) for k in sorted(by_size, key=size_order)]

    def in_week(metric: str, period: date | None) -> int:
        return by_week[metric].get(period, 0)

    weekly = []
    for period in periods:
        reported, resumed = in_week("res_reported", period), in_week("res_resumed", period)
        back, total = in_week("res_back", period), in_week("res_total", period)
        weekly.append([period, reported, resumed, rate(resumed, reported), back, rate(back, total)])
    summary = {
        "week": week,
        "reported": in_week("res_reported", week),
        "resumed": in_week("res_resumed", week),
        "back": in_week("res_back", week),
        "total": in_week("res_total", week),
    }
    summary["rate"] = rate(summary["resumed"], summary["reported"])
    summary["workers_rate"] = rate(summary["back"], summary["total"])
    # Rates only: enterprises (tens) and workers (thousands) would flatten each other and the
    # rates; the counts are in each chart's table.
    rates = [Axis(_("Rate (%)"), [3, 6], percent=True)]
    return {
        "summary": summary,
        "charts": [
            Chart(
                "res-weekly",
                _("Resumption by week"),
                "line",
                [
                    _("Week"),
                    _("Enterprises reporting"),
                    _("Enterprises resumed"),
                    _("Resumption rate (%)"),
                    _("Workers back"),
                    _("Workers back (%)"),
                ],
                weekly,
                axes=[Axis(_("Rate (%)"), [3, 5], percent=True)],
            ),
            Chart(
                "res-region",
                _("Resumption by region"),
                "bar",
                [_("Region"), *columns[1:]],
                region_rows,
                region_links,
                axes=rates,
            ),
            Chart(
                "res-industry",
                _("Resumption by industry"),
                "bar",
                [_("Industry"), *columns[1:]],
                ind_rows,
                ind_links,
                axes=rates,
            ),
            Chart(
                "res-size",
                _("Resumption by enterprise size"),
                "bar",
                [_("Size"), *columns[1:]],
                size_rows,
                size_links,
                axes=rates,
            ),
        ],
    }


RECRUITMENT = ["jobs_posted", "applications", "interviews", "hires"]


def recruitment(session: Session, scope: Scope, link) -> dict[str, Any]:
    f = Figures(session, scope)
    labels = [_("Jobs posted"), _("Applications"), _("Interviews"), _("Hires")]

    def table(sums, label, sort_key=None):
        keys = sorted({k for s in sums.values() for k in s}, key=sort_key)
        return [[label(k), *[sums[m].get(k, 0) for m in RECRUITMENT]] for k in keys], keys

    by_region = f.sums(RECRUITMENT, "region_code")
    names = f.names({k for s in by_region.values() for k in s})
    region_rows, region_keys = table(by_region, lambda c: f.region_label(c, names))
    industry_rows, _k = table(f.sums(RECRUITMENT, "dim1"), lambda k: str(INDUSTRIES.get(k, k)))
    weekly_rows, _w = table(f.sums(RECRUITMENT, "period"), lambda p: p, sort_key=lambda p: str(p))
    histogram = {int(hours): n for hours, n in f.by("resp_hours", "dim1").items()}
    summary = {m: sum(row[1 + i] for row in weekly_rows) for i, m in enumerate(RECRUITMENT)}
    summary["median_response_hours"] = median_hours(histogram)
    return {
        "summary": summary,
        "unapplied": unapplied_jobs(session, scope),
        "charts": [
            Chart(
                "rec-weekly", _("Recruitment by week"), "line", [_("Week"), *labels], weekly_rows
            ),
            Chart(
                "rec-region",
                _("Recruitment by region"),
                "bar",
                [_("Region"), *labels],
                region_rows,
                [link(code) for code in region_keys],
            ),
            Chart(
                "rec-industry",
                _("Recruitment by industry"),
                "bar",
                [_("Industry"), *labels],
                industry_rows,
            ),
        ],
    }


def unapplied_jobs(session: Session, scope: Scope, limit: int = 20) -> list[Job]:
    """Public vacancies nobody has applied to, oldest first."""
    return (
        session.scalars(
            scope.jobs()
            .where(Job.is_public, ~sa.exists().where(Application.job_id == Job.id))
            .order_by(Job.published_at)
            .limit(limit)
        )
        .unique()
        .all()
    )


def agreement_state(agreement: CooperationAgreement, awaiting: str) -> str:
    """Where AGREEMENT stands, in words (AWAITING: the name of the region to answer)."""
    today = clock.today()
    match agreement.status:
        case AgreementStatus.PROPOSED:
            return _("Proposed: awaiting %(region)s", region=awaiting)
        case AgreementStatus.DECLINED:
            return pgettext("agreement", "Declined")
        case AgreementStatus.WITHDRAWN:
            return _("Withdrawn")
        case AgreementStatus.ENDED:
            return _("Ended on %(day)s", day=format_date(clock.today(agreement.ended_at)))
    if agreement.starts_on > today:
        return _("Agreed: starts %(day)s", day=format_date(agreement.starts_on))
    if agreement.ends_on < today:
        return _("Ran its course")
    return _("In force")


def cooperation(session: Session, scope: Scope) -> dict[str, Any]:
    """Flows for the agreements with an end in scope, read from the cooperation rollups."""
    agreements = session.scalars(
        scope.agreements().order_by(CooperationAgreement.starts_on.desc())
    ).all()
    if not agreements:
        return {"agreements": [], "charts": []}
    # Each agreement's flows at its destination's child level only: the deeper levels repeat
    # them in hundreds of thousands of rows, which the (metric, level, ...) index skips.
    levels = defaultdict(list)
    for a in agreements:
        levels[child_length(a.destination_code)].append(str(a.id))
    rows = session.execute(
        sa.select(
            RollupCount.metric,
            RollupCount.region_code,
            RollupCount.dim1,
            RollupCount.dim2,
            sa.cast(sa.func.sum(RollupCount.value), sa.BigInteger),
        )  # not NUMERIC on PostgreSQL
        .where(
            RollupCount.metric.in_(["coop_apps", "coop_hires"]),
            sa.or_(
                *[
                    sa.and_(RollupCount.level == level, RollupCount.dim1.in_(ids))
                    for level, ids in levels.items()
                ]
            ),
        )
        .group_by(RollupCount.metric, RollupCount.region_code, RollupCount.dim1, RollupCount.dim2)
    ).all()
    names = region_names(
        session,
        {r.region_code for r in rows}
        | {r.dim2 for r in rows}
        | {a.origin_code for a in agreements}
        | {a.destination_code for a in agreements},
    )
    # Two agreements between the same regions (other industries, other years) may count one
    # application each: a flow shows the larger count, never the sum.
    by_agreement: dict[tuple[str, str], dict[str, dict[str, int]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(int))
    )
    per_agreement: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for r in rows:
        by_agreement[(r.dim2, r.region_code)][r.dim1][r.metric] += r[4]
        per_agreement[r.dim1][r.metric] += r[4]
    flows = {
        pair: {
            metric: max(counts.get(metric, 0) for counts in agreements.values())
            for metric in ("coop_apps", "coop_hires")
        }
        for pair, agreements in by_agreement.items()
    }
    summary = []
    for a in agreements:
        s = per_agreement[str(a.id)]
        summary.append(
            {
                "agreement": a,
                "origin": names.get(a.origin_code, a.origin_code),
                "destination": names.get(a.destination_code, a.destination_code),
                "state": agreement_state(a, names.get(a.awaiting_code or "", "")),
                "applications": s["coop_apps"],
                "hires": s["coop_hires"],
                "progress": rate(s["coop_hires"], a.workers_target),
            }
        )
    table = []
    for (origin, destination), s in sorted(flows.items()):
        table.append(
            [
                names.get(origin, origin),
                names.get(destination, destination),
                s["coop_apps"],
                s["coop_hires"],
            ]
        )
    sankey = {
        "nodes": sorted({row[0] for row in table} | {row[1] for row in table}),
        "links": [
            {"source": row[0], "target": row[1], "value": row[2]}
            for row in table
            if row[0] != row[1]
        ],
    }
    return {
        "agreements": summary,
        "charts": [
            Chart(
                "coop-flows",
                _("Labor cooperation flows (applications)"),
                "sankey",
                [
                    pgettext("labour flow", "From"),
                    pgettext("labour flow", "To"),
                    _("Applications"),
                    _("Hires"),
                ],
                table,
                extra={"sankey": sankey},
            )
        ],
    }


def recruitment_map(session: Session, scope: Scope, static_url, link) -> dict[str, Any]:
    """Where the applications are: a map of the focus's children down to county level (a click
    drills down); for a county, the county on its city's map and a treemap of its towns; below
    that, the treemap alone (see app.dashboards.maps)."""
    f = Figures(session, scope)
    sums = f.sums(["applications", "hires", "jobs_posted"], "region_code")
    apps, hires, jobs = sums["applications"], sums["hires"], sums["jobs_posted"]
    codes = sorted(set(apps) | set(hires) | set(jobs))
    names = f.names(set(codes))
    table = [
        [f.region_label(c, names), jobs.get(c, 0), apps.get(c, 0), hires.get(c, 0)] for c in codes
    ]
    columns = [_("Region"), _("Jobs posted"), _("Applications"), _("Hires")]
    # The colour is the applications; the other columns are in the table and the tooltip.
    by_apps = [Axis(_("Applications"), [2])]
    children = maps.map_for(scope.focus)
    if children is not None:
        chart = Chart(
            "map",
            _("Applications by region"),
            "map",
            columns,
            table,
            [link(c) if len(scope.focus) < len(c) <= maps.DRILL_LIMIT else None for c in codes],
            extra={"map": map_extra(children, static_url, codes)},
            axes=by_apps,
        )
        return {"charts": [chart], "codes": codes}
    charts = []
    area = maps.area_map_for(scope.focus)
    if area is not None:
        totals = [sum(row[i] for row in table) for i in (1, 2, 3)]
        charts.append(
            Chart(
                "map-area",
                _("Your area on the map"),
                "map",
                columns,
                [[names.get(scope.focus, scope.focus), *totals]],
                extra={"map": map_extra(area, static_url, [scope.focus])},
                axes=by_apps,
            )
        )
    charts.append(
        Chart(
            "map",
            _("Applications by region"),
            "treemap",
            columns,
            table,
            [None] * len(codes),
            extra={"tree": treemap_nodes(session, scope, f, codes, names, apps)},
            axes=by_apps,
        )
    )
    return {"charts": charts, "codes": codes}


def map_extra(map_file: maps.MapFile, static_url, codes: list[str]) -> dict[str, Any]:
    return {
        "url": static_url(map_file.path),
        "name": map_file.name,
        "gzip": map_file.gzip,
        # Row i colours every feature whose code starts with codes[i] (see app.dashboards.maps).
        "codes": codes,
    }


def treemap_nodes(session, scope, f, codes, names, apps) -> list[dict[str, Any]]:
    """The children's applications, each child split into its own children (two levels)."""
    tree = []
    for c in codes:
        node: dict[str, Any] = {"name": f.region_label(c, names), "value": apps.get(c, 0)}
        if len(c) == child_length(scope.focus) and len(c) < 12:
            sub = Figures(session, Scope(scope.root, c))
            sub_apps = sub.by("applications", "region_code")
            sub_names = sub.names(set(sub_apps))
            node["children"] = [
                {"name": sub.region_label(k, sub_names), "value": v}
                for k, v in sorted(sub_apps.items())
            ]
        tree.append(node)
    return tree


def service(session: Session, scope: Scope) -> dict[str, Any]:
    f = Figures(session, scope)
    reviews = {int(hours): n for hours, n in f.by("review_hours", "dim1").items()}
    totals = f.sums(["applications", "responded"])
    claims = session.execute(
        scope.claims()
        .with_only_columns(SubsidyClaim.status, sa.func.count(), sa.func.sum(SubsidyClaim.amount))
        .group_by(SubsidyClaim.status)
    ).all()
    by_status = {status: (n, int(total or 0)) for status, n, total in claims}
    paid = by_status.get(ClaimStatus.PAID, (0, 0))
    applications, responded = totals["applications"].get(None, 0), totals["responded"].get(None, 0)
    status_labels = {
        ClaimStatus.CLAIMED: _("Claimed"),
        ClaimStatus.APPROVED: _("Approved"),
        ClaimStatus.REJECTED: _("Rejected"),
        ClaimStatus.PAID: pgettext("subsidy claim status", "Paid"),
    }
    rows = [[str(status_labels[s]), *by_status.get(s, (0, 0))] for s in ClaimStatus]
    return {
        "summary": {
            "online_rate": rate(responded, applications),
            "applications": applications,
            "responded": responded,
            "review_hours": median_hours(reviews),
            "reviews": sum(reviews.values()),
            # The platform records no identity-verification timestamps yet.
            "identity_hours": None,
            "paid_count": paid[0],
            "paid_amount": paid[1],
        },
        "charts": [
            Chart(
                "svc-subsidies",
                _("Subsidy claims by status"),
                "bar",
                [_("Status"), _("Claims"), _("Amount (yuan)")],
                rows,
                axes=[Axis(_("Claims"), [1]), Axis(_("Amount (yuan)"), [2])],
            )
        ],
    }
