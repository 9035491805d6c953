"""Applications: candidates apply (one click, idempotent), list and withdraw their own;
employer members see a job's applicants ranked and move them through the pipeline.

Everything that changes an application is app.applications.service, the module the pages
use. Access mirrors the pages: a candidate sees only their own applications, a member only
those of their employer's jobs; anything else is 404.
"""

from __future__ import annotations

from flask import g, jsonify
from flask_babel import get_locale
from sqlalchemy import select

from app.access import works_for
from app.api import bp
from app.api import definitions as d
from app.api.auth import require_role, token_optional, token_required
from app.api.http import ApiError, get_or_404, json_body, query
from app.api.jobs import is_public, own_job, stamp
from app.api.openapi import endpoint
from app.api.pagination import keyset_page, offset_page
from app.applications import service
from app.extensions import db
from app.labels import STAGES
from app.models import Application, Job, Role, Stage
from app.ranking.service import rank_applicants, reason_texts


def dump_application(application: Application, for_employer: bool = False) -> dict:
    out = {
        "id": application.id,
        "job_id": application.job_id,
        "job_title": application.job.title,
        "candidate_id": application.candidate_id,
        "candidate_name": application.candidate.name,
        "resume_id": application.resume_id,
        "stage": application.stage.value,
        "source": application.source.value,
        "answers": list(application.answers or []),
        "created_at": stamp(application.created_at),
        "updated_at": stamp(application.updated_at),
    }
    if for_employer:
        score = application.match_score
        out["match_score"] = round(score * 100, 1) if score is not None else None
        out["match_reasons"] = [
            {"text": text, "positive": positive}
            for text, positive in reason_texts(
                application.match_reasons, str(get_locale() or "zh"), limit=8
            )
        ]
    return out


def _raise(error: service.ApplicationError):
    raise ApiError(error.status, str(error.message)) from None


def visible_application(application_id: int) -> tuple[Application, bool]:
    """The application and whether the caller sees it as its employer (else: its candidate)."""
    application = get_or_404(Application, application_id)
    user = g.api_user
    if application.candidate_id == user.id:
        return application, False
    if user.role == Role.EMPLOYER and works_for(user, application.job.employer_id):
        return application, True
    raise ApiError(404)


# Candidates -----------------------------------------------------------------------------


@endpoint(
    bp,
    "/jobs/<int:job_id>/applications",
    "POST",
    "Apply with your résumé (one click; repeating returns the same application with 200)",
    "applications",
    body=d.ApplyInput,
    body_required=False,
    responses={200: d.Application, 201: d.Application},
    errors=(403, 409),
)
@token_required
def apply(job_id: int):
    user = require_role(Role.SEEKER)
    data = json_body(d.ApplyInput, required=False)
    job = get_or_404(Job, job_id)
    existing = service.find(job.id, user.id)
    if existing is not None and existing.stage != Stage.WITHDRAWN:
        return jsonify(dump_application(existing)), 200
    if not is_public(job):
        raise ApiError(404)
    try:
        application, created = service.apply(user, job, data.get("answers"))
    except service.ApplicationError as error:
        _raise(error)
    db.session.commit()
    return jsonify(dump_application(application)), 201 if created else 200


@endpoint(
    bp,
    "/applications",
    "GET",
    "Your applications, newest first",
    "applications",
    query=d.ApplicationQuery,
    responses={200: d.ApplicationPage},
    errors=(403,),
)
@token_required
def my_applications():
    user = require_role(Role.SEEKER)
    args = query(d.ApplicationQuery)
    stmt = select(Application).where(Application.candidate_id == user.id)
    if args.get("stage"):
        stmt = stmt.where(Application.stage == Stage(args["stage"]))
    return jsonify(keyset_page(stmt, Application, args, dump_application))


@endpoint(
    bp,
    "/applications/<int:application_id>",
    "GET",
    "One application (its candidate or employer)",
    "applications",
    responses={200: d.Application},
)
@token_required
def get_application(application_id: int):
    application, as_employer = visible_application(application_id)
    return jsonify(dump_application(application, as_employer))


@endpoint(
    bp,
    "/applications/<int:application_id>/withdraw",
    "POST",
    "Withdraw your application",
    "applications",
    responses={200: d.Application},
    errors=(403, 409),
)
@token_required
def withdraw(application_id: int):
    user = require_role(Role.SEEKER)
    application = get_or_404(Application, application_id)
    if application.candidate_id != user.id:
        raise ApiError(404)
    try:
        service.withdraw(application, user)
    except service.ApplicationError as error:
        _raise(error)
    db.session.commit()
    return jsonify(dump_application(application))


# Employers ------------------------------------------------------------------------------


@endpoint(
    bp,
    "/jobs/<int:job_id>/applications",
    "GET",
    "A job's applicants, best match first",
    "applications",
    query=d.PipelineQuery,
    responses={200: d.ApplicationPage},
    errors=(403,),
)
@token_required
def job_applications(job_id: int):
    job = own_job(job_id)
    args = query(d.PipelineQuery)
    applications = db.session.scalars(select(Application).where(Application.job_id == job.id)).all()
    items = rank_applicants(job, applications, str(get_locale() or "zh"))
    db.session.commit()  # keep the computed scores, as the pipeline page does
    ranked = [
        application
        for application, score, _reasons in items
        if (not args.get("stage") or application.stage == args["stage"])
        and (args.get("min_score") is None or score * 100 >= args["min_score"])
    ]
    return jsonify(offset_page(ranked, args, lambda a: dump_application(a, True)))


@endpoint(
    bp,
    "/applications/<int:application_id>/stage",
    "POST",
    "Move an applicant to a stage",
    "applications",
    body=d.MoveInput,
    responses={200: d.Application},
    errors=(403, 409),
)
@token_required
def move(application_id: int):
    require_role(Role.EMPLOYER)
    application, as_employer = visible_application(application_id)
    if not as_employer:
        raise ApiError(404)
    data = json_body(d.MoveInput)
    try:
        service.move_stage(application, data["stage"], g.api_user, data.get("message", ""))
    except service.ApplicationError as error:
        _raise(error)
    db.session.commit()
    return jsonify(dump_application(application, True))


@endpoint(
    bp,
    "/jobs/<int:job_id>/applications/move",
    "POST",
    "Move several applicants of a job at once (others' ids are ignored)",
    "applications",
    body=d.BulkMoveInput,
    responses={200: d.Moved},
    errors=(403, 409),
)
@token_required
def bulk_move(job_id: int):
    job = own_job(job_id)
    data = json_body(d.BulkMoveInput)
    try:
        moved = service.bulk_move(
            job, data["application_ids"], data["stage"], g.api_user, data.get("message", "")
        )
    except service.ApplicationError as error:
        _raise(error)
    db.session.commit()
    return jsonify({"moved": moved})


@endpoint(
    bp,
    "/stages",
    "GET",
    "The pipeline's stages",
    "applications",
    auth="optional",
    responses={200: d.StageList},
)
@token_optional
def stages():
    return jsonify(
        {
            "items": [
                {
                    "value": stage.value,
                    "label": str(STAGES[stage]),
                    "employer_may_set": stage in service.PIPELINE_STAGES,
                    "candidate_may_withdraw": stage in service.WITHDRAWABLE,
                }
                for stage in Stage
            ]
        }
    )
