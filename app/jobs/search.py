"""Job search for the search page (app/jobs/routes.py), and "jobs like this one".

The whole search lives in the URL (a GET form), so a search can be bookmarked and shared;
the next page is a cursor link. Answers come from the search engine; when it is
unavailable the same filters run as SQL over the database (slower, no facets) and the page
says so. Hits are shown from the database rows (current data, same card as everywhere),
in the engine's order, with the engine's highlights.

What was typed is read first (:func:`understand`): a place in it becomes the region filter
(app/jobs/typed_places.py), and words nothing was ever called are checked for misspellings
(search/spelling.py); the page says what it searched, with links to search as typed.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import asdict, dataclass, field, replace
from datetime import timedelta
from typing import Any

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import ColumnElement, Select, and_, case, func, or_, select

from app.errors import DomainError
from app.extensions import db
from app.indexing import service as search_index
from app.jobs import typed_places
from app.jobs.typed_places import Reading
from app.kept import kept
from app.labels import EMPLOYMENT_TYPES, label_getter, occupation_label
from app.models import EmploymentType, Job, json_text_contains, utcnow
from app.models.jobs import MONTHLY_FACTOR
from app.occupations.service import resolve as resolve_occupation
from app.regions.queries import ancestor_codes
from app.regions.queries import resolve as resolve_region
from app.templating import place_names, region_names
from search import (
    Correction,
    Hit,
    InvalidQuery,
    SearchQuery,
    SearchResult,
    SearchUnavailable,
    Suggestion,
    analysis,
)
from search.defaults import SUGGEST_LIMIT
from search.documents import employment_words

PAGE_SIZE = 20
SORTS = ("relevance", "newest", "salary")
POSTED_WITHIN = (1, 3, 7, 30)
MAX_SALARY = 10_000_000
MAX_SELECTED = 20
"""Values of one multi-select parameter (area, category, employment_type) at most."""
SIMILAR_COUNT = 5
FEW_RESULTS = 3
"""Fewer matches than this and the words are checked for misspellings."""
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
    """The scope (region picker): jobs in its subtree; the area facet lists the level below."""
    area: tuple[str, ...] = ()
    """Regions one level (or more) below ``region``, all at one level: jobs in any of them."""
    category: tuple[str, ...] = ()
    """Occupation codes: jobs of any of them."""
    employment_type: tuple[str, ...] = ()
    salary_min: int | None = None
    salary_max: int | None = None
    remote: bool = False
    posted_within: int | None = None
    verified: bool = False
    sort: str = "relevance"
    cursor: str = ""
    page: int = 1
    employer_id: int | None = None
    as_typed: bool = False
    """Search the text as typed: no place read out of it, no correction."""

    def args(self, **changes: Any) -> dict[str, Any]:
        """Non-default parameters (with CHANGES), for url_for: short, shareable URLs."""
        data = {**asdict(self), **changes}
        defaults = asdict(Params())
        return {
            k: (1 if v is True else v)
            for k, v in data.items()
            if v != defaults[k] and v is not None
        }


MAX_QUERY = 100
"""Characters of the search box at most (its maxlength, on the home page too)."""


def box_text(text: str) -> str:
    """TEXT as the search box takes it: cut to MAX_QUERY characters, at the last word
    boundary if there is one (a job title may be longer than the box: "jobs like it")."""
    text = " ".join(text.split())
    if len(text) <= MAX_QUERY:
        return text
    cut = text[: MAX_QUERY + 1]
    return cut[: cut.rfind(" ")] if " " in cut else text[:MAX_QUERY]


def _int(args, name: str, low: int, high: int) -> int | None:
    raw = args.get(name, "").strip()
    if not raw:
        return None
    if not raw.isdecimal() or len(raw) > len(str(high)) or not low <= int(raw) <= high:
        raise BadSearch(_whole_number_messages()[name] % {"low": low, "high": high})
    return int(raw)


def _whole_number_messages() -> dict[str, str]:
    """What a page says of a number it cannot use, per parameter: the reader never sees
    the parameter's name. Formatted after translation (low, high)."""
    return {
        "salary_min": _("The lowest salary must be a whole number from %(low)s to %(high)s."),
        "salary_max": _("The highest salary must be a whole number from %(low)s to %(high)s."),
        "posted_within": _("Unknown time range."),
        "page": _("The page number must be a whole number from %(low)s to %(high)s."),
    }


