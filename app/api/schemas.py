"""The base classes of the API's marshmallow schemas, and the problem+json body they share.

Each feature's api.py declares one schema per resource, used to load request bodies, to
dump responses and (through apispec) to write the OpenAPI document. Fields the server
sets are `dump_only` (readOnly in the document), fields only sent are `load_only`.
"""

from __future__ import annotations

import copy
from typing import Any

import marshmallow as ma
from flask_babel import lazy_gettext as _l

from app.api.fields import Text, Whole


class Schema(ma.Schema):
    """A JSON object with known properties: any other key is refused, per field."""

    error_messages = {"unknown": _l("Unknown field."), "type": _l("Expected a JSON object.")}

    def __deepcopy__(self, memo):
        """flask-smorest deep-copies its notes for the document, schemas included. A schema
        does not change once built, and copying its lazily translated messages would
        translate them, which needs a request: a copy shares them, as marshmallow's fields do."""
        return copy.copy(self)


class QuerySchema(Schema):
    """Query-string parameters, all optional. A misspelt filter silently ignored would return
    the wrong results, so unknown parameters are refused too."""

    error_messages = {"unknown": _l("Unknown parameter."), "type": _l("Expected a JSON object.")}


class View:
    """An object as one kind of reader sees it, for a response schema to dump: every
    attribute of MODEL, except those a subclass defines (masked, or added for that reader)."""

    def __init__(self, model: Any):
        self.model = model

    def __getattr__(self, name: str) -> Any:
        return getattr(self.model, name)


class ProblemSchema(Schema):
    """An error (RFC 9457), as every refusal of the API is answered."""

    class Meta:
        unknown = ma.INCLUDE

    type = Text(200, required=True)
    title = Text(500, required=True)
    status = Whole(100, 599, required=True)
    detail = Text(5000)
    errors = ma.fields.Dict(metadata={"description": "Field path → messages (400 and 422)."})
    duplicates = ma.fields.List(
        Whole(1),
        metadata={"maxItems": 100, "description": "Ids of likely duplicate jobs (409 on jobs)."},
    )
