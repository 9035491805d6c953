"""Job search for the search page (app/jobs/routes.py), and "jobs like this one".

The whole search lives in the URL (a GET form), so a search can be bookmarked and shared;
the next page is a cursor link. Answers come from the search engine; when it is
unavailable the same filters run as SQL over the database (slower, no facets) and the page
says so. Hits are shown from the database rows (current data, same card as everywhere),
in the engine's order, with the engine's highlights.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from typing import Any

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import Select, case, func, or_, select

from app.errors import DomainError
from app.extensions import db
from app.indexing import service as search_index
from app.labels import EMPLOYMENT_TYPES, label_getter, occupation_label
from app.models import EmploymentType, Job, Region, json_text_contains, utcnow
from app.models.jobs import MONTHLY_FACTOR
from app.occupations.service import resolve as resolve_occupation
from app.regions.queries import resolve as resolve_region
from search import Hit, InvalidQuery, SearchQuery, SearchResult, SearchUnavailable, Suggestion

PAGE_SIZE = 20
SORTS = ("relevance", "newest", "salary")
POSTED_WITHIN = (1, 3, 7, 30)
MAX_SALARY = 10_000_000
SIMILAR_COUNT = 5
OCCUPATION_CODE = re.compile(r"^\d-\d\d-\d\d-\d\d$")
SALARY_BANDS = {
    "<3k": (None, 3000),
    "3k-5k": (3000, 5000),
    "5k-8k": (5000, 8000),
    "8k-12k": (8000, 12000),
    "12k-20k": (12000, 20000),
    "20k-30k": (20000, 30000),
    "30k+": (30000, None),
}
"""The library's salary facet bands (monthly yuan) → the salary filter a click sets."""


class BadSearch(DomainError):
    """A parameter the page cannot use; answered with 400 and the message."""

    status = 400


@dataclass
class Params:
    """One search as it appears in the URL (every field is a query-string parameter)."""

    q: str = ""
    region: str = ""
    category: str | tuple[str, ...] = ""
    """One occupation code (the page), or several (the API's multi-select: any of them)."""
    employment_type: str | tuple[str, ...] = ""
    salary_min: int | None = None
    salary_max: int | None = None
    remote: bool = False
    posted_within: int | None = None
    verified: bool = False
    sort: str = "relevance"
    cursor: str = ""
    page: int = 1
    employer_id: int | None = None

    def args(self, **changes: Any) -> dict[str, Any]:
        """Non-default parameters (with CHANGES), for url_for: short, shareable URLs."""
        data = {**asdict(self), **changes}
        defaults = asdict(Params())
        return {
            k: (1 if v is True else v)
            for k, v in data.items()
            if v != defaults[k] and v is not None
        }


def _int(args, name: str, low: int, high: int) -> int | None:
    raw = args.get(name, "").strip()
    if not raw:
        return None
    if not raw.isdecimal() or not low <= int(raw) <= high:
        raise BadSearch(
            _(
                "%(name)s must be a whole number from %(low)s to %(high)s.",
                name=name,
                low=low,
                high=high,
            )
        )
    return int(raw)


def parse_params(args) -> Params:
    """Read and validate the query string. Raises BadSearch."""
    q = args.get("q", "").strip()
    if len(q) > 100:
        raise BadSearch(_("The search text is too long (100 characters at most)."))
    region = args.get("region", "").strip()
    if region and not region.isdigit():  # a place typed by name (the picker sends codes)
        region = resolve_region(db.session, region[:200]) or region
    if region and (not region.isdigit() or len(region) not in search_index.REGION_PREFIXES):
        raise BadSearch(_("No such place. Choose one from the list."))
    category = args.get("category", "").strip()
    if category and not OCCUPATION_CODE.match(category):  # an occupation typed by name
        category = resolve_occupation(category[:60]) or category
    if len(category) > 16:
        raise BadSearch(_("No such occupation. Choose one from the list."))
    employment_type = args.get("employment_type", "").strip()
    if employment_type and employment_type not in {e.value for e in EmploymentType}:
        raise BadSearch(_("Unknown employment type."))
    sort = args.get("sort", "relevance")
    if sort not in SORTS:
        raise BadSearch(_("Unknown sort order."))
    posted_within = _int(args, "posted_within", 1, 365)
    if posted_within is not None and posted_within not in POSTED_WITHIN:
        raise BadSearch(_("Unknown time range."))
    salary_min = _int(args, "salary_min", 0, MAX_SALARY)
    salary_max = _int(args, "salary_max", 0, MAX_SALARY)
    if salary_min is not None and salary_max is not None and salary_min > salary_max:
        raise BadSearch(_("The minimum salary is above the maximum."))
    cursor = args.get("cursor", "").strip()
    if len(cursor) > 200:
        raise BadSearch(_("Invalid page link."))
    return Params(
        q=q,
        region=region,
        category=category,
        employment_type=employment_type,
        salary_min=salary_min,
        salary_max=salary_max,
        remote=args.get("remote") == "1",
        posted_within=posted_within,
        verified=args.get("verified") == "1",
        sort=sort,
        cursor=cursor,
        page=_int(args, "page", 1, 1000) or 1,
    )


