"""/api/v1/jobs: search public postings; employer members create, edit, pause and close their own.

The public list is the job search page's search (app.jobs.search: same engine, analysis,
filters, sorts and cursors), answered by the database while the engine is unavailable, and
says which answered (`source`, `X-Search-Source`).

Visibility is the job page's (`Job.is_public`), or any state for the employer's own members
(others get 404). Changes go through app.jobs.service, the module the pages use, so the
rules (verified to publish, duplicate check, life cycle) are one. `JobSchema` is the one
place the API's job fields are listed: it loads bodies, dumps responses and documents both.
"""

from __future__ import annotations

from flask import abort, g
from flask_babel import gettext as _
from marshmallow import ValidationError, fields
from sqlalchemy import select

from app.access import works_for
from app.api.auth import (
    member_employer,
    role_required,
    token_optional,
    unauthorized,
)
from app.api.blueprint import Blueprint
from app.api.fields import (
    REGION,
    Choice,
    Day,
    Flag,
    Listing,
    OccupationCode,
    QueryFlag,
    RegionCode,
    Stamp,
    Text,
    Whole,
    ordered,
)
from app.api.pagination import (
    DEFAULT_LIMIT,
    KEYSET,
    MAX_LIMIT,
    OFFSET,
    SEARCH,
    Cursor,
    keyset_page,
    page_of,
    sign_cursor,
)
from app.api.problems import Refusal, refuses
from app.api.schemas import QuerySchema, Schema
from app.errors import DomainError
from app.extensions import db
from app.indexing import service as search_index
from app.jobs import closing, search, service
from app.models import EducationLevel, EmploymentType, Job, JobStatus, Role, SalaryPeriod
from app.regions.queries import full_names
from search import Correction, SearchResult, SearchUnavailable
from search.defaults import FACET_SIZE

blp = Blueprint("jobs", __name__, description="Job postings: public ones, and your company's.")

SALARY = 100_000_000


class JobSchema(Schema):
    id = Whole(1, dump_only=True)
    employer_id = Whole(1, dump_only=True)
    employer_name = Text(120, attribute="employer.name", dump_only=True)
    title = Text(120, min_length=1, required=True, metadata={"example": "Java开发工程师"})
    description = Text(20000, metadata={"description": "Markdown."})
    skills = Listing(Text(40, min_length=1), max_items=30)
    salary_min = Whole(0, SALARY, required=True)
    salary_max = Whole(0, SALARY, required=True)
    salary_period = Choice(SalaryPeriod)
    employment_type = Choice(EmploymentType, required=True)
    headcount = Whole(1, 10000)
    region_code = RegionCode(required=True, metadata={"example": "420102"})
    remote = Flag()
    deadline = Day(allow_none=True)
    screening_questions = Listing(Text(300, min_length=1), max_items=20)
    category = OccupationCode(
        metadata={
            "description": "The occupation (CSCO 2022): its code or its name; empty for none.",
            "example": "2-02-10-03",
        }
    )
    min_experience_years = Whole(0, 50)
    education_level = Choice(["", *EducationLevel], metadata={"description": "Empty: any."})
    status = Choice(JobStatus, dump_only=True)
    created_at = Stamp()
    published_at = Stamp(allow_none=True)
    publish = Flag(
        load_only=True,
        metadata={"description": "Publish now (verified employers) instead of saving a draft."},
    )
    confirm_duplicate = Flag(
        load_only=True,
        metadata={"description": "Save even if an open job with this title exists in the region."},
    )


class JobChangesSchema(JobSchema):
    """Some fields of a job (PATCH); publishing has its own endpoint."""

    class Meta:
        exclude = ("publish",)


