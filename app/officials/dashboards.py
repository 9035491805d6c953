"""Dashboard figures for a scope, read from the rollups, shaped as charts.

A chart is plain data: an id, a title, a kind, column headings and rows. The same object
feeds the ECharts canvas (app/static/js/charts.js), the accessible table under it, the CSV
download and the JSON API, so the four can never disagree.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from ..labels import COMPANY_SIZES, INDUSTRIES
from ..models import (
    Application,
    ClaimStatus,
    CooperationAgreement,
    Job,
    JobStatus,
    Region,
    RollupCount,
    SubsidyClaim,
)
from .scope import Scope, child_length


@dataclass
class Chart:
    id: str
    title: str
    kind: str  # bar, line, pie, sankey, map, treemap
    columns: list[str]
    rows: list[list[Any]]
    # Per row: where a click on the figure leads (a drill-down or the list behind it).
    links: list[str | None] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "title": self.title, "kind": self.kind, "columns": self.columns,
            "rows": [[str(c) if isinstance(c, date) else c for c in row] for row in self.rows],
            "links": self.links, **self.extra,
        }


def rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def median_hours(histogram: dict[int, int]) -> int | None:
    """The median of counts bucketed by whole hours."""
    total = sum(histogram.values())
    if not total:
        return None
    seen = 0
    for hours in sorted(histogram):
        seen += histogram[hours]
        if seen * 2 >= total:
            return hours
    return None


def region_names(session: Session, codes: set[str]) -> dict[str, str]:
    if not codes:
        return {}
    return dict(session.execute(sa.select(Region.code, Region.name).where(Region.code.in_(codes))).all())


class Figures:
    """Rollup rows of a scope's children, summed along whichever dimension a chart needs."""

    def __init__(self, session: Session, scope: Scope, metrics: list[str]):
        self.session = session
        self.scope = scope
        self.rows = session.execute(
            scope.rollup_rows(metrics).with_only_columns(
                RollupCount.metric, RollupCount.region_code, RollupCount.period,
                RollupCount.dim1, RollupCount.dim2, RollupCount.value,
            )
        ).all()
        self.child_len = child_length(scope.focus)

    def total(self, metric: str, period: date | None = None) -> int:
        return sum(r.value for r in self.rows if r.metric == metric and (period is None or r.period == period))

    def by(self, metric: str, key: str, period: date | None = None) -> dict[Any, int]:
        out: dict[Any, int] = defaultdict(int)
        for r in self.rows:
            if r.metric == metric and (period is None or r.period == period):
                out[getattr(r, key)] += r.value
        return out

    def periods(self, metric: str) -> list[date]:
        return sorted({self.as_date(r.period) for r in self.rows if r.metric == metric})

    @staticmethod
    def as_date(value: Any) -> date:
        return value if isinstance(value, date) else date.fromisoformat(str(value))

    def latest(self, metric: str) -> date | None:
        periods = self.periods(metric)
        return periods[-1] if periods else None

    def names(self) -> dict[str, str]:
        return region_names(self.session, {r.region_code for r in self.rows} | {self.scope.focus})

    def region_label(self, code: str, names: dict[str, str]) -> str:
        if len(code) < self.child_len or code == self.scope.focus:
            return _("%(name)s (directly)", name=names.get(code, code or _("All regions")))
        return names.get(code, code)


