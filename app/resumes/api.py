"""/api/v1/resume (the caller's own), /api/v1/resumes/<id> (someone's, as the résumé
page allows) and /api/v1/resumes (verified employers' search, as the search page).

Who may see a résumé and whose contacts are unmasked is decided by app.resumes.service,
the same functions the pages use; saving goes through its `save`.
"""

from __future__ import annotations

from flask import abort, g
from flask_babel import gettext as _
from marshmallow import fields, validates_schema

from app.api.auth import member_employer, role_required, token_required
from app.api.blueprint import Blueprint
from app.api.fields import (
    NO_NUL,
    REGION,
    Choice,
    Day,
    Flag,
    Listing,
    QueryFlag,
    RegionCode,
    Stamp,
    Text,
    Whole,
    ordered,
)
from app.api.pagination import DEFAULT_LIMIT, MAX_LIMIT, OFFSET, SEARCH, Cursor, sign_cursor
from app.api.schemas import QuerySchema, Schema, View
from app.extensions import db
from app.jobs.api import FacetBucketSchema, ReadingSchema, facet_counts, reading_answer
from app.jobs.search import checked_areas
from app.jobs.typed_places import Reading, read_box
from app.models import EducationLevel, Resume, Role, Visibility
from app.resumes import search, service
from app.templating import mask_contacts, mask_email, mask_phone
from search import SearchResult, SearchUnavailable
from search.defaults import FACET_SIZE

blp = Blueprint("resumes", __name__, description="Your résumé, and those you may see.")

MONTH = r"^(\d{4}(-(0[1-9]|1[0-2]))?)?$"
SALARY = 10_000_000
# Others may see these masked (138****1111), which the input pattern would not match: the
# document states only what both share.
CONTACT = {"pattern": NO_NUL, "description": "Masked unless you may see contacts."}


class EducationSchema(Schema):
    school = Text(120, min_length=1, required=True)
    degree = Choice(["", *EducationLevel])
    major = Text(120)
    start = Text(7, pattern=MONTH)
    end = Text(7, pattern=MONTH)


class ExperienceSchema(Schema):
    title = Text(120, min_length=1, required=True)
    company = Text(120)
    description = Text(3000)
    start = Text(7, pattern=MONTH)
    end = Text(7, pattern=MONTH)
    years = Whole(0, 60, allow_none=True)


class ResumeSchema(Schema):
    """A résumé. PUT replaces it whole: a field left out takes its default."""

    id = Whole(1, dump_only=True)
    user_id = Whole(1, dump_only=True)
    headline = Text(120, min_length=1, required=True)
    summary = Text(5000, load_default="")
    skills = Listing(Text(40, min_length=1), max_items=30, load_default=list)
    certificates = Listing(Text(40, min_length=1), max_items=30, load_default=list)
    education_level = Choice(EducationLevel, load_default=EducationLevel.HIGH_SCHOOL)
    education = Listing(fields.Nested(EducationSchema), max_items=20, load_default=list)
    experience = Listing(fields.Nested(ExperienceSchema), max_items=20, load_default=list)
    years_experience = Whole(0, service.MAX_YEARS_EXPERIENCE, load_default=None)
    expected_salary_min = Whole(0, SALARY, load_default=None)
    expected_salary_max = Whole(0, SALARY, load_default=None)
    expected_region_codes = Listing(RegionCode(), max_items=30, load_default=list)
    region_code = RegionCode(load_default=None)
    willing_to_relocate = Flag(load_default=False)
    available_from = Day(load_default=None)
    contact_phone = Text(20, pattern=r"^[0-9+\- ]{5,20}$", load_default=None, metadata=CONTACT)
    contact_email = Text(
        254, pattern=r"^[^@\s\x00]+@[^@\s\x00]+\.[^@\s\x00]+$", load_default=None, metadata=CONTACT
    )
    visibility = Choice(Visibility, load_default=Visibility.PUBLIC)
    updated_at = Stamp()

    @validates_schema
    def salary_in_order(self, data: dict, **kwargs) -> None:
        ordered(data["expected_salary_min"], data["expected_salary_max"], "expected_salary_max")


class Masked(View):
    """A résumé as someone who may not see its contacts sees it."""

    @property
    def contact_phone(self) -> str | None:
        return mask_phone(self.model.contact_phone) or None

    @property
    def contact_email(self) -> str | None:
        return mask_email(self.model.contact_email) or None

    @property
    def summary(self) -> str:
        return mask_contacts(self.model.summary)

    @property
    def experience(self) -> list[dict]:
        return [
            {**entry, "description": mask_contacts(entry.get("description"))}
            if entry.get("description")
            else entry
            for entry in self.model.experience or []
        ]


@blp.route("/resume")
@role_required(Role.SEEKER)
@blp.response(200, ResumeSchema)
def my_resume():
    """Your résumé"""
    resume = service.default_resume(g.api_user)
    if resume is None:
        abort(404, _("You have no résumé yet; PUT one."))
    return resume


@blp.route("/resume", methods=["PUT"])
@role_required(Role.SEEKER)
@blp.body(ResumeSchema)
@blp.response(200, ResumeSchema)
@blp.alt_response(201, schema=ResumeSchema, success=True, description="Created")
def put_resume(data: dict):
    """Create or replace your résumé"""
    resume = service.default_resume(g.api_user)
    created = resume is None
    resume = service.save(g.api_user, resume, data)
    db.session.commit()
    return resume, 201 if created else 200


