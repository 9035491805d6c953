"""Backend-neutral queries and results.

The app fills a :class:`SearchQuery`; :func:`compile_query` turns it into a :class:`Plan`
made of a few primitives (text clauses, term/range filters, facet specs, a sort key) that
each backend translates to its engine. Keeping the meaning here is what lets one
conformance suite hold every backend to the same results.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from search import analysis
from search.analysis import Clause
from search.defaults import DEFAULT_PAGE_SIZE, FACET_SIZE, MAX_PAGE_SIZE, SALARY_BANDS
from search.documents import REGION_LEVELS, region_level, spec_for
from search.exceptions import DocumentInvalid, InvalidQuery

Sort = Literal["relevance", "newest", "salary"]
JOB_FACETS = ("category", "employment_type", "region", "salary", "remote")
RESUME_FACETS = ("education_level", "region", "salary")


@dataclass
class SearchQuery:
    """What to search for. Every field is optional; an empty query lists everything.

    Filters (all must hold): ``region`` (any ancestor code matches the whole subtree),
    ``areas`` (several codes at one level, below ``region``: jobs in any of their subtrees),
    salary range overlap (``salary_min``..``salary_max`` against the job's range; for
    résumés against ``expected_salary``), ``employment_type``/``category``/
    ``education_level`` (one value or a list), ``remote``, ``posted_within_days``
    (against ``posted_at``/``updated_at``), ``verified_only``, ``employer_id``, ``status``,
    ``visibility``.

    ``facets``: True for the kind's default facets, or a tuple of names among
    category, employment_type, region (the level of ``areas``, else the next level below
    ``region``), salary (bands), remote, education_level. A facet with a selection (areas,
    category, employment_type, education_level: one value or several; salary range; remote)
    is counted as if that selection were off (disjunctive), so it lists the values one may
    add; ``region`` is a scope, not a selection: the region facet stays inside it. ``sort``: relevance | newest | salary.
    ``cursor``: the ``cursor`` of the previous page. ``like_id``: "jobs like this one".
    """

    text: str = ""
    region: str | None = None
    areas: list[str] | None = None
    salary_min: int | None = None
    salary_max: int | None = None
    employment_type: str | list[str] | None = None
    category: str | list[str] | None = None
    education_level: str | list[str] | None = None
    remote: bool | None = None
    posted_within_days: int | None = None
    verified_only: bool = False
    employer_id: int | None = None
    status: str | None = None
    visibility: str | None = None
    facets: bool | tuple[str, ...] = False
    sort: Sort = "relevance"
    size: int = DEFAULT_PAGE_SIZE
    cursor: str | None = None
    like_id: int | None = None
    highlight: bool = True
    synonyms: bool = True
    typos: bool = True
    recall: bool = True
    """Also look words up as character grams and pinyin (see :mod:`search.analysis`);
    False keeps the word fields only (comparisons, diagnosis)."""
    now: float | None = None
    """Clock for ``posted_within_days`` (tests pin it); defaults to ``time.time()``."""


@dataclass(frozen=True)
class TermsFilter:
    field: str
    values: tuple[str, ...]
    facet: str | None = None
    """The facet this filter is a selection of: that facet is counted without it."""


@dataclass(frozen=True)
class RangeFilter:
    """Integer range, bounds inclusive; None = open."""

    field: str
    gte: int | None = None
    lte: int | None = None
    facet: str | None = None


Filter = TermsFilter | RangeFilter


@dataclass(frozen=True)
class TermsFacet:
    name: str
    field: str
    size: int = FACET_SIZE


@dataclass(frozen=True)
class RangeFacet:
    name: str
    field: str
    ranges: tuple[tuple[str, int | None, int | None], ...]  # key, from (incl.), to (excl.)


Facet = TermsFacet | RangeFacet


@dataclass
class Plan:
    """A compiled query. ``clauses`` empty means match all (subject to filters)."""

    kind: str
    clauses: tuple[Clause, ...]
    any_clause: bool = False
    """True for "more like this": any clause may match instead of all."""
    filters: list[Filter] = field(default_factory=list)
    exclude_ids: tuple[int, ...] = ()
    facets: list[Facet] = field(default_factory=list)
    sort_field: str | None = None
    """None = relevance; else an int field sorted descending (packed with the id)."""
    size: int = DEFAULT_PAGE_SIZE
    after_key: int | None = None
    """For field sorts: only keys strictly below this."""
    after_score: tuple[float, int] | None = None
    pinned: tuple[str, int] | None = None
    """Local backends, relevance: (token, position) in a pinned ranking (search.snapshots)."""
    pinned_ranked: int | None = None
    """Of a pinned ranking: how many ids are ranked; the others, pinned by membership, are
    ranked when a page first reaches them (search.snapshots.first_page)."""
    offset: int = 0
    highlight: bool = True


@dataclass
class Hit:
    id: int
    score: float | None
    source: dict[str, Any]
    highlights: dict[str, str] = field(default_factory=dict)


@dataclass
class FacetBucket:
    key: str
    count: int


@dataclass
class SearchResult:
    """``hits`` in rank order; ``total`` all matches; ``facets`` name → buckets
    (terms facets by count desc then key, salary in band order, empty buckets dropped);
    ``cursor`` opaque, None on the last page."""

    hits: list[Hit]
    total: int
    facets: dict[str, list[FacetBucket]] = field(default_factory=dict)
    cursor: str | None = None

    @property
    def ids(self) -> list[int]:
        return [h.id for h in self.hits]

    def facet_counts(self, name: str) -> dict[str, int]:
        return {b.key: b.count for b in self.facets.get(name, [])}


@dataclass
class Suggestion:
    text: str
    kind: str
    weight: int


# --- cursors ------------------------------------------------------------------------


def encode_cursor(data: dict[str, Any]) -> str:
    raw = json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> dict[str, Any]:
    try:
        pad = "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(cursor + pad))
        if not isinstance(data, dict):
            raise ValueError
        return data
    except (ValueError, TypeError) as exc:
        raise InvalidQuery(f"invalid cursor {cursor!r}") from exc


def next_cursor(plan: Plan, hits: list[Hit], sort_values: list[Any], total: int) -> str | None:
    """Cursor for the page after ``hits``; ``sort_values`` are the engine's sort keys."""
    if len(hits) < plan.size or not hits:
        return None
    if plan.sort_field:
        return encode_cursor({"k": int(sort_values[-1])})
    if sort_values and isinstance(sort_values[-1], list | tuple):
        return encode_cursor({"s": list(sort_values[-1])})
    nxt = plan.offset + len(hits)
    return encode_cursor({"o": nxt}) if nxt < total else None