def selected(value: str | tuple[str, ...]) -> tuple[str, ...]:
    """The values of a one-or-several parameter."""
    return (value,) if isinstance(value, str) and value else tuple(v for v in value if v)


def to_query(params: Params, facets: bool = True, size: int = PAGE_SIZE) -> SearchQuery:
    return SearchQuery(
        text=params.q,
        region=search_index.pad_region(params.region) if params.region else None,
        category=list(selected(params.category)) or None,
        employment_type=list(selected(params.employment_type)) or None,
        salary_min=params.salary_min,
        salary_max=params.salary_max,
        remote=True if params.remote else None,
        posted_within_days=params.posted_within,
        verified_only=params.verified,
        employer_id=params.employer_id,
        sort=params.sort,  # type: ignore[arg-type]
        cursor=params.cursor or None,
        size=size,
        facets=facets,
    )


def engine_search(params: Params, *, size: int = PAGE_SIZE, facets: bool = True) -> SearchResult:
    """The engine's answer for PARAMS (the page's and the API's one path). Raises
    SearchUnavailable when the engine cannot answer, BadSearch for a cursor it refuses."""
    try:
        return search_index.get_backend().search(to_query(params, facets, size), kind="jobs")
    except InvalidQuery:
        raise BadSearch(_("Invalid page link.")) from None


@dataclass
class Item:
    job: Job
    highlights: dict[str, str] = field(default_factory=dict)


@dataclass
class FacetLink:
    label: str
    count: int
    url: str
    active: bool


@dataclass
class Page:
    items: list[Item]
    total: int
    next_url: str | None
    facets: dict[str, list[FacetLink]] = field(default_factory=dict)
    fallback: bool = False


def visible_jobs(ids: list[int]) -> dict[int, Job]:
    """The rows of IDS that are still public (the index may lag a commit behind)."""
    if not ids:
        return {}
    rows = db.session.scalars(select(Job).where(Job.is_public, Job.id.in_(ids))).all()
    return {job.id: job for job in rows}


def items_for(hits: list[Hit]) -> list[Item]:
    jobs = visible_jobs([h.id for h in hits])
    return [Item(jobs[h.id], h.highlights) for h in hits if h.id in jobs]


def engine_page(params: Params) -> Page:
    result = engine_search(params)
    next_url = None
    if result.cursor:
        next_url = url_for("jobs.index", **params.args(cursor=result.cursor, page=1))
    return Page(items_for(result.hits), result.total, next_url, facet_links(params, result.facets))