@blp.route("/resumes/<id:resume_id>")
@token_required
@blp.response(200, ResumeSchema)
def get_resume(resume_id: int):
    """A résumé you may see (contacts masked until they apply)"""
    resume = db.get_or_404(Resume, resume_id)
    if not service.can_view(g.api_user, resume):
        abort(404)
    return resume if service.contact_visible(g.api_user, resume) else Masked(resume)


class ResumeQuery(QuerySchema):
    q = Text(
        100,
        metadata={
            "description": "What to search for, as on the résumé search page: words of the "
            "headline, skills, summary or experience (Chinese, traditional or simplified, "
            "pinyin, English; typos forgiven). A place named in it (武汉, Wuhan) is read as "
            "the region (see `reading`).",
            "example": "会计",
        },
    )
    skills = Listing(
        Text(40, min_length=1), max_items=10, metadata={"description": "Every one of them."}
    )
    region = Text(
        12, min_length=2, pattern=REGION, metadata={"description": "Where the candidate lives."}
    )
    area = Listing(
        Text(12, min_length=2, pattern=REGION),
        max_items=20,
        metadata={"description": "Regions below `region`, all at one level; any of them."},
    )
    education_level = Listing(
        Choice(EducationLevel),
        max_items=len(EducationLevel),
        metadata={"description": "Repeat for any of several."},
    )
    salary_min = Whole(
        0, SALARY, strict=False, metadata={"description": "Expected monthly salary at least."}
    )
    salary_max = Whole(
        0, SALARY, strict=False, metadata={"description": "Expected monthly salary at most."}
    )
    sort = Choice(
        search.SORTS,
        metadata={"description": "relevance (the default with `q`), newest (without), or salary."},
    )
    facets = QueryFlag(
        metadata={
            "description": "Also count the matches per education level, region (one level "
            "below `region`, or the level of `area`) and expected-salary band; a facet with a "
            "selection is counted as if it were off."
        }
    )
    cursor = Cursor(SEARCH, OFFSET)
    limit = Whole(1, MAX_LIMIT, strict=False)


class FoundResumeSchema(ResumeSchema):
    applied = Flag(
        dump_only=True,
        metadata={
            "description": "The candidate applied to your company: contacts shown, unless "
            "you screen blind and have not yet moved them to interview or beyond."
        },
    )
    highlights = fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        dump_only=True,
        metadata={"description": "Field → its text with the matched words in <mark> (escaped)."},
    )


class ResumeSearchPageSchema(Schema):
    items = Listing(fields.Nested(FoundResumeSchema), max_items=MAX_LIMIT, required=True)
    next_cursor = Text(500, allow_none=True, metadata={"description": "Null on the last page."})
    total = Whole(0, allow_none=True, metadata={"description": "Null for the database fallback."})
    facets = fields.Dict(
        keys=fields.String(),
        values=Listing(fields.Nested(FacetBucketSchema), max_items=FACET_SIZE),
        allow_none=True,
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


class FoundView(View):
    """A found résumé: masked as `get_resume` masks it (search.Applicants), with the
    search's highlights."""

    def __init__(self, found: search.Found) -> None:
        super().__init__(found.resume if found.contact_visible else Masked(found.resume))
        self.applied = found.applied
        self.highlights = found.highlights


def searching_employer():
    """The caller's employer, which must be verified: candidates make their résumés public
    to verified employers."""
    employer = member_employer()
    if not employer.verified:
        abort(
            403,
            _(
                "Only verified employers can search résumés; your applicants are listed "
                "with each job."
            ),
        )
    return employer


@blp.route("/resumes")
@role_required(Role.EMPLOYER)
@blp.query(ResumeQuery)
@blp.response(200, ResumeSearchPageSchema)
def search_resumes(args):
    """Search the résumés candidates made public (verified employers), like the search page"""
    employer = searching_employer()
    kind, position = args.pop("cursor", (None, None))
    region = args.get("region", "")
    params = search.Params(
        q=args.get("q", ""),
        skills=tuple(args.get("skills", ())),
        region=region,
        area=checked_areas(tuple(dict.fromkeys(args.get("area", ()))), region),
        education_level=tuple(str(level) for level in args.get("education_level", ())),
        salary_min=args.get("salary_min"),
        salary_max=args.get("salary_max"),
    )
    box = read_box(db.session, params.q, params.region, params.area, employer.region_code or "")
    params.q, params.region, params.area = box.words, box.region, box.areas
    params.sort = args.get("sort") or ("relevance" if params.text else "newest")
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
            return engine_page(employer, result, box.reading)
    return database_page(employer, params, position or 0, limit, box.reading)


def engine_page(employer, result: SearchResult, reading: Reading | None):
    page = {
        "items": [FoundView(f) for f in search.visible_hits(employer, result.hits)],
        "next_cursor": sign_cursor(SEARCH, result.cursor) if result.cursor else None,
        "total": result.total,
        "facets": facet_counts(result),
        "source": "engine",
        "reading": reading_answer(reading),
    }
    return page, 200, {"X-Search-Source": "engine"}


def database_page(
    employer, params: search.Params, offset: int, limit: int, reading: Reading | None
):
    """The backup search (search.database_query) while the engine is unavailable."""
    rows = db.session.scalars(
        search.database_query(employer, params).limit(limit + 1).offset(offset)
    ).all()
    applicants = search.Applicants(employer)
    page = {
        "items": [FoundView(applicants.found(r)) for r in rows[:limit]],
        "next_cursor": sign_cursor(OFFSET, offset + limit) if len(rows) > limit else None,
        "total": None,
        "facets": None,
        "source": "database",
        "reading": reading_answer(reading),
    }
    return page, 200, {"X-Search-Source": "database"}