class JobQuery(QuerySchema):
    q = Text(
        100,
        metadata={
            "description": "What to search for, as on the job search page: words of the title, "
            "skills, description or employer, in simplified or traditional Chinese, full pinyin "
            "(kuaiji) or English; typos are forgiven. A place typed with the words (司机 江岸区, "
            "江岸) is read as the region (see `reading`). Best matches first unless `sort` says "
            "otherwise.",
            "example": "软件工程师",
        },
    )
    region = Text(
        12,
        min_length=2,
        pattern=REGION,
        metadata={"description": "Region code; jobs in its subtree."},
    )
    area = Listing(
        Text(12, min_length=2, pattern=REGION),
        max_items=search.MAX_SELECTED,
        metadata={
            "description": "Regions below `region`, all at one level (e.g. two districts of a "
            "city); repeat for any of several. The region facet then lists that level, counted "
            "as if `area` were off."
        },
    )
    category = Listing(
        Text(16),
        max_items=search.MAX_SELECTED,
        metadata={
            "description": "Occupation codes (CSCO, e.g. 2-02-10-03); repeat for any of several."
        },
    )
    employment_type = Listing(
        Choice(EmploymentType),
        max_items=len(EmploymentType),
        metadata={"description": "Repeat for any of several."},
    )
    remote = QueryFlag()
    salary_min = Whole(
        0,
        SALARY,
        strict=False,
        metadata={
            "description": "Only jobs paying at least this much a month (their upper bound)."
        },
    )
    salary_max = Whole(
        0,
        SALARY,
        strict=False,
        metadata={"description": "Only jobs paying at most this much a month (their lower bound)."},
    )
    posted_within = Whole(
        1, 365, strict=False, metadata={"description": "Only jobs published in the last N days."}
    )
    employer_id = Whole(1, strict=False)
    sort = Choice(
        search.SORTS,
        metadata={"description": "relevance (the default with `q`), newest (without), or salary."},
    )
    facets = QueryFlag(
        metadata={
            "description": "Also count the matches per category, employment type, "
            "region (one level below `region`, or the level of `area`), salary band and remote. "
            "A facet with a "
            "selection is counted as if it were off: its counts say what adding a value gives."
        }
    )
    as_typed = QueryFlag(metadata={"description": "Search `q` as typed: read no place out of it."})
    mine = QueryFlag(
        metadata={"description": "Employer members: the own company's jobs in every state."}
    )
    status = Choice(JobStatus, metadata={"description": "With mine=true only."})
    cursor = Cursor(KEYSET, SEARCH, OFFSET)
    limit = Whole(1, MAX_LIMIT, strict=False)


class FacetBucketSchema(Schema):
    key = Text(32, metadata={"description": "The value (a region code, a salary band...)."})
    count = Whole(0)


class ReadingSchema(Schema):
    place = Text(
        12, metadata={"description": "The region code searched in (filters like `region`)."}
    )
    place_name = Text(200)
    typed = Text(100, metadata={"description": "The place as it was typed."})
    words = Text(100, metadata={"description": "The rest of `q`, searched inside the place."})
    namesakes = Listing(
        Text(12), max_items=100, metadata={"description": "Other regions of the same name."}
    )


class CorrectionSchema(Schema):
    text = Text(100, metadata={"description": "The words corrected (软件工城师 → 软件工程师)."})
    total = Whole(0, metadata={"description": "Jobs the corrected words find."})


class JobSearchPageSchema(page_of(JobSchema)):
    total = Whole(
        0,
        allow_none=True,
        metadata={"description": "All matches (null for mine=true and the database fallback)."},
    )
    facets = fields.Dict(
        keys=fields.String(),
        values=Listing(fields.Nested(FacetBucketSchema), max_items=FACET_SIZE),
        allow_none=True,
        metadata={"description": "With facets=true: name → values with their match counts."},
    )
    source = Choice(
        ("engine", "database"),
        metadata={
            "description": "Who answered: the search engine, or the database while the engine "
            "is unavailable (word matching only, no facets; also in the X-Search-Source header)."
        },
    )
    reading = fields.Nested(
        ReadingSchema,
        allow_none=True,
        metadata={"description": "The place read out of `q`, when it named one."},
    )
    did_you_mean = fields.Nested(
        CorrectionSchema,
        allow_none=True,
        metadata={
            "description": "When the first page found almost nothing: the misspelt words "
            "corrected, finding more (the page shows them; the API leaves the choice to you)."
        },
    )