def _several(args, name: str) -> tuple[str, ...]:
    """The distinct values of a repeated parameter (blank ones ignored), in order."""
    values = tuple(dict.fromkeys(v.strip() for v in args.getlist(name) if v.strip()))
    if len(values) > MAX_SELECTED:
        raise BadSearch(_("Too many values selected (%(max)s at most).", max=MAX_SELECTED))
    return values


def checked_areas(areas: tuple[str, ...], region: str) -> tuple[str, ...]:
    """AREAS if they lie inside REGION, all at one level; else BadSearch."""
    for code in areas:
        if (
            not code.isdigit()
            or len(code) not in search_index.REGION_PREFIXES
            or len(code) <= len(region)
            or not code.startswith(region)
        ):
            raise BadSearch(_("Unknown area: choose places inside the region."))
    if len({len(code) for code in areas}) > 1:
        raise BadSearch(_("Choose areas of one kind (all cities, or all districts)."))
    return areas


def parse_params(args) -> Params:
    """Read and validate the query string (a MultiDict: area, category and employment_type
    may repeat). Raises BadSearch, with the first parameter it cannot use."""
    params, problems = read_params(args)
    if problems:
        raise BadSearch(next(iter(problems.values())))
    return params


def read_params(args) -> tuple[Params, dict[str, str]]:
    """The search the query string asks for, less what it cannot use (an over-long text cut
    to MAX_QUERY, a bad parameter left out), and parameter → what was wrong with it, so a
    page can say so and still search (:func:`problems_said`)."""
    problems: dict[str, str] = {}

    def read(name, reader, *arguments, default):
        try:
            return reader(*arguments)
        except BadSearch as error:
            problems.setdefault(name, error.message)
            return default

    q = args.get("q", "").strip()
    if len(q) > MAX_QUERY:
        problems["q"] = _("The search text is too long (100 characters at most).")
        q = q[:MAX_QUERY].strip()
    region = read("region", _region, args, default="")
    salary_min = read("salary_min", _int, args, "salary_min", 0, MAX_SALARY, default=None)
    salary_max = read("salary_max", _int, args, "salary_max", 0, MAX_SALARY, default=None)
    if salary_min is not None and salary_max is not None and salary_min > salary_max:
        problems["salary_max"] = _("The minimum salary is above the maximum.")
        salary_max = None
    cursor = args.get("cursor", "").strip()
    if len(cursor) > 200:
        problems["cursor"] = _("Invalid page link.")
        cursor = ""
    areas = read("area", _several, args, "area", default=())
    typed_categories = read("category", _several, args, "category", default=())
    categories = tuple(filter(None, map(_occupation, typed_categories)))
    if len(categories) < len(typed_categories):
        problems.setdefault("category", _("No such occupation. Choose one from the list."))
    params = Params(
        q=q,
        region=region,
        area=read("area", checked_areas, areas, region, default=()),
        category=categories,
        employment_type=read("employment_type", _employment_types, args, default=()),
        salary_min=salary_min,
        salary_max=salary_max,
        remote=args.get("remote") == "1",
        posted_within=read("posted_within", _posted_within, args, default=None),
        verified=args.get("verified") == "1",
        sort=read("sort", _sort, args, default="relevance"),
        cursor=cursor,
        page=read("page", _int, args, "page", 1, 1000, default=None) or 1,
        as_typed=args.get("as_typed") == "1",
    )
    return params, problems


def problems_said(problems: dict[str, str]) -> list[str]:
    """What the page says beside the search box of the parameters :func:`read_params` could
    not use: the search ran on the first 100 characters of a long text, without the rest."""
    return [
        _("%(problem)s Its first 100 characters were searched.", problem=message)
        if name == "q"
        else _("%(problem)s It was left out of this search.", problem=message)
        for name, message in problems.items()
    ]


