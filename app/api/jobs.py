"""/jobs: browse public postings; employer members create, edit, pause and close their own.

Visibility is the job page's: published by a verified employer, or any state for the
employer's own members (others get 404). Changes go through app.jobs.service, the module
the pages use, so the rules (verified to publish, duplicate check, life cycle) are one.
"""

from __future__ import annotations

from datetime import datetime

from flask import g, jsonify
from flask_babel import gettext as _
from sqlalchemy import or_, select

from app.access import works_for
from app.api import bp
from app.api import definitions as d
from app.api.auth import member_employer, token_optional, token_required
from app.api.http import ApiError, get_or_404, json_body, query
from app.api.openapi import endpoint
from app.api.pagination import keyset_page
from app.extensions import db
from app.jobs import service as job_service
from app.models import (
    Employer,
    EmploymentType,
    Job,
    JobStatus,
    Region,
    SalaryPeriod,
    VerificationState,
    in_subtree,
)


def stamp(moment: datetime | None) -> str | None:
    """Stored times are naive UTC; the API says so (RFC 3339)."""
    return moment.isoformat() + "Z" if moment else None


def dump_job(job: Job) -> dict:
    return {
        "id": job.id,
        "employer_id": job.employer_id,
        "employer_name": job.employer.name,
        "title": job.title,
        "description": job.description or "",
        "skills": list(job.skills or []),
        "salary_min": job.salary_min,
        "salary_max": job.salary_max,
        "salary_period": job.salary_period.value,
        "employment_type": job.employment_type.value,
        "headcount": job.headcount,
        "region_code": job.region_code,
        "remote": job.remote,
        "deadline": job.deadline.isoformat() if job.deadline else None,
        "screening_questions": list(job.screening_questions or []),
        "status": job.status.value,
        "created_at": stamp(job.created_at),
        "published_at": stamp(job.published_at),
    }


def is_public(job: Job) -> bool:
    return job.status == JobStatus.PUBLISHED and job.employer.verified


def visible_job(job_id: int) -> Job:
    job = get_or_404(Job, job_id)
    user = g.api_user
    if not is_public(job) and not (user is not None and works_for(user, job.employer_id)):
        raise ApiError(404)
    return job


def own_job(job_id: int) -> Job:
    """A job of the caller's employer; any other is 404, as on the pages."""
    employer = member_employer()
    job = get_or_404(Job, job_id)
    if job.employer_id != employer.id:
        raise ApiError(404)
    return job


@endpoint(
    bp,
    "/jobs",
    "GET",
    "List jobs (public ones, or your company's with mine=true)",
    "jobs",
    auth="optional",
    query=d.JobQuery,
    responses={200: d.JobPage},
    errors=(403,),
)
@token_optional
def list_jobs():
    args = query(d.JobQuery)
    if args.get("mine"):
        if g.api_user is None:
            raise ApiError(401, _("A valid bearer token is required."))
        stmt = select(Job).where(Job.employer_id == member_employer().id)
        if args.get("status"):
            stmt = stmt.where(Job.status == JobStatus(args["status"]))
    else:
        stmt = (
            select(Job)
            .join(Employer, Employer.id == Job.employer_id)
            .where(
                Job.status == JobStatus.PUBLISHED,
                Employer.verification_state == VerificationState.APPROVED,
            )
        )
    if args.get("q"):
        pattern = "%" + args["q"].replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%"
        stmt = stmt.where(
            or_(Job.title.ilike(pattern, escape="!"), Job.description.ilike(pattern, escape="!"))
        )
    if args.get("region"):
        stmt = stmt.where(in_subtree(Job.region_code, args["region"]))
    if args.get("employment_type"):
        stmt = stmt.where(Job.employment_type == EmploymentType(args["employment_type"]))
    if args.get("remote") is not None:
        stmt = stmt.where(Job.remote.is_(args["remote"]))
    if args.get("salary_min") is not None:
        stmt = stmt.where(Job.salary_max >= args["salary_min"])
    if args.get("employer_id"):
        stmt = stmt.where(Job.employer_id == args["employer_id"])
    return jsonify(keyset_page(stmt, Job, args, dump_job))