# --- compiling ----------------------------------------------------------------------


def _as_tuple(value: str | list[str] | None) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value)


def _area_level(areas: list[str], scope_level: int) -> int:
    """The one level of ``areas``, which must lie below the scope's."""
    try:
        levels = {region_level(str(code)) for code in areas}
    except DocumentInvalid as exc:
        raise InvalidQuery(str(exc)) from None
    if len(levels) != 1:
        raise InvalidQuery("areas must all be at one level (all cities, or all districts...)")
    level = levels.pop()
    if level <= scope_level:
        raise InvalidQuery("areas must lie below the region")
    return level


def compile_query(
    kind: str, q: SearchQuery, like_clauses: tuple[Clause, ...] | None = None
) -> Plan:
    """Compile ``q`` for ``kind``. ``like_clauses`` come from the backend for ``like_id``."""
    spec_for(kind)
    if not 1 <= q.size <= MAX_PAGE_SIZE:
        raise InvalidQuery(f"size must be 1..{MAX_PAGE_SIZE}")
    if q.sort not in ("relevance", "newest", "salary"):
        raise InvalidQuery(f"unknown sort {q.sort!r}")
    if like_clauses is not None:
        clauses, any_clause = like_clauses, True
    else:
        clauses = (
            analysis.analyze_query(q.text, synonyms=q.synonyms, typos=q.typos, recall=q.recall)
            if q.text
            else ()
        )
        any_clause = False
    filters: list[Filter] = []
    level = 0
    if q.region:
        try:
            level = region_level(q.region)
        except DocumentInvalid as exc:
            raise InvalidQuery(str(exc)) from None
        filters.append(TermsFilter(f"region_l{level}", (str(q.region),)))
    facet_level = level + 1
    if q.areas:
        facet_level = _area_level(q.areas, level)
        filters.append(TermsFilter(f"region_l{facet_level}", _as_tuple(q.areas), facet="region"))
    if q.salary_min is not None:
        filters.append(RangeFilter("salary_max", gte=int(q.salary_min), facet="salary"))
    if q.salary_max is not None:
        filters.append(RangeFilter("salary_min", lte=int(q.salary_max), facet="salary"))
    for name in ("employment_type", "category", "education_level"):
        values = _as_tuple(getattr(q, name))
        if values:
            filters.append(TermsFilter(name, values, facet=name))
    if q.remote is not None:
        filters.append(TermsFilter("remote", ("1" if q.remote else "0",), facet="remote"))
    if q.posted_within_days is not None:
        now = q.now if q.now is not None else time.time()
        filters.append(RangeFilter("posted_at", gte=int(now - q.posted_within_days * 86400)))
    if q.verified_only:
        filters.append(TermsFilter("employer_verified", ("1",)))
    if q.employer_id is not None:
        filters.append(TermsFilter("employer_id", (str(int(q.employer_id)),)))
    if q.status:
        filters.append(TermsFilter("status", (q.status,)))
    if q.visibility:
        filters.append(TermsFilter("visibility", (q.visibility,)))

    facets: list[Facet] = []
    if q.facets:
        names = (
            q.facets
            if isinstance(q.facets, tuple | list)
            else (JOB_FACETS if kind == "jobs" else RESUME_FACETS)
        )
        for name in names:
            if name == "region":
                if facet_level <= REGION_LEVELS:  # a village has no level below it
                    facets.append(TermsFacet("region", f"region_l{facet_level}"))
            elif name == "salary":
                facets.append(RangeFacet("salary", "salary_mid", SALARY_BANDS))
            elif name in ("category", "employment_type", "remote", "education_level"):
                facets.append(TermsFacet(name, name))
            else:
                raise InvalidQuery(f"unknown facet {name!r}")

    plan = Plan(
        kind=kind,
        clauses=clauses,
        any_clause=any_clause,
        filters=filters,
        facets=facets,
        size=q.size,
        highlight=q.highlight,
    )
    if q.sort == "newest":
        plan.sort_field = "sort_newest"
    elif q.sort == "salary":
        plan.sort_field = "sort_salary"
    if q.like_id is not None:
        plan.exclude_ids = (int(q.like_id),)
    if q.cursor:
        try:
            _apply_cursor(plan, decode_cursor(q.cursor))
        except (ValueError, TypeError, KeyError) as exc:
            raise InvalidQuery(f"invalid cursor {q.cursor!r}") from exc
    return plan


