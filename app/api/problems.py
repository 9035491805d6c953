"""Every refusal of the API as application/problem+json, and the document saying which.

`answer` is the API's one error handler (registered on the API's blueprints, so pages keep
their HTML error pages): a `DomainError` from a service, an HTTP error (`abort`, the bearer
check, the rate limit), or input that does not fit a schema (400 for query strings, 422 for
bodies, with `errors` naming each field). It rolls the transaction back first, so nothing
half-written stays behind.

`document` records on a view what its operation can answer; `problem_responses` turns that,
with what the operation reads (query, body), into the document's error responses.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from copy import deepcopy
from typing import Any

from flask_babel import gettext as _
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException

from app.api.schemas import ProblemSchema
from app.errors import DomainError, messages, problem
from app.extensions import db

PROBLEM = "application/problem+json"

ERROR_TEXT = {
    400: "Malformed JSON or query parameters; `errors` maps each parameter to messages",
    401: "Missing, unknown or revoked bearer token",
    403: "Authenticated but not allowed (wrong role or not the owner)",
    404: "No such object, or not visible to you",
    409: "Conflicts with the object's current state",
    413: "Body too large",
    415: "Body is not application/json",
    422: "Validation failed; `errors` maps each field to messages",
    429: "Rate limit exceeded; see Retry-After",
}

BODY_LOCATIONS = ("json", "optional_json")


class Refusal(DomainError):
    """A refusal that tells API clients more than its message: MEMBERS are added to the
    problem body (e.g. the ids of the duplicates a job conflicts with)."""

    def __init__(self, message: str, status: int = 409, **members: Any) -> None:
        super().__init__(message, status)
        self.members = members


def field_paths(messages: Any, path: str = "") -> dict[str, list[str]]:
    """Marshmallow's nested messages keyed by the paths clients know: `education[0].school`;
    errors about an object itself under its own path, or `$` for the whole body."""
    if not isinstance(messages, dict):
        items = messages if isinstance(messages, list) else [messages]
        return {path or "$": [str(item) for item in items]}
    out: dict[str, list[str]] = {}
    for key, value in messages.items():
        if key == "_schema":
            inner = path
        elif isinstance(key, int):
            inner = f"{path}[{key}]"
        else:  # unknown keys come back as sent: keep the path readable
            inner = f"{path}.{str(key)[:60]}" if path else str(key)[:60]
        for name, texts in field_paths(value, inner).items():
            out.setdefault(name, []).extend(texts)
    return out


def _invalid(status: int, location: str, errors: Any):
    detail = (
        _("Some fields are not valid.")
        if location in BODY_LOCATIONS
        else _("Some query parameters are not valid.")
    )
    return problem(status, messages()[status], detail, errors=field_paths(errors))


def _http(error: HTTPException):
    status = error.code or 500
    found = getattr(error, "data", {}).get("messages")  # webargs: {location: messages}
    if found:
        ((location, errors),) = found.items()
        return _invalid(status, location, errors)
    detail = error.description if isinstance(error.description, str) else ""
    if detail == type(error).description:  # werkzeug's English default says nothing new
        detail = ""
    response = problem(status, messages().get(status, error.name), detail)
    for name, value in error.get_headers():  # WWW-Authenticate, Retry-After, Allow
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


def answer(error: Exception):
    """The problem+json answer to ERROR (see the module's docstring)."""
    db.session.rollback()
    if isinstance(error, HTTPException):
        return _http(error)
    if isinstance(error, ValidationError):  # a rule a view checks once the body is loaded
        return _invalid(422, "json", error.normalized_messages())
    members = error.members if isinstance(error, Refusal) else {}
    title = messages().get(error.status, str(error.message))
    return problem(error.status, title, str(error.message), **members)


def document(view: Callable, *, auth: str | None = None, problems: Iterable[int] = ()) -> Callable:
    """Note on VIEW (in flask-smorest's `_apidoc`) who may call it, "required" or "optional"
    bearer AUTH, and which PROBLEMS beyond the ones its inputs imply it can answer."""
    view._apidoc = deepcopy(getattr(view, "_apidoc", {}))
    if auth:
        view._apidoc["auth"] = auth
    view._apidoc["problems"] = sorted({*view._apidoc.get("problems", ()), *problems})
    return view


def refuses(*statuses: int) -> Callable[[Callable], Callable]:
    """Decorator: the view's operation can also answer STATUSES (e.g. 409 from a service)."""
    return lambda view: document(view, problems=statuses)


def problem_responses(operation: dict, noted: dict) -> dict:
    """OPERATION (as flask-smorest prepared it) with its security and every problem it can
    answer: 404 and 429 always, 400 when it reads a query or body, 413/415/422 with a body,
    401 with a token, and the ones NOTED by `document`."""
    statuses = {404, 429, *noted.get("problems", ())}
    reads_query = any(p.get("in") == "query" for p in operation.get("parameters", ()))
    if reads_query or "requestBody" in operation:
        statuses.add(400)
    if "requestBody" in operation:
        statuses |= {413, 415, 422}
    auth = noted.get("auth")
    if auth:
        statuses.add(401)
    operation["security"] = {
        "required": [{"bearer": []}],
        "optional": [{}, {"bearer": []}],
        None: [],
    }[auth]
    responses = operation.setdefault("responses", {})
    for status in statuses:
        responses[status] = {
            "description": ERROR_TEXT[status],
            "content": {PROBLEM: {"schema": ProblemSchema}},
        }
    operation["responses"] = dict(sorted(responses.items(), key=lambda item: str(item[0])))
    return operation