@endpoint(
    bp, "/jobs/<int:job_id>", "GET", "One job", "jobs", auth="optional", responses={200: d.Job}
)
@token_optional
def get_job(job_id: int):
    return jsonify(dump_job(visible_job(job_id)))


def _fill(job: Job, data: dict) -> None:
    """Copy validated DATA onto JOB, checking what a schema alone cannot (422 per field)."""
    errors: dict[str, list[str]] = {}
    if "region_code" in data and db.session.get(Region, data["region_code"]) is None:
        errors["region_code"] = [_("Choose a region from the list.")]
    low = data.get("salary_min", job.salary_min)
    high = data.get("salary_max", job.salary_max)
    if low is not None and high is not None and high < low:
        errors["salary_max"] = [_("The upper bound must not be below the lower bound.")]
    if errors:
        raise ApiError(422, _("Some fields are not valid."), errors=errors)
    for name, value in data.items():
        if name in ("publish", "confirm_duplicate"):
            continue
        if name == "salary_period":
            value = SalaryPeriod(value)
        elif name == "employment_type":
            value = EmploymentType(value)
        elif name in ("description",) and value is None:
            value = ""
        setattr(job, name, value)


def _save(job: Job, data: dict) -> None:
    try:
        found = job_service.save(
            job, g.api_user, confirmed_duplicate=bool(data.get("confirm_duplicate"))
        )
    except job_service.JobError as error:
        raise ApiError(409, str(error)) from None
    if found:
        raise ApiError(
            409,
            _(
                "You already have an open job with this title in this region. "
                "Send confirm_duplicate=true if this is a separate opening."
            ),
            duplicates=[j.id for j in found],
        )


@endpoint(
    bp,
    "/jobs",
    "POST",
    "Create a job (a draft, or published with publish=true)",
    "jobs",
    body=d.JobCreate,
    responses={201: d.Job},
    errors=(403, 409),
)
@token_required
def create_job():
    employer = member_employer()
    data = json_body(d.JobCreate)
    job = Job(
        employer_id=employer.id,
        description="",
        skills=[],
        screening_questions=[],
        headcount=1,
        remote=False,
        salary_period=SalaryPeriod.MONTH,
        status=JobStatus.DRAFT,
    )
    with db.session.no_autoflush:
        _fill(job, data)
        if data.get("publish"):
            job.status = JobStatus.PUBLISHED
        _save(job, data)
    db.session.commit()
    return jsonify(dump_job(job)), 201


@endpoint(
    bp,
    "/jobs/<int:job_id>",
    "PATCH",
    "Change some fields of your company's job",
    "jobs",
    body=d.JobUpdate,
    responses={200: d.Job},
    errors=(403, 409),
)
@token_required
def update_job(job_id: int):
    job = own_job(job_id)
    data = json_body(d.JobUpdate)
    if job.status == JobStatus.CLOSED:
        raise ApiError(409, _("Closed jobs cannot be edited; repost it instead."))
    with db.session.no_autoflush:
        _fill(job, data)
        _save(job, data)
    db.session.commit()
    return jsonify(dump_job(job))


def _status_view(action: str):
    def view(job_id: int):
        job = own_job(job_id)
        try:
            job_service.change_status(job, action, g.api_user)
        except job_service.JobError as error:
            raise ApiError(409, str(error)) from None
        db.session.commit()
        return jsonify(dump_job(job))

    view.__name__ = f"{action}_job"
    return view


for _action in ("publish", "pause", "resume", "close"):
    endpoint(
        bp,
        f"/jobs/<int:job_id>/{_action}",
        "POST",
        f"{_action.capitalize()} your company's job",
        "jobs",
        responses={200: d.Job},
        errors=(403, 409),
    )(token_required(_status_view(_action)))
