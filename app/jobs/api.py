"""/api/v1/jobs: browse public postings; employer members create, edit, pause and close their own.

Visibility is the job page's (`Job.is_public`), or any state for the employer's own members
(others get 404). Changes go through app.jobs.service, the module the pages use, so the
rules (verified to publish, duplicate check, life cycle) are one. `JobSchema` is the one
place the API's job fields are listed: it loads bodies, dumps responses and documents both.
"""

from __future__ import annotations

from flask import abort, g
from flask_babel import gettext as _
from sqlalchemy import or_, select

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
    QueryFlag,
    RegionCode,
    Stamp,
    Text,
    Whole,
    ordered,
)
from app.api.pagination import KeysetQuery, keyset_page, page_of
from app.api.problems import Refusal, refuses
from app.api.schemas import Schema
from app.errors import DomainError
from app.extensions import db
from app.jobs import service
from app.models import EmploymentType, Job, JobStatus, Role, SalaryPeriod, in_subtree

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


class JobQuery(KeysetQuery):
    q = Text(100, metadata={"description": "Words in the title or description."})
    region = Text(
        12,
        min_length=2,
        pattern=REGION,
        metadata={"description": "Region code; jobs in its subtree."},
    )
    employment_type = Choice(EmploymentType)
    remote = QueryFlag()
    salary_min = Whole(
        0,
        SALARY,
        strict=False,
        metadata={"description": "Only jobs paying at least this much (their upper bound)."},
    )
    employer_id = Whole(1, strict=False)
    mine = QueryFlag(
        metadata={"description": "Employer members: the own company's jobs in every state."}
    )
    status = Choice(JobStatus, metadata={"description": "With mine=true only."})


JobPageSchema = page_of(JobSchema)


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
@blp.response(200, JobPageSchema)
@refuses(403)
def list_jobs(args):
    """List jobs (public ones, or your company's with mine=true)"""
    if args.get("mine"):
        if g.api_user is None:
            unauthorized()
        stmt = select(Job).where(Job.employer_id == member_employer().id)
        if "status" in args:
            stmt = stmt.where(Job.status == args["status"])
    else:
        stmt = select(Job).where(Job.is_public)
    if args.get("q"):
        stmt = stmt.where(
            or_(
                Job.title.icontains(args["q"], autoescape=True),
                Job.description.icontains(args["q"], autoescape=True),
            )
        )
    if "region" in args:
        stmt = stmt.where(in_subtree(Job.region_code, args["region"]))
    if "employment_type" in args:
        stmt = stmt.where(Job.employment_type == args["employment_type"])
    if "remote" in args:
        stmt = stmt.where(Job.remote.is_(args["remote"]))
    if "salary_min" in args:
        stmt = stmt.where(Job.salary_max >= args["salary_min"])
    if "employer_id" in args:
        stmt = stmt.where(Job.employer_id == args["employer_id"])
    return keyset_page(stmt, Job, args)


@blp.route("/jobs/<id:job_id>")
@token_optional
@blp.response(200, JobSchema)
def get_job(job_id: int):
    """One job"""
    return visible_job(job_id)


def _save(job: Job, data: dict) -> Job:
    """Fill JOB with the loaded DATA and save it through the service: 422 when the salary
    range (completed by the job's own bounds, for a PATCH) is upside down, 409 for a likely
    duplicate that was not confirmed."""
    confirmed = data.pop("confirm_duplicate", False)
    ordered(
        data.get("salary_min", job.salary_min), data.get("salary_max", job.salary_max), "salary_max"
    )
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