def _region(args) -> str:
    region = args.get("region", "").strip()
    if region and not region.isdigit():  # a place typed by name (the picker sends codes)
        region = resolve_region(db.session, region[:200]) or region
    if region and (not region.isdigit() or len(region) not in search_index.REGION_PREFIXES):
        raise BadSearch(_("No such place. Choose one from the list."))
    return region


def _occupation(typed: str) -> str | None:
    """The occupation code TYPED names: a code, or a name typed into the address."""
    return resolve_occupation(typed[:60])


def _employment_types(args) -> tuple[str, ...]:
    employment_type = _several(args, "employment_type")
    if not set(employment_type) <= {e.value for e in EmploymentType}:
        raise BadSearch(_("Unknown employment type."))
    return employment_type


def _posted_within(args) -> int | None:
    posted_within = _int(args, "posted_within", 1, 365)
    if posted_within is not None and posted_within not in POSTED_WITHIN:
        raise BadSearch(_("Unknown time range."))
    return posted_within


def _sort(args) -> str:
    sort = args.get("sort", "relevance")
    if sort not in SORTS:
        raise BadSearch(_("Unknown sort order."))
    return sort


def understand(params: Params, home: str = "") -> tuple[Params, Reading | None]:
    """The search PARAMS ask for once their box is read (`typed_places.read_box`: a place
    typed is the region, English filler left out; HOME: the reader's region), and how ``q``
    was read. The page, the API and saved searches' alerts all search through here."""
    if params.as_typed or not params.q:
        return params, None
    box = typed_places.read_box(db.session, params.q, params.region, params.area, home)
    return replace(params, q=box.words, region=box.region, area=box.areas), box.reading