def facet_links(params: Params, facets: dict) -> dict[str, list[FacetLink]]:
    employment_label = label_getter(EMPLOYMENT_TYPES)
    out: dict[str, list[FacetLink]] = {}

    def link(name: str, label: str, count: int, active: bool, **changes: Any) -> None:
        url = url_for("jobs.index", **params.args(cursor="", page=1, **changes))
        out.setdefault(name, []).append(FacetLink(label, count, url, active))

    regions = [search_index.unpad_region(b.key) for b in facets.get("region", [])]
    names = (
        dict(
            db.session.execute(
                select(Region.code, Region.name).where(Region.code.in_(regions))
            ).all()
        )
        if regions
        else {}
    )
    for bucket, code in zip(facets.get("region", []), regions, strict=True):
        link("region", names.get(code, code), bucket.count, params.region == code, region=code)
    for bucket in facets.get("category", []):
        link(
            "category",
            occupation_label(bucket.key),
            bucket.count,
            params.category == bucket.key,
            category=bucket.key,
        )
    for bucket in facets.get("employment_type", []):
        link(
            "employment_type",
            employment_label(EmploymentType(bucket.key)),
            bucket.count,
            params.employment_type == bucket.key,
            employment_type=bucket.key,
        )
    for bucket in facets.get("salary", []):
        low, high = SALARY_BANDS.get(bucket.key, (None, None))
        link(
            "salary",
            bucket.key,
            bucket.count,
            (params.salary_min, params.salary_max) == (low, high),
            salary_min=low,
            salary_max=high,
        )
    for bucket in facets.get("remote", []):
        if bucket.key == "1":
            link("remote", _("Remote"), bucket.count, params.remote, remote=True)
    return out


def monthly(column) -> Any:
    """SQL for a salary column on the monthly scale (as the index stores it)."""
    return column * case(
        *((Job.salary_period == period, factor) for period, factor in MONTHLY_FACTOR.items()),
        else_=1.0,
    )


def database_query(params: Params) -> Select:
    """The public jobs PARAMS select, as SQL (unordered): the backup search while the engine
    is down. Every word must be in the title, description or skills (LIKE, no analysis)."""
    query = select(Job).where(Job.is_public)
    for word in params.q.split():
        query = query.where(
            or_(
                Job.title.icontains(word, autoescape=True),
                Job.description.icontains(word, autoescape=True),
                json_text_contains(Job.skills, word),
            )
        )
    if params.region:
        query = query.where(Job.region_code.startswith(params.region))
    if params.category:
        query = query.where(Job.category.in_(selected(params.category)))
    if params.employment_type:
        types = [EmploymentType(t) for t in selected(params.employment_type)]
        query = query.where(Job.employment_type.in_(types))
    if params.salary_min is not None:
        query = query.where(monthly(Job.salary_max) >= params.salary_min)
    if params.salary_max is not None:
        query = query.where(monthly(Job.salary_min) <= params.salary_max)
    if params.remote:
        query = query.where(Job.remote.is_(True))
    if params.posted_within:
        query = query.where(Job.published_at >= utcnow() - timedelta(days=params.posted_within))
    if params.employer_id is not None:
        query = query.where(Job.employer_id == params.employer_id)
    return query


def database_jobs(params: Params, offset: int, limit: int) -> list[Job]:
    """One page of :func:`database_query`, highest salary first for sort=salary, else
    newest first."""
    order = (monthly(Job.salary_max).desc(),) if params.sort == "salary" else ()
    return db.session.scalars(
        database_query(params)
        .order_by(*order, Job.published_at.desc(), Job.id.desc())
        .limit(limit)
        .offset(offset)
    ).all()


def database_page(params: Params) -> Page:
    """The same search as SQL: slower, LIKE instead of analysis, no facets, numbered pages."""
    query = database_query(params)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    jobs = database_jobs(params, (params.page - 1) * PAGE_SIZE, PAGE_SIZE)
    next_url = None
    if params.page * PAGE_SIZE < total:
        next_url = url_for("jobs.index", **params.args(cursor="", page=params.page + 1))
    return Page([Item(job) for job in jobs], total, next_url, fallback=True)


def find(params: Params) -> Page:
    """The engine's answer, or the database's while the engine is unavailable."""
    try:
        return engine_page(params)
    except SearchUnavailable:
        return database_page(params)


def suggestions(text: str) -> list[Suggestion]:
    """Autocomplete for the search box: titles, skills, employers; pinyin and initials work.
    Nothing while the engine is unavailable."""
    prefix = text.strip()[:50]
    if not prefix:
        return []
    try:
        return search_index.get_backend().suggest(prefix, kind="jobs")
    except SearchUnavailable:
        return []


def similar_jobs(job: Job) -> list[Job]:
    """Public jobs like JOB (title and skills), for its page; empty when search is down."""
    try:
        result = search_index.get_backend().search(
            SearchQuery(like_id=job.id, size=SIMILAR_COUNT, highlight=False), kind="jobs"
        )
    except SearchUnavailable:
        return []
    return [item.job for item in items_for(result.hits)]