def _apply_cursor(plan: Plan, data: dict[str, Any]) -> None:
    def natural(value: Any) -> int:
        if int(value) < 0:
            raise ValueError(value)
        return int(value)

    if plan.sort_field and "k" in data:
        plan.after_key = int(data["k"])
    elif not plan.sort_field and "o" in data:
        plan.offset = natural(data["o"])
    elif not plan.sort_field and "r" in data and "p" in data:
        plan.pinned = (str(data["r"]), natural(data["p"]))
        if "u" in data:
            plan.pinned_ranked = natural(data["u"])
    elif not plan.sort_field and not plan.clauses and "k" in data:
        plan.after_key = int(data["k"])  # local backends list a text-less search by id
    elif not plan.sort_field and "s" in data:
        score, doc_id = data["s"]
        plan.after_score = (float(score), int(doc_id))
    else:
        raise InvalidQuery("cursor does not belong to this sort order")


def like_clauses(kind: str, source: dict[str, Any], max_terms: int) -> tuple[Clause, ...]:
    """Clauses for "more like this": the distinct tokens of the source's title and skills."""
    spec = spec_for(kind)
    seen: dict[str, None] = {}
    for name in spec.mlt_fields:
        value = source.get(name)
        if isinstance(value, list):
            value = " ".join(value)
        for tok in analysis.query_tokens(value or ""):
            if len(tok) > 1:
                seen.setdefault(tok, None)
    terms = list(seen)[:max_terms]
    return tuple(((analysis.Term(t),),) for t in terms)


