"""/api/v1 saved searches (with alerts) and favourite jobs, for candidates."""

from __future__ import annotations

from flask import abort, g
from marshmallow import fields
from sqlalchemy import select

from app.alerts import service
from app.api.auth import role_required
from app.api.blueprint import Blueprint
from app.api.fields import Choice, Flag, Stamp, Text, Whole
from app.api.pagination import KeysetQuery, keyset_page, page_of
from app.api.problems import refuses
from app.api.schemas import Schema
from app.extensions import db
from app.models import AlertFrequency, Job, Role, SavedSearch

blp = Blueprint("alerts", __name__, description="Saved job searches, alerts and favourites.")


class SavedSearchSchema(Schema):
    id = Whole(1, dump_only=True)
    name = Text(120)
    query = Text(100, metadata={"description": "The search text, as typed on /jobs/."})
    filters = fields.Dict(
        keys=fields.String(),
        metadata={
            "description": "The filters of /jobs/: region, area, category, employment_type, "
            "salary_min, salary_max, remote, posted_within, verified; area, category and "
            "employment_type may be lists (any of them)."
        },
    )
    frequency = Choice(AlertFrequency, metadata={"description": "instant, daily or off."})
    created_at = Stamp()


class FavouriteSchema(Schema):
    job_id = Whole(1, required=True)
    favourite = Flag(required=True)


SavedSearchPageSchema = page_of(SavedSearchSchema)


@blp.route("/saved-searches")
@role_required(Role.SEEKER)
@blp.query(KeysetQuery)
@blp.response(200, SavedSearchPageSchema)
def saved_searches(args: dict):
    """Your saved searches, newest first"""
    return keyset_page(
        select(SavedSearch).where(SavedSearch.user_id == g.api_user.id), SavedSearch, args
    )


@blp.route("/saved-searches", methods=["POST"])
@role_required(Role.SEEKER)
@blp.body(SavedSearchSchema)
@blp.response(201, SavedSearchSchema)
@refuses(409, 422)
def save_search(data: dict):
    """Save a job search; new matching jobs are sent instantly or daily (in the app and by mail)"""
    saved = service.save(
        g.api_user,
        data.get("name", ""),
        data.get("query", ""),
        data.get("filters") or {},
        data.get("frequency", AlertFrequency.DAILY),
    )
    db.session.commit()
    return saved


@blp.route("/saved-searches/<id:search_id>", methods=["DELETE"])
@role_required(Role.SEEKER)
@blp.response(204)
def delete_search(search_id: int):
    """Delete a saved search (its alerts stop)"""
    saved = db.session.get(SavedSearch, search_id)
    if saved is None or saved.user_id != g.api_user.id:
        abort(404)
    db.session.delete(saved)
    db.session.commit()


@blp.route("/jobs/<id:job_id>/favourite", methods=["PUT"])
@role_required(Role.SEEKER)
@blp.response(200, FavouriteSchema)
def favour(job_id: int):
    """Add a job to your favourites (收藏); repeating changes nothing"""
    job = db.session.get(Job, job_id)
    if job is None or not (job.is_public or service.is_favourite(g.api_user, job_id)):
        abort(404)
    service.favour(g.api_user, job)
    db.session.commit()
    return {"job_id": job_id, "favourite": True}


@blp.route("/jobs/<id:job_id>/favourite", methods=["DELETE"])
@role_required(Role.SEEKER)
@blp.response(204)
def unfavour(job_id: int):
    """Remove a job from your favourites"""
    if db.session.get(Job, job_id) is None:
        abort(404)
    service.unfavour(g.api_user, job_id)
    db.session.commit()