def visible_job(job_id: int) -> Job:
    job = db.get_or_404(Job, job_id)
    user = g.api_user
    if not job.is_public and not (user is not None and works_for(user, job.employer_id)):
        abort(404)
    return job


def own_job(job_id: int) -> Job:
    """A job of the caller's employer; any other is 404, as on the pages."""
    employer = member_employer()
    return db.one_or_404(select(Job).where(Job.id == job_id, Job.employer_id == employer.id))


@blp.route("/jobs")
@token_optional
@blp.query(JobQuery)
@blp.response(200, JobSearchPageSchema)
@refuses(403)
def list_jobs(args):
    """Search public jobs like the job search page, or list your company's (mine=true)"""
    if args.get("mine"):
        return own_jobs(args)
    kind, position = args.pop("cursor", (None, None))
    if kind == KEYSET:
        raise search.BadSearch(_("The cursor is not valid; start again without it."))
    home = g.api_user.region_code if g.api_user is not None else None
    params, reading = search.understand(search_params(args), home or "")
    limit = args.get("limit", DEFAULT_LIMIT)
    if kind != OFFSET:
        params.cursor = position or ""
        try:
            result = search.engine_search(params, size=limit, facets=args.get("facets", False))
        except SearchUnavailable:
            if kind == SEARCH:  # the database cannot continue the engine's order
                raise search.BadSearch(
                    _("Search is in backup mode for now; start again without the cursor.")
                ) from None
        else:
            fix = None
            if not position and params.q and not args.get("as_typed"):
                fix = search.spelling(params) if result.total < search.FEW_RESULTS else None
            return engine_answer(result, reading, fix if fix and fix.total > result.total else None)
    return database_answer(params, position or 0, limit, reading)


def search_params(args: dict) -> search.Params:
    """The job search page's parameters for the API's query string."""
    region = args.get("region", "")
    return search.Params(
        q=args.get("q", ""),
        region=region,
        area=search.checked_areas(tuple(dict.fromkeys(args.get("area", ()))), region),
        category=tuple(args.get("category", ())),
        employment_type=tuple(str(t) for t in args.get("employment_type", ())),
        salary_min=args.get("salary_min"),
        salary_max=args.get("salary_max"),
        remote=args.get("remote", False),
        posted_within=args.get("posted_within"),
        employer_id=args.get("employer_id"),
        sort=args.get("sort") or ("relevance" if args.get("q") else "newest"),
        as_typed=args.get("as_typed", False),
    )


def reading_answer(reading: search.Reading | None) -> dict | None:
    if reading is None:
        return None
    code = reading.place.code
    return {
        "place": code,
        "place_name": full_names(db.session, {code}).get(code, reading.place.name),
        "typed": reading.typed,
        "words": reading.words,
        "namesakes": [p.code for p in reading.others],
    }


def facet_counts(result: SearchResult) -> dict | None:
    """The engine's facet buckets as the API shows them (region codes unpadded)."""
    if not result.facets:
        return None
    return {
        name: [
            {
                "key": search_index.unpad_region(b.key) if name == "region" else b.key,
                "count": b.count,
            }
            for b in buckets
        ]
        for name, buckets in result.facets.items()
    }


def engine_answer(result: SearchResult, reading, correction: Correction | None):
    page = {
        "reading": reading_answer(reading),
        "did_you_mean": correction,
        "items": [item.job for item in search.items_for(result.hits)],
        "next_cursor": sign_cursor(SEARCH, result.cursor) if result.cursor else None,
        "total": result.total,
        "facets": facet_counts(result),
        "source": "engine",
    }
    return page, 200, {"X-Search-Source": "engine"}


