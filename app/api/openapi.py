"""The OpenAPI 3 document, built from the routes themselves.

Each endpoint is declared with `@endpoint(...)`, which registers the Flask route AND records
its body, query and response schemas (the very objects that validate requests), so the
document lists every route and cannot drift from what the code does. A test checks that
no /api/v1 rule is missing from it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from flask import Blueprint, jsonify

from app.api import definitions as d
from app.api.schemas import INT_MAX, Obj

PROBLEM = "application/problem+json"

ERROR_TEXT = {
    400: "Malformed JSON or query parameters",
    401: "Missing, unknown or revoked bearer token",
    403: "Authenticated but not allowed (wrong role or not the owner)",
    404: "No such object, or not visible to you",
    409: "Conflicts with the object's current state",
    413: "Body too large",
    415: "Body is not application/json",
    422: "Validation failed; `errors` maps each field to messages",
    429: "Rate limit exceeded; see Retry-After",
}


@dataclass
class Operation:
    rule: str
    method: str
    summary: str
    tag: str
    auth: str  # "required", "optional" or "none"
    body: Obj | None = None
    body_required: bool = True
    query: Obj | None = None
    responses: dict[int, Obj | None] = field(default_factory=dict)
    errors: tuple[int, ...] = ()


OPERATIONS: list[Operation] = []


def endpoint(
    bp: Blueprint,
    rule: str,
    method: str,
    summary: str,
    tag: str,
    *,
    auth: str = "required",
    body: Obj | None = None,
    body_required: bool = True,
    query: Obj | None = None,
    responses: dict[int, Obj | None],
    errors: tuple[int, ...] = (),
) -> Callable:
    """Register VIEW on BP at RULE for METHOD and describe it in the document."""
    standard = {400, 429, 404} | ({401} if auth != "none" else set())
    if body is not None:
        standard |= {413, 415, 422}
    operation = Operation(
        rule,
        method.upper(),
        summary,
        tag,
        auth,
        body,
        body_required,
        query,
        responses,
        tuple(sorted(standard | set(errors))),
    )
    OPERATIONS.append(operation)

    def decorator(view: Callable) -> Callable:
        bp.add_url_rule(
            rule,
            endpoint=f"{view.__name__}_{method.lower()}",
            view_func=view,
            methods=[method.upper()],
        )
        return view

    return decorator


_PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")


def openapi_path(rule: str) -> str:
    return _PARAM.sub(lambda m: "{" + m.group(2) + "}", rule)


def _parameters(op: Operation) -> list[dict]:
    params = [
        {
            "name": name,
            "in": "path",
            "required": True,
            "schema": {"type": "integer", "minimum": 1, "maximum": INT_MAX},
        }
        for _conv, name in _PARAM.findall(op.rule)
    ]
    if op.query is not None:
        for name, f in op.query.fields.items():
            schema = f.schema()
            description = schema.pop("description", "")
            param = {"name": name, "in": "query", "required": False, "schema": schema}
            if description:
                param["description"] = description
            params.append(param)
    return params


def _operation(op: Operation) -> dict:
    out: dict = {
        "summary": op.summary,
        "tags": [op.tag],
        "operationId": f"{op.method.lower()}_{re.sub(r'[^a-z0-9]+', '_', openapi_path(op.rule).lower()).strip('_')}",
        "parameters": _parameters(op),
        "responses": {},
    }
    if op.auth == "required":
        out["security"] = [{"bearer": []}]
    elif op.auth == "optional":
        out["security"] = [{}, {"bearer": []}]
    else:
        out["security"] = []
    if op.body is not None:
        out["requestBody"] = {
            "required": op.body_required,
            "content": {"application/json": {"schema": op.body.ref()}},
        }
    for status, schema in op.responses.items():
        if schema is None:
            out["responses"][str(status)] = {"description": "No content"}
        else:
            out["responses"][str(status)] = {
                "description": "OK" if status == 200 else "Created" if status == 201 else "Success",
                "content": {"application/json": {"schema": schema.ref()}},
            }
    for status in op.errors:
        out["responses"][str(status)] = {
            "description": ERROR_TEXT[status],
            "content": {PROBLEM: {"schema": d.Problem.ref()}},
        }
    return out


def document() -> dict:
    paths: dict[str, dict] = {}
    for op in OPERATIONS:
        paths.setdefault(openapi_path(op.rule), {})[op.method.lower()] = _operation(op)
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Yunpin API",
            "version": "1.0.0",
            "description": (
                "Jobs, employers, résumés, applications and notifications. Authenticate with "
                "`Authorization: Bearer <token>` (create tokens in Settings or with "
                "`yunpin users token EMAIL`). Lists are cursor-paginated: pass `next_cursor` "
                "back as `?cursor=`. Errors are application/problem+json."
            ),
        },
        "servers": [{"url": "/api/v1"}],
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {name: schema.schema() for name, schema in sorted(Obj.registry.items())},
        },
    }


def register(bp: Blueprint) -> None:
    @bp.get("/openapi.json")
    def openapi_json():
        return jsonify(document())
