"""The flask-smorest Blueprint every feature's api.py builds its endpoints on.

It reads input the same way everywhere: `query(schema)` for query strings (400 when they
do not fit) and `body(schema)` for JSON bodies (422), where a body must be a JSON object
sent as application/json (415 otherwise), no larger than `API_MAX_BODY` (413), and
well-formed JSON without NaN or Infinity (400). Every operation is tagged with its
blueprint's name and documents the problems it can answer (app.api.problems).
"""

from __future__ import annotations

import json

import flask_smorest
from flask import abort, current_app
from flask_babel import gettext as _
from marshmallow import missing
from webargs.flaskparser import FlaskParser

from app.api.problems import problem_responses

MAX_BODY = 256 * 1024
"""Bytes: no API body is anywhere near this; uploads go through the pages."""


def body_limit() -> int:
    return current_app.config.get("API_MAX_BODY", MAX_BODY)


def _reject_constant(name: str):
    raise ValueError(f"{name} is not JSON")


class RequestParser(FlaskParser):
    """webargs' parser with this API's rules for bodies; each schema refuses unknown keys."""

    __location_map__ = {**FlaskParser.__location_map__, "optional_json": "load_optional_json"}

    def __init__(self):
        super().__init__(unknown=None)

    def load_json(self, req, schema):
        raw = req.get_data(cache=True)
        if len(raw) > body_limit():
            abort(413, _("The request body is too large."))
        if not req.is_json:
            abort(415, _("Send the body as application/json."))
        if not raw:
            abort(400, _("The request body is empty."))
        try:
            return json.loads(raw, parse_constant=_reject_constant)
        except (ValueError, RecursionError):
            abort(400, _("The body is not valid JSON."))

    def load_optional_json(self, req, schema):
        """No body at all is an empty object; anything sent must be JSON."""
        if not req.get_data(cache=True):
            return missing
        return self.load_json(req, schema)


class Blueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = RequestParser()
    DEFAULT_LOCATION_CONTENT_TYPE_MAPPING = {
        "json": "application/json",
        "optional_json": "application/json",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._prepare_doc_cbks.append(self._prepare_problem_doc)

    def add_url_rule(self, rule, endpoint=None, view_func=None, *args, tags=None, **options):
        # Nested under the API's root blueprint, an operation would be tagged "api".
        super().add_url_rule(rule, endpoint, view_func, *args, tags=tags or [self.name], **options)

    def query(self, schema):
        return self.arguments(schema, location="query", error_status_code=400)

    def body(self, schema, required: bool = True):
        location = "json" if required else "optional_json"
        return self.arguments(schema, location=location, required=required)

    @staticmethod
    def _prepare_problem_doc(doc, doc_info, **kwargs):
        return problem_responses(doc, doc_info)
