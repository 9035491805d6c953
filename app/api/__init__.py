"""The REST API under /api/v1: bearer tokens, problem+json errors, no CSRF (no cookies).

Each resource module declares its routes with `openapi.endpoint`, so /api/v1/openapi.json
describes exactly the routes registered here.
"""

from flask import Blueprint, current_app, jsonify, request
from flask_babel import gettext as _
from sqlalchemy import text
from werkzeug.exceptions import MethodNotAllowed

from app.api import definitions as d
from app.api.auth import rate_key
from app.api.http import MAX_BODY, ApiError, answer_error
from app.extensions import csrf, db, limiter

bp = Blueprint("api", __name__)
csrf.exempt(bp)


def rate_limit() -> str:
    return current_app.config.get("API_RATE_LIMIT", "300 per minute;5000 per hour")


limiter.limit(rate_limit, key_func=rate_key)(bp)
bp.register_error_handler(ApiError, answer_error)


@bp.before_request
def refuse_large_bodies():
    if (request.content_length or 0) > current_app.config.get("API_MAX_BODY", MAX_BODY):
        raise ApiError(413, _("The request body is too large."))


@bp.after_app_request
def allow_header(response):
    """405s under /api/ name the methods the path does support (RFC 9110 requires Allow)."""
    error = request.routing_exception
    if (
        response.status_code == 405
        and request.path.startswith("/api/")
        and isinstance(error, MethodNotAllowed)
    ):
        response.headers["Allow"] = ", ".join(sorted(error.valid_methods or ()))
    return response


from app.api import applications, employers, jobs, notifications, openapi, resumes, tokens  # noqa: E402,F401
from app.api.openapi import endpoint  # noqa: E402


@endpoint(
    bp,
    "/health",
    "GET",
    "Liveness: the database answers",
    "meta",
    auth="none",
    responses={200: d.Health},
)
def health():
    db.session.execute(text("SELECT 1"))
    return jsonify({"status": "ok"})


openapi.register(bp)
