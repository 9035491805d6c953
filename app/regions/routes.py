"""JSON endpoints behind the region picker, plus a page that shows it (and the maps) working.

Bad input answers 400 and an unknown code 404, both as JSON ({"error": ...}), never a 500:
every code is checked before it reaches a query. Names are in the reader's language
(app.templating.place_name): an English page's picker shows Haidian District, not 海淀区.
"""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template, request

from app.extensions import db
from app.regions import queries
from app.templating import chinese_page, place_name

bp = Blueprint("regions", __name__)


def _named(node: dict) -> dict:
    """NODE (a region as the queries give it) with its names in the reader's language."""
    if chinese_page():
        return node
    out = {**node, "name": place_name(node["name"])}
    if "path_names" in node:
        out["path_names"] = " / ".join(place_name(n) for n in node["path_names"].split(" / "))
    if "ancestors" in node:
        out["ancestors"] = [_named(a) for a in node["ancestors"]]
    return out


def _error(status: int, message: str):
    response = jsonify({"error": message, "status": status})
    response.status_code = status
    return response


@bp.get("/regions/search")
def search():
    """?q= name, pinyin initials (whs), full pinyin (wuhan) or code prefix; &within=<code>."""
    q = request.args.get("q", "")
    within = request.args.get("within") or None
    limit = request.args.get("limit", queries.SEARCH_LIMIT)
    try:
        limit = int(limit)
    except (TypeError, ValueError):
        return _error(400, "limit must be a whole number")
    if not 1 <= limit <= queries.SEARCH_LIMIT:
        return _error(400, f"limit must be between 1 and {queries.SEARCH_LIMIT}")
    try:
        results = queries.search(db.session, q, within=within, limit=limit)
    except queries.BadQuery as exc:
        return _error(400, str(exc))
    return jsonify([_named(r) for r in results])


@bp.get("/regions/children")
def roots():
    """The provinces: where walking down the tree starts."""
    return jsonify([_named(r) for r in queries.children(db.session, None)])


@bp.get("/regions/<code>/children")
def children(code: str):
    if not queries.is_code(code):
        return _error(400, "a division code has 2, 4, 6, 9 or 12 digits")
    if db.session.get(queries.Region, code) is None:
        return _error(404, f"no region {code}")
    return jsonify([_named(r) for r in queries.children(db.session, code)])


@bp.get("/regions/<code>")
def region(code: str):
    if not queries.is_code(code):
        return _error(400, "a division code has 2, 4, 6, 9 or 12 digits")
    found = queries.get_region(db.session, code)
    if found is None:
        return _error(404, f"no region {code}")
    return jsonify(_named(found))


@bp.get("/regions/")
def picker_demo():
    """A form field with the picker: a manual test page (a typed name is resolved too)."""
    code = queries.resolve(db.session, request.args.get("code", "")[:200]) or ""
    return render_template("regions/picker.html", code=code)
