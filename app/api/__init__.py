"""The REST API under /api/v1: bearer tokens, problem+json errors, no CSRF (no cookies)."""

from flask import Blueprint

from ..extensions import csrf

bp = Blueprint("api", __name__)
csrf.exempt(bp)

from . import routes  # noqa: E402,F401
