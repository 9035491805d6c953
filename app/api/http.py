"""Reading requests and answering errors the same way on every endpoint.

Bodies are JSON objects only (415 otherwise), malformed JSON is 400, and values that do
not fit the schema are 422 with a message per field. Every refusal is an `ApiError`, which
rolls the transaction back and answers application/problem+json.
"""

from __future__ import annotations

import json
from typing import Any, TypeVar

from flask import current_app, request
from flask_babel import gettext as _

from app.api.schemas import INT_MAX, Invalid, Obj
from app.errors import messages, problem
from app.extensions import db

T = TypeVar("T")

MAX_BODY = 256 * 1024
"""Bytes: no API body is anywhere near this; uploads go through the pages."""


class ApiError(Exception):
    def __init__(self, status: int, detail: Any = "", **extra: Any):
        super().__init__(str(detail))
        self.status, self.detail, self.extra = status, str(detail or ""), extra


def answer_error(error: ApiError):
    db.session.rollback()  # nothing half-written stays behind
    return problem(error.status, messages().get(error.status, ""), error.detail, **error.extra)


def _reject_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def json_body(schema: Obj, required: bool = True) -> dict:
    """The request's JSON object validated by SCHEMA; {} when optional and absent."""
    raw = request.get_data(cache=True)
    if len(raw) > current_app.config.get("API_MAX_BODY", MAX_BODY):
        raise ApiError(413, _("The request body is too large."))
    if not raw and not required:
        return {}
    if not request.is_json:
        raise ApiError(415, _("Send the body as application/json."))
    if not raw:
        raise ApiError(400, _("The request body is empty."))
    try:
        data = json.loads(raw, parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        raise ApiError(400, _("The body is not valid JSON.")) from None
    return validated(schema, data)


def validated(schema: Obj, data: Any) -> dict:
    try:
        return schema.validate(data)
    except Invalid as error:
        raise ApiError(422, _("Some fields are not valid."), errors=error.errors) from None


def query(schema: Obj) -> dict:
    """Query-string parameters converted and checked by SCHEMA (400 when they do not fit)."""
    try:
        return schema.from_args(request.args)
    except Invalid as error:
        raise ApiError(
            400, _("Some query parameters are not valid."), errors=error.errors
        ) from None


def get_or_404(model: type[T], ident: int) -> T:
    """The row with id IDENT; ids beyond an integer column's range cannot exist."""
    obj = db.session.get(model, ident) if 0 < ident <= INT_MAX else None
    if obj is None:
        raise ApiError(404)
    return obj