def highlight_hit(kind: str, plan: Plan, hit: Hit) -> None:
    """Fill ``hit.highlights`` from its source (same code for every backend)."""
    if not plan.highlight or not plan.clauses:
        return
    exact, fuzzy = analysis.clause_terms(plan.clauses)
    for name, snippet in spec_for(kind).highlight_fields.items():
        text = hit.source.get(name)
        if isinstance(text, str):
            marked = analysis.highlight(text, exact, fuzzy, snippet=snippet)
            if marked:
                hit.highlights[name] = marked


def facet_plans(plan: Plan) -> list[Plan]:
    """Plans that together count ``plan``'s facets, each facet "as if its own selection were
    off" (disjunctive faceting: a multi-select facet keeps showing the values one may add).

    The first plan counts, under every filter, the facets with no selection; each facet with
    a selection gets a plan without that selection's filters. Backends count each plan's
    ``facets`` over its own matches (never paged)."""
    selected = {f.facet for f in plan.filters if f.facet}
    plans = []
    plain = [f for f in plan.facets if f.name not in selected]
    if plain:
        plans.append(_counting(plan, plan.filters, plain))
    for facet in plan.facets:
        if facet.name in selected:
            kept = [f for f in plan.filters if f.facet != facet.name]
            plans.append(_counting(plan, kept, [facet]))
    return plans


def _counting(plan: Plan, filters: list[Filter], facets: list[Facet]) -> Plan:
    return Plan(
        kind=plan.kind,
        clauses=plan.clauses,
        any_clause=plan.any_clause,
        filters=list(filters),
        exclude_ids=plan.exclude_ids,
        facets=list(facets),
        size=1,
        highlight=False,
    )


def facet_results(plan: Plan, raw: dict[str, dict[str, int]]) -> dict[str, list[FacetBucket]]:
    """Order raw facet counts (name → key → count) the same way for every backend."""
    out: dict[str, list[FacetBucket]] = {}
    for facet in plan.facets:
        counts = raw.get(facet.name, {})
        if isinstance(facet, RangeFacet):
            out[facet.name] = [
                FacetBucket(k, counts[k]) for k, _, _ in facet.ranges if counts.get(k)
            ]
        else:
            items = sorted(
                ((str(k), c) for k, c in counts.items() if k not in ("", None) and c),
                key=lambda kc: (-kc[1], kc[0]),
            )
            out[facet.name] = [FacetBucket(k, c) for k, c in items[: facet.size]]
    return out


def page_result(
    plan: Plan,
    rows: Iterable[tuple[int, float | None, dict[str, Any], Any]],
    total: int,
    facet_counts: dict[str, dict[str, int]],
) -> SearchResult:
    """The result of one page, built the same way by every backend from what its engine
    returned: ``rows`` of (id, score or None when sorted, source, sort value) in the
    engine's order, the total, and raw facet counts (name → key → count)."""
    hits, sort_values = [], []
    for doc_id, score, source, sort_value in rows:
        hit = Hit(id=doc_id, score=score, source=source)
        highlight_hit(plan.kind, plan, hit)
        hits.append(hit)
        sort_values.append(sort_value)
    return SearchResult(
        hits=hits,
        total=total,
        facets=facet_results(plan, facet_counts),
        cursor=next_cursor(plan, hits, sort_values, total),
    )
