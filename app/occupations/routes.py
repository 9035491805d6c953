"""JSON behind the occupation picker (static/js/region-picker.js drives both trees). Public,
like the region endpoints: the classification is published data."""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, request

from app.extensions import limiter
from app.occupations import service
from app.templating import occupation_name


def _named(occupation: service.Occupation) -> str:
    return occupation_name(occupation.code, occupation.name)


bp = Blueprint("occupations", __name__)


@bp.get("/occupations/search")
@limiter.limit("120 per minute")
def search():
    q = request.args.get("q", "")
    if len(q) > 40:
        abort(400)
    return jsonify(service.search(q, named=_named))


@bp.get("/occupations/children")
def roots():
    return jsonify(service.children(None, _named))


@bp.get("/occupations/<code>/children")
def children(code: str):
    if service.describe(code) is None:
        abort(404)
    return jsonify(service.children(code, _named))


@bp.get("/occupations/<code>")
def occupation(code: str):
    found = service.describe(code, _named)
    if found is None:
        abort(404)
    return jsonify(found)