def resumption(session: Session, scope: Scope, link) -> dict[str, Any]:
    """Latest week's resumption per child region, industry and size; weekly trend."""
    metrics = ["res_reported", "res_resumed", "res_back", "res_total"]
    f = Figures(session, scope, metrics)
    names = f.names()
    week = f.latest("res_reported")
    rows = [r for r in f.rows if week is not None and f.as_date(r.period) == week]

    def grouped(key: str):
        sums: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for r in rows:
            sums[getattr(r, key)][r.metric] += r.value
        return sums

    def figure_rows(sums, label):
        out = []
        for k in sorted(sums):
            s = sums[k]
            out.append([label(k), s["res_reported"], s["res_resumed"], rate(s["res_resumed"], s["res_reported"]),
                        s["res_back"], s["res_total"], rate(s["res_back"], s["res_total"])])
        return out

    columns = [_("Group"), _("Enterprises reporting"), _("Enterprises resumed"), _("Resumption rate (%)"),
               _("Workers back"), _("Workers total"), _("Workers back (%)")]
    by_region, by_industry, by_size = grouped("region_code"), grouped("dim1"), grouped("dim2")
    region_rows = figure_rows(by_region, lambda c: f.region_label(c, names))
    region_links = [link("region", code) for code in sorted(by_region)]
    ind_rows = figure_rows(by_industry, lambda k: str(INDUSTRIES.get(k, k)))
    ind_links = [link("industry", k) for k in sorted(by_industry)]
    size_rows = figure_rows(by_size, lambda k: str(COMPANY_SIZES.get(k, k)))
    size_links = [link("size", k) for k in sorted(by_size)]

    weekly = []
    for period in f.periods("res_reported"):
        reported, resumed = f.total("res_reported", period), f.total("res_resumed", period)
        back, total = f.total("res_back", period), f.total("res_total", period)
        weekly.append([period, reported, resumed, rate(resumed, reported), back, rate(back, total)])
    summary = {
        "week": week,
        "reported": f.total("res_reported", week) if week else 0,
        "resumed": f.total("res_resumed", week) if week else 0,
        "back": f.total("res_back", week) if week else 0,
        "total": f.total("res_total", week) if week else 0,
    }
    summary["rate"] = rate(summary["resumed"], summary["reported"])
    summary["workers_rate"] = rate(summary["back"], summary["total"])
    return {
        "summary": summary,
        "charts": [
            Chart("res-weekly", _("Resumption by week"), "line",
                  [_("Week"), _("Enterprises reporting"), _("Enterprises resumed"), _("Resumption rate (%)"),
                   _("Workers back"), _("Workers back (%)")], weekly),
            Chart("res-region", _("Resumption by region"), "bar", [_("Region"), *columns[1:]], region_rows, region_links),
            Chart("res-industry", _("Resumption by industry"), "bar", [_("Industry"), *columns[1:]], ind_rows, ind_links),
            Chart("res-size", _("Resumption by enterprise size"), "bar", [_("Size"), *columns[1:]], size_rows, size_links),
        ],
    }


RECRUITMENT = ["jobs_posted", "applications", "interviews", "hires"]


def recruitment(session: Session, scope: Scope, link) -> dict[str, Any]:
    f = Figures(session, scope, [*RECRUITMENT, "resp_hours"])
    names = f.names()
    labels = [_("Jobs posted"), _("Applications"), _("Interviews"), _("Hires")]

    def table(key: str, label, sort_key=None):
        sums = {m: f.by(m, key) for m in RECRUITMENT}
        keys = sorted({k for s in sums.values() for k in s}, key=sort_key)
        return [[label(k), *[sums[m].get(k, 0) for m in RECRUITMENT]] for k in keys], keys

    region_rows, region_keys = table("region_code", lambda c: f.region_label(c, names))
    industry_rows, _k = table("dim1", lambda k: str(INDUSTRIES.get(k, k)))
    weekly_rows, _w = table("period", lambda p: f.as_date(p), sort_key=lambda p: str(p))
    histogram = defaultdict(int)
    for r in f.rows:
        if r.metric == "resp_hours":
            histogram[int(r.dim1)] += r.value
    summary = {m: f.total(m) for m in RECRUITMENT}
    summary["median_response_hours"] = median_hours(histogram)
    return {
        "summary": summary,
        "unapplied": unapplied_jobs(session, scope),
        "charts": [
            Chart("rec-weekly", _("Recruitment by week"), "line", [_("Week"), *labels], weekly_rows),
            Chart("rec-region", _("Recruitment by region"), "bar", [_("Region"), *labels], region_rows,
                  [link(code) for code in region_keys]),
            Chart("rec-industry", _("Recruitment by industry"), "bar", [_("Industry"), *labels], industry_rows),
        ],
    }


def unapplied_jobs(session: Session, scope: Scope, limit: int = 20) -> list[Job]:
    """Published vacancies nobody has applied to, oldest first."""
    return session.scalars(
        scope.jobs()
        .where(Job.status == JobStatus.PUBLISHED, ~sa.exists().where(Application.job_id == Job.id))
        .order_by(Job.published_at)
        .limit(limit)
    ).unique().all()


