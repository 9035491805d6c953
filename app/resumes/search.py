"""Employers' résumé search through the search engine, with the database as the fallback:
the one path of the search page (app/resumes/routes.py) and of `GET /api/v1/resumes`.

Only public résumés are in the index (app.indexing.service.resume_indexable); a verified
employer finds them there. Résumés a candidate shows only to employers they applied to —
and hidden ones reached through an application — never enter the index: the page adds the
employer's applicants from the database (service.search_query restricted to them). Every
engine hit is re-checked against service.search_query before it is shown, so a stale index
cannot reveal a résumé made hidden a moment ago. Contacts are masked as on the résumé page
(service.contact_visible): unless the candidate applied and, when the employer screens blind,
it shortlisted them (app/privacy/blind.py).

The page's box is read as the job search's is (app/jobs/typed_places.py, typed_words.py): a
place typed in it, in Chinese, English or pinyin (nurse Wuhan, 仓库 武汉, forklift Jiang'an),
is the area filter and the rest the words, English filler left out; an over-long text is
cut to the box's 100 characters and searched, saying so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import Select, func, or_, select

from app.errors import DomainError
from app.extensions import db
from app.indexing import service as search_index
from app.jobs import typed_places
from app.jobs.search import MAX_QUERY, problems_said
from app.jobs.typed_places import Reading
from app.models import Application, EducationLevel, Employer, Job, Resume, Visibility
from app.privacy import blind
from app.resumes import service
from app.templating import mask_contacts
from search import Hit, InvalidQuery, SearchQuery, SearchResult, SearchUnavailable

SORTS = ("relevance", "newest", "salary")


class BadSearch(DomainError):
    """A parameter the search cannot use; answered with 400 and the message."""

    status = 400


@dataclass
class Params:
    """One résumé search (the API's query string; the page sets q and skills)."""

    q: str = ""
    skills: tuple[str, ...] = ()
    """Every one of them (words of the search, as on the page)."""
    region: str = ""
    area: tuple[str, ...] = ()
    education_level: tuple[str, ...] = ()
    salary_min: int | None = None
    salary_max: int | None = None
    """Against the expected monthly salary (its lower bound, else its upper one)."""
    sort: str = "relevance"
    cursor: str = ""

    @property
    def text(self) -> str:
        return " ".join([self.q.strip(), *(s.strip() for s in self.skills)]).strip()[:200]


@dataclass
class Found:
    resume: Resume
    applied: bool
    contact_visible: bool = False
    """Phone and email in clear, as on the résumé page (Applicants)."""
    highlights: dict[str, str] = field(default_factory=dict)


@dataclass
class Results:
    items: list[Found]
    fallback: bool = False
    reading: Reading | None = None
    """The place read out of the keyword, and the words searched there."""


def cut(keyword: str) -> tuple[str, list[str]]:
    """KEYWORD cut to the box's MAX_QUERY characters, and what the page says of the cut (as
    the job search does: the first 100 characters are searched)."""
    keyword = keyword.strip()
    if len(keyword) <= MAX_QUERY:
        return keyword, []
    problem = _("The search text is too long (100 characters at most).")
    return keyword[:MAX_QUERY].strip(), problems_said({"q": problem})


def applicant_ids(employer: Employer) -> Select:
    return (
        select(Application.candidate_id)
        .join(Job, Job.id == Application.job_id)
        .where(Job.employer_id == employer.id)
    )


class Applicants:
    """An employer's applicants, and those of them whose contacts it sees in clear, read once
    for a page of results: the rule of service.contact_visible (every applicant; while the
    employer screens blind, only those it shortlisted, app.privacy.blind), which asks the
    database once per résumé."""

    def __init__(self, employer: Employer) -> None:
        self.ids = set(db.session.scalars(applicant_ids(employer)))
        self.in_clear = (
            set(db.session.scalars(blind.shortlisted_candidates(employer.id)))
            if employer.blind_screening
            else self.ids
        )

    def found(self, resume: Resume, highlights: dict[str, str] | None = None) -> Found:
        """RESUME as a result, its highlights masked unless its contacts are in clear."""
        visible = resume.user_id in self.in_clear
        highlights = highlights or {}
        return Found(
            resume,
            applied=resume.user_id in self.ids,
            contact_visible=visible,
            highlights=highlights if visible else _masked(highlights),
        )


def _masked(highlights: dict[str, str]) -> dict[str, str]:
    """Phone numbers typed into a summary are masked like the contact field."""
    return {k: mask_contacts(v) for k, v in highlights.items()}


def to_query(params: Params, *, size: int, facets: bool) -> SearchQuery:
    return SearchQuery(
        text=params.text,
        visibility=Visibility.PUBLIC.value,
        region=search_index.pad_region(params.region) if params.region else None,
        areas=[search_index.pad_region(code) for code in params.area] or None,
        education_level=list(params.education_level) or None,
        salary_min=params.salary_min,
        salary_max=params.salary_max,
        sort=params.sort,  # type: ignore[arg-type]
        cursor=params.cursor or None,
        size=size,
        facets=facets,
    )


def engine_search(params: Params, *, size: int, facets: bool = False) -> SearchResult:
    """The engine's answer over the public résumés. Raises SearchUnavailable when the engine
    cannot answer, BadSearch for a cursor or an area it refuses."""
    try:
        return search_index.get_backend().search(
            to_query(params, size=size, facets=facets), kind="resumes"
        )
    except InvalidQuery:
        raise BadSearch(_("Invalid page link or area.")) from None


def visible_hits(
    employer: Employer, hits: list[Hit], applicants: Applicants | None = None
) -> list[Found]:
    """The hits EMPLOYER may still see (re-checked in the database), in the engine's order,
    highlights masked unless its contacts are in clear (Applicants)."""
    ids = [hit.id for hit in hits]
    if not ids:
        return []
    rows = db.session.scalars(service.search_query(employer).where(Resume.id.in_(ids)))
    visible = {r.id: r for r in rows}
    applicants = applicants or Applicants(employer)
    return [applicants.found(visible[hit.id], hit.highlights) for hit in hits if hit.id in visible]


def expected_salary():
    """SQL for the salary the index holds for a résumé (search.documents: min, else max)."""
    return func.coalesce(Resume.expected_salary_min, Resume.expected_salary_max, 0)


def database_query(employer: Employer, params: Params) -> Select:
    """The public résumés PARAMS select, as SQL (newest first): the backup search while the
    engine is down (LIKE on the keyword, every skill, no analysis)."""
    query = service.search_query(employer, params.q, params.skills).where(
        Resume.visibility == Visibility.PUBLIC
    )
    if params.region:
        query = query.where(Resume.region_code.startswith(params.region))
    if params.area:
        query = query.where(or_(*(Resume.region_code.startswith(code) for code in params.area)))
    if params.education_level:
        levels = [EducationLevel(level) for level in params.education_level]
        query = query.where(Resume.education_level.in_(levels))
    if params.salary_min is not None:
        query = query.where(expected_salary() >= params.salary_min)
    if params.salary_max is not None:
        query = query.where(expected_salary() <= params.salary_max)
    return query


def find(employer: Employer, keyword: str, skills: Sequence[str], limit: int) -> Results:
    """The search page: the employer's applicants (any visibility) first from the database
    when unverified; for verified employers the engine's public résumés plus applicants.
    A place named in KEYWORD is the area searched (the employer's own region tells
    namesakes apart)."""
    box = typed_places.read_box(db.session, keyword, "", (), employer.region_code or "")
    words, region, reading = box.words, box.region, box.reading
    applicants_found = db.session.scalars(
        _in_region(service.search_query(employer, words, skills), region)
        .where(Resume.user_id.in_(applicant_ids(employer)))
        .limit(limit)
    ).all()
    applicants = Applicants(employer)
    if not employer.verified:  # unverified employers see their applicants only
        return Results([applicants.found(r) for r in applicants_found], reading=reading)
    params = Params(q=words, skills=tuple(skills), region=region)
    params.sort = "relevance" if params.text else "newest"
    try:
        result = engine_search(params, size=limit)
        if not result.hits and search_index.get_backend().count(SearchQuery(), kind="resumes") == 0:
            # An empty index is one not built yet (fresh instance, queue still draining):
            # the database answers, as it would during an outage, but without the notice.
            return _from_database(employer, params, limit, applicants, reading, fallback=False)
    except SearchUnavailable:
        return _from_database(employer, params, limit, applicants, reading, fallback=True)
    items = visible_hits(employer, result.hits, applicants)
    shown = {f.resume.id for f in items}
    items += [applicants.found(r) for r in applicants_found if r.id not in shown]
    return Results(items[:limit], reading=reading)


def _in_region(query: Select, region: str) -> Select:
    return query.where(Resume.region_code.startswith(region)) if region else query


def _from_database(
    employer, params: Params, limit, applicants: Applicants, reading, fallback: bool
) -> Results:
    query = _in_region(service.search_query(employer, params.q, params.skills), params.region)
    rows = db.session.scalars(query.limit(limit)).all()
    return Results([applicants.found(r) for r in rows], fallback=fallback, reading=reading)