def database_answer(params: search.Params, offset: int, limit: int, reading=None):
    """The backup search (app.jobs.search.database_query) while the engine is unavailable,
    paged by offset."""
    rows = search.database_jobs(params, offset, limit + 1)
    page = {
        "reading": reading_answer(reading),
        "items": rows[:limit],
        "next_cursor": sign_cursor(OFFSET, offset + limit) if len(rows) > limit else None,
        "total": None,
        "facets": None,
        "source": "database",
    }
    return page, 200, {"X-Search-Source": "database"}


def own_jobs(args: dict) -> dict:
    """The caller's company's jobs in every state (or one), newest first."""
    if g.api_user is None:
        unauthorized()
    kind, position = args.pop("cursor", (KEYSET, None))
    if kind != KEYSET:
        raise search.BadSearch(_("The cursor is not valid; start again without it."))
    if position is not None:
        args["cursor"] = position
    stmt = select(Job).where(Job.employer_id == member_employer().id)
    if "status" in args:
        stmt = stmt.where(Job.status == args["status"])
    return {**keyset_page(stmt, Job, args), "total": None, "facets": None, "source": "database"}


@blp.route("/jobs/<id:job_id>")
@token_optional
@blp.response(200, JobSchema)
def get_job(job_id: int):
    """One job"""
    return visible_job(job_id)


def _save(job: Job, data: dict) -> Job:
    """Fill JOB with the loaded DATA and save it through the service: 422 when the salary
    (completed by the job's own values, for a PATCH) is below the floor of its period or its
    range is upside down, 409 for a likely duplicate that was not confirmed."""
    confirmed = data.pop("confirm_duplicate", False)
    low = data.get("salary_min", job.salary_min)
    ordered(low, data.get("salary_max", job.salary_max), "salary_max")
    too_low = service.salary_too_low(low, data.get("salary_period", job.salary_period or "month"))
    if too_low:
        raise ValidationError(too_low, field_name="salary_min")
    with db.session.no_autoflush:  # the duplicate check must not flush a half-checked job
        service.fill(job, data)
        found = service.save(job, g.api_user, confirmed_duplicate=confirmed)
    if found:
        raise Refusal(
            _(
                "You already have an open job with this title in this region. "
                "Send confirm_duplicate=true if this is a separate opening."
            ),
            duplicates=[duplicate.id for duplicate in found],
        )
    db.session.commit()
    return job


@blp.route("/jobs", methods=["POST"])
@role_required(Role.EMPLOYER)
@blp.body(JobSchema)
@blp.response(201, JobSchema)
@refuses(409)
def create_job(data: dict):
    """Create a job (a draft, or published with publish=true)"""
    publish = data.pop("publish", False)
    job = Job(
        employer_id=member_employer().id,
        status=JobStatus.PUBLISHED if publish else JobStatus.DRAFT,
    )
    return _save(job, data)


@blp.route("/jobs/<id:job_id>", methods=["PATCH"])
@role_required(Role.EMPLOYER)
@blp.body(JobChangesSchema(partial=True))
@blp.response(200, JobSchema)
@refuses(409)
def update_job(data: dict, job_id: int):
    """Change some fields of your company's job"""
    job = own_job(job_id)
    if job.status == JobStatus.CLOSED:
        raise DomainError(_("Closed jobs cannot be edited; repost it instead."))
    return _save(job, data)


def _status_view(action: str):
    def view(job_id: int):
        job = own_job(job_id)
        if action == "close":  # as on the pages: candidates told, planned interviews cancelled
            closing.close(job, g.api_user)
        else:
            service.change_status(job, action, g.api_user)
        db.session.commit()
        return job

    view.__name__ = f"{action}_job"
    view.__doc__ = f"{action.capitalize()} your company's job"
    return view


for _action in service.TRANSITIONS:
    blp.route(f"/jobs/<id:job_id>/{_action}", methods=["POST"])(
        role_required(Role.EMPLOYER)(
            blp.response(200, JobSchema)(refuses(409)(_status_view(_action)))
        )
    )
