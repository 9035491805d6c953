"""The REST API under /api/v1, built with flask-smorest: bearer tokens, problem+json errors,
and an OpenAPI document generated from the same marshmallow schemas that validate requests
and write responses.

Each feature's endpoints live in `app/<feature>/api.py`; this package holds only what they
share: the wiring (`init_app`, `v1`), token auth (`auth`), fields and schemas, pagination
and problem+json (`problems`). `init_app` imports `v1`, and with it every feature's api.py,
only when it is called, so those modules import this package's without a cycle.
"""

from __future__ import annotations

import flask_smorest
from flask import Flask
from flask_smorest.spec.plugins import FlaskPlugin

from app.api.schemas import ProblemSchema

PREFIX = "/api/v1"

DESCRIPTION = (
    "Jobs, employers, résumés, applications and notifications. Authenticate with "
    "`Authorization: Bearer <token>` (create tokens in Settings or with "
    "`yunpin users token EMAIL`). Lists are cursor-paginated: pass `next_cursor` "
    "back as `?cursor=`. Errors are application/problem+json."
)


class RelativePaths(FlaskPlugin):
    """Paths relative to the `/api/v1` server, as the document has always listed them."""

    def path_helper(self, rule, operations, parameters, **kwargs):
        return super().path_helper(rule, operations, parameters, **kwargs).removeprefix(PREFIX)


class Api(flask_smorest.Api):
    """flask-smorest's Api without its app-wide error handler and default error response:
    pages keep their HTML error pages, and API errors are answered (and documented) as
    problem+json by app.api.problems on the API's own blueprints."""

    ERROR_SCHEMA = ProblemSchema
    DEFAULT_ERROR_RESPONSE_NAME = None

    def _register_error_handlers(self):
        """None on the app: see app.api.v1."""

    def _register_pagination_header(self):
        """Lists page with cursors in the body (app.api.pagination), not smorest's headers."""


def init_app(app: Flask) -> None:
    """Serve /api/v1 and its OpenAPI document at /api/v1/openapi.json (no UI: nothing may
    load from a CDN)."""
    from app.api.v1 import FEATURES, bp

    app.config.setdefault("OPENAPI_URL_PREFIX", PREFIX)
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    api = Api(
        app,
        spec_kwargs={
            "title": "Yunpin API",
            "version": "1.0.0",
            "openapi_version": "3.0.3",
            "flask_plugin": RelativePaths(),
            "info": {"description": DESCRIPTION},
            "servers": [{"url": PREFIX}],
            "tags": [{"name": f.name, "description": f.description} for f in FEATURES],
        },
    )
    api.spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    api.register_blueprint(bp)
