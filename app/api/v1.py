"""The /api/v1 blueprint: every feature's endpoints nested under one prefix, with what they
share: no CSRF (bearer tokens, no cookies), one rate limit, the body size limit, and the
problem+json answer to every error (app.api.problems).
"""

from __future__ import annotations

from flask import current_app, request
from flask_babel import gettext as _
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException, MethodNotAllowed, RequestEntityTooLarge

from app.accounts import api as accounts
from app.alerts import api as alerts
from app.api import PREFIX, health
from app.api.auth import rate_key
from app.api.blueprint import Blueprint, body_limit
from app.api.problems import answer
from app.applications import api as applications
from app.chat import api as chat
from app.employers import api as employers
from app.errors import DomainError
from app.extensions import csrf, limiter
from app.jobs import api as jobs
from app.notifications import api as notifications
from app.privacy import api as privacy
from app.resumes import api as resumes
from app.webhooks import api as webhooks

FEATURES = tuple(
    module.blp
    for module in (
        health,
        accounts,
        employers,
        jobs,
        resumes,
        applications,
        chat,
        alerts,
        notifications,
        privacy,
        webhooks,
    )
)
"""Each feature's blueprint; its name tags its operations in the document."""

bp = Blueprint("api", __name__, url_prefix=PREFIX)
csrf.exempt(bp)
for feature in FEATURES:
    bp.register_blueprint(feature)
    csrf.exempt(feature)  # Flask-WTF looks at the innermost blueprint only


def rate_limit() -> str:
    return current_app.config.get("API_RATE_LIMIT", "300 per minute;5000 per hour")


limiter.limit(rate_limit, key_func=rate_key)(bp)
for error in (DomainError, HTTPException, ValidationError):
    bp.register_error_handler(error, answer)


@bp.before_request
def refuse_large_bodies():
    if (request.content_length or 0) > body_limit():
        raise RequestEntityTooLarge(_("The request body is too large."))


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
