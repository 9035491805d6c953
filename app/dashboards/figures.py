"""Reading the rollups for a scope (``Figures``) and the chart every figure is shown as.

A chart is plain data: an id, a title, a kind, column headings and rows. The same object
feeds the ECharts canvas (app/static/js/charts.js), the accessible table under it, the CSV
download and the JSON API, so the four can never disagree.

Which columns are drawn, and on which value axis, is said by ``axes``: a rate (0-100 %) never
shares an axis with a count, nor a count of enterprises with a headcount, because the smaller
quantity would then look flat. Columns on no axis appear in the table only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa
from babel.dates import format_skeleton
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from app.dashboards.scope import Scope, child_length
from app.models import CompanySize, Region, RollupCount


@dataclass
class Axis:
    """A value axis and the columns drawn against it (at most two axes: left and right)."""

    title: str
    columns: list[int]
    percent: bool = False

    def as_json(self) -> dict[str, Any]:
        return {"title": self.title, "columns": self.columns, "percent": self.percent}


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
    # Empty: every drawn column on one axis.
    axes: list[Axis] = field(default_factory=list)

    def drawn_columns(self) -> list[int]:
        if self.axes:
            return [c for axis in self.axes for c in axis.columns]
        first_value = 2 if self.kind == "sankey" else 1
        return list(range(first_value, len(self.columns)))

    @property
    def is_empty(self) -> bool:
        """Nothing to draw: no rows, or every drawn figure zero or unknown (an all-zero chart
        at full size says nothing and looks broken)."""
        return not any(row[c] for row in self.rows for c in self.drawn_columns() if c < len(row))

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "kind": self.kind,
            "columns": self.columns,
            "rows": [[str(c) if isinstance(c, date) else c for c in row] for row in self.rows],
            # What the axis says under each row: a week short, its date in the row.
            "labels": [axis_label(row[0]) for row in self.rows],
            "links": self.links,
            "axes": [axis.as_json() for axis in self.axes],
            "empty": self.is_empty,
            **self.extra,
        }


def axis_label(value: Any) -> str:
    """A row's name on a chart's axis; a day (a week's first) as "Oct 26", "10月26日": the ISO
    date, ten characters, crowded a phone's axis until it broke in the middle ("2026-1/0-26")."""
    if isinstance(value, date):
        return format_skeleton("MMMd", value, locale=get_locale())
    return str(value)


SIZE_ORDER = {size: rank for rank, size in enumerate(CompanySize)}
"""Enterprise sizes smallest first, as their ranges go (micro, small, medium, large), not by
the alphabet."""


def size_order(size: str) -> tuple[int, str]:
    return SIZE_ORDER.get(size, len(SIZE_ORDER)), size


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
    """CODE → the region's own name in the reader's language."""
    from app.templating import place_name

    if not codes:
        return {}
    rows = session.execute(sa.select(Region.code, Region.name).where(Region.code.in_(codes)))
    return {code: place_name(name) for code, name in rows}


class Figures:
    """Sums of the rollup rows of a scope's children, grouped in the database by what a chart needs.

    A province's children hold tens of thousands of rollup rows (a response-time histogram
    per city and week); summing them in SQL returns a few hundred numbers instead of
    shipping every row to Python on each request.
    """

    def __init__(self, session: Session, scope: Scope):
        self.session = session
        self.scope = scope
        self.child_len = child_length(scope.focus)

    def sums(
        self, metrics: list[str], key: str | None = None, period: date | None = None
    ) -> dict[str, dict[Any, int]]:
        """Metric → {value of the rollup column KEY (None: the metric's total) → sum}."""
        column = getattr(RollupCount, key) if key else sa.null()
        query = (
            self.scope.rollup_rows(metrics)
            .with_only_columns(
                RollupCount.metric,
                column,
                sa.cast(sa.func.sum(RollupCount.value), sa.BigInteger),  # not NUMERIC
            )
            .group_by(RollupCount.metric, *([column] if key else []))
        )
        if period is not None:
            query = query.where(RollupCount.period == period)
        out: dict[str, dict[Any, int]] = {m: {} for m in metrics}
        for metric, value, total in self.session.execute(query):
            out[metric][self.as_date(value) if key == "period" else value] = total
        return out

    def total(self, metric: str) -> int:
        return self.sums([metric])[metric].get(None, 0)

    def by(self, metric: str, key: str) -> dict[Any, int]:
        return self.sums([metric], key)[metric]

    @staticmethod
    def as_date(value: Any) -> date:
        return value if isinstance(value, date) else date.fromisoformat(str(value))

    def names(self, codes: set[str]) -> dict[str, str]:
        return region_names(self.session, set(codes) | {self.scope.focus})

    def region_label(self, code: str, names: dict[str, str]) -> str:
        if len(code) < self.child_len or code == self.scope.focus:
            return _("%(name)s (directly)", name=names.get(code, code or _("All regions")))
        return names.get(code, code)
