"""/api/v1 applications: candidates apply (one click, idempotent), list and withdraw their
own; employer members see a job's applicants ranked and move them through the pipeline.

Everything that changes an application is app.applications.service, the module the pages
use. Access mirrors the pages: a candidate sees only their own applications, a member only
those of their employer's jobs; anything else is 404.
"""

from __future__ import annotations

from flask import abort, g
from marshmallow import fields
from sqlalchemy import select

from app.access import works_for
from app.api.auth import role_required, token_optional, token_required
from app.api.blueprint import Blueprint
from app.api.fields import Choice, Flag, Listing, Score, Stamp, Text, Whole
from app.api.pagination import KeysetQuery, RankedQuery, keyset_page, offset_page, page_of
from app.api.problems import refuses
from app.api.schemas import Schema, View
from app.applications import service
from app.extensions import db
from app.jobs.api import own_job
from app.labels import STAGES
from app.models import Application, Job, JobStatus, Role, Source, Stage
from app.privacy import blind
from app.ranking.service import reason_texts, score_applicants
from app.templating import current_locale

blp = Blueprint("applications", __name__, description="Applying, and the employer's pipeline.")


class MatchReasonSchema(Schema):
    text = Text(500, required=True)
    positive = Flag(required=True)


class ApplicationSchema(Schema):
    id = Whole(1, dump_only=True)
    job_id = Whole(1, dump_only=True)
    job_title = Text(120, attribute="job.title", dump_only=True)
    job_status = Choice(
        JobStatus,
        attribute="job.status",
        dump_only=True,
        metadata={"description": "closed: the job takes no more applications."},
    )
    candidate_id = Whole(1, dump_only=True)
    candidate_name = fields.Function(
        lambda item: (
            blind.candidate_name(item.model) if isinstance(item, Ranked) else item.candidate.name
        ),
        metadata={"type": "string", "description": "Hidden while the employer screens blind."},
    )
    resume_id = Whole(1, allow_none=True, dump_only=True)
    stage = Choice(Stage, dump_only=True)
    may_withdraw = fields.Function(
        service.may_withdraw,
        metadata={
            "type": "boolean",
            "description": "Whether its candidate may withdraw it now (POST …/withdraw, else "
            "409), as the application's page offers it: while the employer may still act on it, "
            "or an offer stands once the hiring ended.",
        },
    )
    source = Choice(Source, dump_only=True)
    answers = Listing(
        Text(service.MAX_ANSWER),
        max_items=20,
        metadata={"description": "One answer per screening question."},
    )
    created_at = Stamp()
    updated_at = Stamp()
    # Read from `Ranked`; a bare Application has neither, so candidates never see them.
    match_score = Score(
        0,
        100,
        allow_none=True,
        dump_only=True,
        attribute="match_percent",
        metadata={"description": "0–100; employers only."},
    )
    match_reasons = Listing(
        fields.Nested(MatchReasonSchema),
        max_items=20,
        dump_only=True,
        attribute="reason_texts",
        metadata={"description": "Employers only."},
    )


class Ranked(View):
    """An application as its employer sees it: everything, plus the match score (0–100)
    and its reasons in the reader's language — the ones stored when the candidate applied,
    or SCORE and REASONS just computed for a ranked list."""

    def __init__(
        self, model: Application, score: float | None = None, reasons: list | None = None
    ) -> None:
        super().__init__(model)
        self.score = model.match_score if score is None else score
        self.reasons = model.match_reasons if reasons is None else reasons

    @property
    def match_percent(self) -> float | None:
        return round(self.score * 100, 1) if self.score is not None else None

    @property
    def reason_texts(self) -> list[dict]:
        return [
            {"text": text, "positive": positive}
            for text, positive in reason_texts(
                self.reasons, current_locale(), limit=8, reader="employer"
            )
        ]


class ApplicationQuery(KeysetQuery):
    stage = Choice(Stage)


class PipelineQuery(RankedQuery):
    stage = Choice(Stage)
    min_score = Score(0, 100)


class StageMoveSchema(Schema):
    stage = Choice(service.PIPELINE_STAGES, required=True)
    message = Text(service.MAX_MESSAGE, metadata={"description": "Sent to the candidate."})


class BulkMoveSchema(StageMoveSchema):
    application_ids = Listing(Whole(1), max_items=500, min_items=1, required=True)


class MovedSchema(Schema):
    moved = Whole(0, required=True)


class StageSchema(Schema):
    value = Choice(Stage, required=True)
    label = Text(80, required=True)
    employer_may_set = Flag(required=True)
    candidate_may_withdraw = Flag(
        required=True,
        metadata={
            "description": "Whether an application at this stage may be withdrawn while the "
            "employer may act on it; an application's own may_withdraw also counts its job."
        },
    )