def cooperation(session: Session, scope: Scope) -> dict[str, Any]:
    """Flows for the agreements with an end in scope, read from the cooperation rollups."""
    agreements = session.scalars(scope.agreements().order_by(CooperationAgreement.starts_on.desc())).all()
    if not agreements:
        return {"agreements": [], "charts": []}
    ids = [str(a.id) for a in agreements]
    level_of = {str(a.id): child_length(a.destination_code) for a in agreements}
    rows = session.execute(
        sa.select(RollupCount.metric, RollupCount.level, RollupCount.region_code, RollupCount.dim1,
                  RollupCount.dim2, sa.cast(sa.func.sum(RollupCount.value), sa.BigInteger))  # not NUMERIC on PostgreSQL
        .where(RollupCount.metric.in_(["coop_apps", "coop_hires"]), RollupCount.dim1.in_(ids))
        .group_by(RollupCount.metric, RollupCount.level, RollupCount.region_code, RollupCount.dim1, RollupCount.dim2)
    ).all()
    rows = [r for r in rows if r.level == level_of[r.dim1]]
    names = region_names(session, {r.region_code for r in rows} | {r.dim2 for r in rows}
                         | {a.origin_code for a in agreements} | {a.destination_code for a in agreements})
    flows: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    per_agreement: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for r in rows:
        flows[(r.dim2, r.region_code)][r.metric] += r[5]
        per_agreement[r.dim1][r.metric] += r[5]
    summary = []
    for a in agreements:
        s = per_agreement[str(a.id)]
        summary.append({
            "agreement": a, "origin": names.get(a.origin_code, a.origin_code),
            "destination": names.get(a.destination_code, a.destination_code),
            "applications": s["coop_apps"], "hires": s["coop_hires"],
            "progress": rate(s["coop_hires"], a.workers_target),
        })
    table = []
    for (origin, destination), s in sorted(flows.items()):
        table.append([names.get(origin, origin), names.get(destination, destination), s["coop_apps"], s["coop_hires"]])
    sankey = {
        "nodes": sorted({row[0] for row in table} | {row[1] for row in table}),
        "links": [{"source": row[0], "target": row[1], "value": row[2]} for row in table if row[0] != row[1]],
    }
    return {
        "agreements": summary,
        "charts": [Chart("coop-flows", _("Labor cooperation flows (applications)"), "sankey",
                         [_("From"), _("To"), _("Applications"), _("Hires")], table, extra={"sankey": sankey})],
    }


def recruitment_map(session: Session, scope: Scope, static_url) -> dict[str, Any]:
    """A choropleth for the country or a province; a treemap below prefecture level."""
    f = Figures(session, scope, ["applications", "hires", "jobs_posted"])
    names = f.names()
    apps, hires, jobs = f.by("applications", "region_code"), f.by("hires", "region_code"), f.by("jobs_posted", "region_code")
    codes = sorted(set(apps) | set(hires) | set(jobs))
    table = [[f.region_label(c, names), jobs.get(c, 0), apps.get(c, 0), hires.get(c, 0)] for c in codes]
    columns = [_("Region"), _("Jobs posted"), _("Applications"), _("Hires")]
    if len(scope.focus) <= 2:
        file = "china.json" if not scope.focus else f"{scope.focus}.json"
        # GeoJSON features carry 2-digit province or 6-digit prefecture codes.
        feature_codes = [c if len(c) == 2 else c.ljust(6, "0") for c in codes]
        chart = Chart("map", _("Applications by region"), "map", columns, table, extra={
            "map": {"url": static_url(f"vendor/maps/{file}"), "name": scope.focus or "china", "codes": feature_codes},
        })
    else:
        tree = []
        for c in codes:
            node: dict[str, Any] = {"name": f.region_label(c, names), "value": apps.get(c, 0)}
            if len(c) == child_length(scope.focus) and len(c) < 12:
                sub = Figures(session, Scope(scope.root, c), ["applications"])
                sub_names = sub.names()
                node["children"] = [
                    {"name": sub.region_label(k, sub_names), "value": v} for k, v in sorted(sub.by("applications", "region_code").items())
                ]
            tree.append(node)
        chart = Chart("map", _("Applications by region"), "treemap", columns, table, extra={"tree": tree})
    chart.links = [None] * len(codes)
    return {"charts": [chart], "codes": codes}


def service(session: Session, scope: Scope) -> dict[str, Any]:
    f = Figures(session, scope, ["applications", "responded", "review_hours"])
    reviews = defaultdict(int)
    for r in f.rows:
        if r.metric == "review_hours":
            reviews[int(r.dim1)] += r.value
    claims = session.execute(
        scope.claims().with_only_columns(SubsidyClaim.status, sa.func.count(), sa.func.sum(SubsidyClaim.amount))
        .group_by(SubsidyClaim.status)
    ).all()
    by_status = {status: (n, int(total or 0)) for status, n, total in claims}
    paid = by_status.get(ClaimStatus.PAID, (0, 0))
    applications, responded = f.total("applications"), f.total("responded")
    status_labels = {
        ClaimStatus.CLAIMED: _("Claimed"), ClaimStatus.APPROVED: _("Approved"),
        ClaimStatus.REJECTED: _("Rejected"), ClaimStatus.PAID: _("Paid"),
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
        "charts": [Chart("svc-subsidies", _("Subsidy claims by status"), "bar",
                         [_("Status"), _("Claims"), _("Amount (yuan)")], rows)],
    }