def to_query(params: Params, facets: bool = True, size: int = PAGE_SIZE) -> SearchQuery:
    return SearchQuery(
        text=params.q,
        region=search_index.pad_region(params.region) if params.region else None,
        areas=[search_index.pad_region(code) for code in params.area] or None,
        category=list(params.category) or None,
        employment_type=list(params.employment_type) or None,
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
class Option:
    """One value of a multi-select filter (a checkbox named PARAM): its name, and how many
    jobs it gives counted as if this filter were off (None in backup mode: not counted)."""

    param: str
    value: str
    label: str
    count: int | None
    checked: bool


@dataclass
class FacetLink:
    label: str
    count: int
    url: str
    active: bool


@dataclass
class Link:
    label: str
    url: str


@dataclass
class Note:
    """What the text typed was searched as, for the line above the results."""

    place: str = ""
    """The place searched in, when one was read out of the text (its full name if it has
    namesakes)."""
    words: str = ""
    """The words searched for (there)."""
    everywhere_url: str = ""
    """The words in every place."""
    as_typed_url: str = ""
    """The text exactly as typed: no place, no correction."""
    namesakes: list[Link] = field(default_factory=list)
    wider: Link | None = None
    """The nearest region around the place with some of these jobs, offered when the place
    has none."""
    corrected_from: str = ""
    """The words typed, when the results shown are the correction's (they found nothing)."""
    did_you_mean: Link | None = None
    """A correction that finds more than the few results shown."""


MULTI_SELECT = ("area", "employment_type", "category")
"""The multi-select filters, in the order the filter sheet shows them."""


@dataclass
class Page:
    items: list[Item]
    total: int
    next_url: str | None
    options: dict[str, list[Option]] = field(default_factory=dict)
    """Multi-select filter → its values (MULTI_SELECT)."""
    salary_links: list[FacetLink] = field(default_factory=list)
    remote_count: int | None = None
    fallback: bool = False
    note: Note | None = None

    @property
    def selected_count(self) -> int:
        return sum(o.checked for options in self.options.values() for o in options)


def visible_jobs(ids: list[int]) -> dict[int, Job]:
    """The rows of IDS that are still public (the index may lag a commit behind)."""
    if not ids:
        return {}
    rows = db.session.scalars(select(Job).where(Job.is_public, Job.id.in_(ids))).all()
    return {job.id: job for job in rows}


def items_for(hits: list[Hit]) -> list[Item]:
    jobs = visible_jobs([h.id for h in hits])
    return [Item(jobs[h.id], h.highlights) for h in hits if h.id in jobs]


def engine_page(params: Params, shown: Params) -> Page:
    """The engine's page for PARAMS; its links keep SHOWN, the search as typed."""
    result = engine_search(params)
    next_url = None
    if result.cursor:
        next_url = url_for("jobs.index", **shown.args(cursor=result.cursor, page=1))
    remote = result.facet_counts("remote").get("1")
    return Page(
        items_for(result.hits),
        result.total,
        next_url,
        options=filter_options(params, result.facets),
        salary_links=salary_links(shown, result.facets.get("salary", [])),
        remote_count=remote or 0,
    )


def filter_options(params: Params, facets: dict | None) -> dict[str, list[Option]]:
    """The checkboxes of the multi-select filters: the engine's facet values with their
    counts (FACETS; None in backup mode: employment types and the selected values, uncounted),
    then selected values the facet did not list, so a selection can always be undone."""
    counted: dict[str, dict[str, int]] = {
        "area": {
            search_index.unpad_region(b.key): b.count for b in (facets or {}).get("region", [])
        },
        "category": {b.key: b.count for b in (facets or {}).get("category", [])},
        "employment_type": {b.key: b.count for b in (facets or {}).get("employment_type", [])},
    }
    if facets is None:
        counted["employment_type"] = {t.value: None for t in EmploymentType}
    names = region_names([*counted["area"], *params.area])
    employment_label = label_getter(EMPLOYMENT_TYPES)
    label = {
        "area": lambda code: names.get(code, code),
        "category": occupation_label,
        "employment_type": lambda value: employment_label(EmploymentType(value)),
    }
    out: dict[str, list[Option]] = {}
    for param in MULTI_SELECT:
        chosen = getattr(params, param)
        values = {**counted[param], **{v: None for v in chosen if v not in counted[param]}}
        out[param] = [
            Option(param, value, label[param](value), count, value in chosen)
            for value, count in values.items()
        ]
    return {param: options for param, options in out.items() if options}


def salary_links(params: Params, buckets: list) -> list[FacetLink]:
    """Salary bands: one range at a time (a link sets both bounds)."""
    links = []
    for bucket in buckets:
        low, high = SALARY_BANDS.get(bucket.key, (None, None))
        url = url_for(
            "jobs.index", **params.args(cursor="", page=1, salary_min=low, salary_max=high)
        )
        active = (params.salary_min, params.salary_max) == (low, high)
        links.append(FacetLink(bucket.key, bucket.count, url, active))
    return links


def monthly(column) -> Any:
    """SQL for a salary column on the monthly scale (as the index stores it)."""
    return column * case(
        *((Job.salary_period == period, factor) for period, factor in MONTHLY_FACTOR.items()),
        else_=1.0,
    )


def database_query(params: Params) -> Select:
    """The public jobs PARAMS select, as SQL (unordered): the backup search while the engine
    is down, and saved searches' alerts. The words are read as the engine reads them
    (`database_words`), each one found inside the title, description or skills (LIKE)."""
    query = select(Job).where(Job.is_public, *words_found(params.q, _job_text_contains))
    if params.region:
        query = query.where(Job.region_code.startswith(params.region))
    if params.area:
        query = query.where(or_(*(Job.region_code.startswith(code) for code in params.area)))
    if params.category:
        query = query.where(Job.category.in_(params.category))
    if params.employment_type:
        types = [EmploymentType(t) for t in params.employment_type]
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


def database_words(text: str) -> list[list[tuple[str, ...]]]:
    """TEXT as the engine reads it, for SQL: each word a list of alternatives (its synonyms:
    nurse → 护士; a Chinese compound's pieces: 软件工程师 → 软件 + 工程师), each alternative
    the pieces that must all be found. Typo and pinyin forms are left to the engine."""
    words = []
    for clause in analysis.analyze_query(text, typos=False):
        alternatives = [
            tuple(term.text for term in alt)
            for alt in clause
            if all(term.via != analysis.PINYIN for term in alt)
        ]
        words.append(list(dict.fromkeys(alternatives)))
    return words


def words_found(text: str, contains: Callable[[str], ColumnElement]) -> list[ColumnElement]:
    """SQL conditions finding TEXT's words as the engine reads them (`database_words`), one a
    word: any of its alternatives, each piece found by CONTAINS (jobs here, résumés in
    app.resumes.service)."""
    return [
        or_(*(and_(*(contains(piece) for piece in alt)) for alt in alternatives))
        for alternatives in database_words(text)
    ]


def _job_text_contains(piece: str):
    """Whether a job's text holds PIECE, its employment type's word (兼职) included, as the
    index holds it among the skills."""
    types = [EmploymentType(t) for t, word in employment_words().items() if piece in word]
    return or_(
        Job.title.icontains(piece, autoescape=True),
        Job.description.icontains(piece, autoescape=True),
        json_text_contains(Job.skills, piece),
        *([Job.employment_type.in_(types)] if types else []),
    )


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


def database_page(params: Params, shown: Params) -> Page:
    """The same search as SQL: slower, LIKE instead of analysis, no facets, numbered pages."""
    query = database_query(params)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    jobs = database_jobs(params, (params.page - 1) * PAGE_SIZE, PAGE_SIZE)
    next_url = None
    if params.page * PAGE_SIZE < total:
        next_url = url_for("jobs.index", **shown.args(cursor="", page=params.page + 1))
    return Page(
        [Item(job) for job in jobs],
        total,
        next_url,
        options=filter_options(params, None),
        fallback=True,
    )


def find(params: Params, home: str = "") -> Page:
    """The engine's answer, or the database's while the engine is unavailable, for the
    search PARAMS are read as (:func:`understand`; HOME: the reader's region). A search
    finding fewer than FEW_RESULTS is offered a correction; one finding nothing shows the
    correction's results when it has some."""
    searched, reading = understand(params, home)
    try:
        page = engine_page(searched, params)
    except SearchUnavailable:
        page = database_page(searched, params)
    page.note = note(params, searched, reading, page.total)
    correction = None
    if page.total < FEW_RESULTS and searched.q and not params.as_typed and not page.fallback:
        correction = spelling(searched)
    if correction is None or correction.total <= page.total:
        return page
    typed = " ".join(filter(None, [reading.typed if reading else "", correction.text]))
    corrected = replace(params, q=typed, cursor="", page=1)
    if page.total == 0:  # show what the correction finds, saying so
        fixed = replace(searched, q=correction.text, cursor="")
        try:
            page = engine_page(fixed, corrected)
        except SearchUnavailable:
            return page
        page.note = note(params, fixed, reading, page.total) or Note(words=correction.text)
        page.note.corrected_from = searched.q
        page.note.as_typed_url = _url(params, as_typed=True)
    else:
        page.note = page.note or Note(words=searched.q)
        page.note.did_you_mean = Link(correction.text, url_for("jobs.index", **corrected.args()))
    return page


def spelling(searched: Params) -> Correction | None:
    """A correction of SEARCHED's words finding more (search/spelling.py); None while the
    engine is unavailable."""
    try:
        return search_index.get_backend().did_you_mean(to_query(searched, facets=False, size=1))
    except SearchUnavailable:
        return None


def _url(params: Params, **changes: Any) -> str:
    return url_for("jobs.index", **params.args(cursor="", page=1, **changes))


def note(params: Params, searched: Params, reading: Reading | None, total: int) -> Note | None:
    """How the typed text was read: the place searched in (None when it named none)."""
    if reading is None:
        return None
    places = [reading.place.code, *(p.code for p in reading.others)]
    around = ancestor_codes(reading.place.code)
    names = place_names([*places, *around, searched.region])
    own = region_names([searched.region])
    shown = names if reading.others else own
    out = Note(
        place=shown.get(searched.region, searched.region),
        words=searched.q,
        everywhere_url=_url(params, q=searched.q, region="", area=()) if searched.q else "",
        as_typed_url=_url(params, as_typed=True),
        namesakes=[
            Link(names.get(p.code, p.code), _url(params, q=searched.q, region=p.code, area=()))
            for p in reading.others
        ],
    )
    if total == 0:
        wider = next((c for c in reversed(around) if c in names and _found_in(searched, c)), "")
        if wider:
            out.wider = Link(names[wider], _url(params, q=searched.q, region=wider, area=()))
    return out


def _found_in(searched: Params, region: str) -> bool:
    """Whether SEARCHED finds jobs in REGION: the wider place the page offers when the one
    typed has none must have some (sales Zunyi offered Guizhou, with none there either)."""
    wider = replace(searched, region=region, area=(), cursor="")
    try:
        return search_index.get_backend().count(to_query(wider, facets=False, size=1)) > 0
    except SearchUnavailable:
        return (
            db.session.scalar(database_query(wider).limit(1).with_only_columns(Job.id)) is not None
        )


def index_version() -> Hashable | None:
    """What changes when the job index does (None: the engine cannot tell, or is down)."""
    try:
        return search_index.get_backend().version("jobs")
    except SearchUnavailable:
        return None


def suggestions(text: str) -> list[Suggestion]:
    """Autocomplete for the search box: titles, skills, employers; pinyin and initials work;
    then the English job words starting with the text (fork → forklift, kind ``job_word``:
    they find Chinese jobs, and no indexed title is in English). Nothing while the engine is
    unavailable. A misspelt word that starts nothing (会汁) gets its correction (kind
    ``correction``)."""
    prefix = text.strip()[:50]
    if not prefix:
        return []
    try:
        backend = search_index.get_backend()
        found = backend.suggest(prefix, kind="jobs")
        shown = {s.text.lower() for s in found}
        found += [
            Suggestion(text=word, kind="job_word", weight=0)
            for word in analysis.english_job_words(prefix)
            if word not in shown
        ][: max(0, SUGGEST_LIMIT - len(found))]
        if not found and (fixed := backend.did_you_mean(SearchQuery(text=prefix, size=1))):
            return [Suggestion(text=fixed.text, kind="correction", weight=fixed.total)]
        return found
    except SearchUnavailable:
        return []


SIMILAR_KEPT_S = 120.0
"""Seconds a web process keeps a job's list of similar jobs: they are a suggestion, a
search on every job page, and a job that stops being public drops out at once anyway."""


def similar_jobs(job: Job) -> list[Job]:
    """Public jobs like JOB (title and skills), for its page; empty when search is down.

    The index ranks every job sharing any word of the title or skills; where few jobs are
    really alike, that fills the list with jobs sharing one common word (a cashier's Excel
    under a quality inspector), so only the ranked jobs that are `alike` are shown: fewer,
    or none, rather than unrelated ones."""
    query = SearchQuery(like_id=job.id, size=SIMILAR_COUNT * 4, highlight=False)
    try:
        hits = kept(
            "similar_jobs",
            job.id,
            lambda: search_index.get_backend().search(query, kind="jobs").hits,
            ttl=SIMILAR_KEPT_S,
            limit=20_000,
        )
    except SearchUnavailable:
        return []
    return [item.job for item in items_for(hits) if alike(job, item.job)][:SIMILAR_COUNT]


def alike(job: Job, other: Job) -> bool:
    """Whether OTHER is a job like JOB: the same occupation (a minor group or finer: a
    major group such as production workers is too wide), a word of the title in common, or
    two of JOB's skills (its one skill, when it lists one)."""
    if job.category.count("-") >= 2 and job.category == other.category:
        return True
    if _title_words(job.title) & _title_words(other.title):
        return True
    wanted = {skill.strip().casefold() for skill in job.skills or ()}
    shared = wanted & {skill.strip().casefold() for skill in other.skills or ()}
    return bool(shared) and len(shared) >= min(2, len(wanted))


def _title_words(title: str) -> set[str]:
    return {token for token in analysis.query_tokens(title) if len(token) > 1}