class StageListSchema(Schema):
    items = Listing(fields.Nested(StageSchema), max_items=20, required=True)


ApplicationPageSchema = page_of(ApplicationSchema)


def visible_application(application_id: int) -> Application | Ranked:
    """The application as the caller sees it: its candidate's, or its employer's (`Ranked`)."""
    application = db.get_or_404(Application, application_id)
    user = g.api_user
    if application.candidate_id == user.id:
        return application
    if user.role == Role.EMPLOYER and works_for(user, application.job.employer_id):
        return Ranked(application)
    abort(404)


def own_application(application_id: int) -> Application:
    application = db.get_or_404(Application, application_id)
    if application.candidate_id != g.api_user.id:
        abort(404)
    return application


# Candidates -----------------------------------------------------------------------------


@blp.route("/jobs/<id:job_id>/applications", methods=["POST"])
@role_required(Role.SEEKER)
@blp.body(ApplicationSchema, required=False)
@blp.response(201, ApplicationSchema)
@blp.alt_response(200, schema=ApplicationSchema, success=True, description="Already applied")
@refuses(409)
def apply(data: dict, job_id: int):
    """Apply with your résumé (one click; repeating returns the same application with 200)"""
    job = db.get_or_404(Job, job_id)
    existing = service.find(job.id, g.api_user.id)
    if existing is not None and existing.stage != Stage.WITHDRAWN:
        return existing, 200
    if not job.is_public:
        abort(404)
    application, created = service.apply(g.api_user, job, data.get("answers"))
    db.session.commit()
    return application, 201 if created else 200


@blp.route("/applications")
@role_required(Role.SEEKER)
@blp.query(ApplicationQuery)
@blp.response(200, ApplicationPageSchema)
def my_applications(args: dict):
    """Your applications, newest first"""
    stmt = select(Application).where(Application.candidate_id == g.api_user.id)
    if "stage" in args:
        stmt = stmt.where(Application.stage == args["stage"])
    return keyset_page(stmt, Application, args)


@blp.route("/applications/<id:application_id>")
@token_required
@blp.response(200, ApplicationSchema)
def get_application(application_id: int):
    """One application (its candidate or employer)"""
    return visible_application(application_id)


@blp.route("/applications/<id:application_id>/withdraw", methods=["POST"])
@role_required(Role.SEEKER)
@blp.response(200, ApplicationSchema)
@refuses(409)
def withdraw(application_id: int):
    """Withdraw your application"""
    application = own_application(application_id)
    service.withdraw(application, g.api_user)
    db.session.commit()
    return application


# Employers ------------------------------------------------------------------------------


@blp.route("/jobs/<id:job_id>/applications")
@role_required(Role.EMPLOYER)
@blp.query(PipelineQuery)
@blp.response(200, ApplicationPageSchema)
def job_applications(args: dict, job_id: int):
    """A job's applicants, best match first"""
    job = own_job(job_id)
    applications = db.session.scalars(select(Application).where(Application.job_id == job.id)).all()
    ranked = score_applicants(job, applications, current_locale())
    chosen = [
        Ranked(application, score, reasons)
        for application, score, reasons in ranked
        if ("stage" not in args or application.stage == args["stage"])
        and ("min_score" not in args or score * 100 >= args["min_score"])
    ]
    return offset_page(chosen, args)


@blp.route("/applications/<id:application_id>/stage", methods=["POST"])
@role_required(Role.EMPLOYER)
@blp.body(StageMoveSchema)
@blp.response(200, ApplicationSchema)
@refuses(409)
def move(data: dict, application_id: int):
    """Move an applicant to a stage"""
    seen = visible_application(application_id)
    if not isinstance(seen, Ranked):
        abort(404)
    service.move_stage(seen.model, data["stage"], g.api_user, data.get("message", ""))
    db.session.commit()
    return seen


@blp.route("/jobs/<id:job_id>/applications/move", methods=["POST"])
@role_required(Role.EMPLOYER)
@blp.body(BulkMoveSchema)
@blp.response(200, MovedSchema)
@refuses(409)
def bulk_move(data: dict, job_id: int):
    """Move several applicants of a job at once (others' ids are ignored)"""
    job = own_job(job_id)
    moved = service.bulk_move(
        job, data["application_ids"], data["stage"], g.api_user, data.get("message", "")
    )
    db.session.commit()
    return {"moved": moved}


@blp.route("/stages")
@token_optional
@blp.response(200, StageListSchema)
def stages():
    """The pipeline's stages"""
    return {
        "items": [
            {
                "value": stage,
                "label": str(STAGES[stage]),
                "employer_may_set": stage in service.PIPELINE_STAGES,
                "candidate_may_withdraw": stage in service.WITHDRAWABLE,
            }
            for stage in Stage
        ]
    }
