"""Cursor pagination: `{"items": [...], "next_cursor": ...}`, newest first.

A cursor is the (created_at, id) of the last item sent, signed so clients cannot forge or
edit it (they pass it back unchanged). Keyset paging never skips or repeats a row when new
rows arrive between pages, unlike offsets. Lists that are ordered by something computed
(the ranked applicants) sign an offset instead (`offset_page`). A cursor that was not signed
here, or not for this kind of list, is refused like any other invalid parameter (400).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadData, URLSafeSerializer
from marshmallow import ValidationError, fields
from sqlalchemy import Select, and_, or_

from app.api.fields import NO_NUL, Listing, Text, Whole
from app.api.schemas import QuerySchema, Schema
from app.extensions import db

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
KEYSET, OFFSET, SEARCH = "k", "o", "s"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="api-cursor")


class Cursor(fields.String):
    """A `next_cursor` this API signed for a list of one of KINDS, loaded as its position:
    (created_at, id) for keyset lists, the offset for ranked ones, the search engine's own
    cursor for searches. With several kinds it loads as (kind, position)."""

    def __init__(self, *kinds: str):
        super().__init__(
            metadata={
                "maxLength": 500,
                "pattern": NO_NUL,
                "description": "The `next_cursor` of the previous page, unchanged.",
            }
        )
        self.kinds = kinds

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            kind, first, second = _serializer().loads(value)
            position = _position(kind, first, second) if kind in self.kinds else None
            if position is not None:
                return position if len(self.kinds) == 1 else (kind, position)
        except (BadData, ValueError, TypeError, UnicodeError):
            pass
        raise ValidationError(_("The cursor is not valid; start again without it."))


def _position(kind: str, first: Any, second: Any) -> Any:
    if kind == KEYSET and isinstance(second, int):
        return datetime.fromisoformat(first), second
    if kind == OFFSET and isinstance(first, int) and first >= 0:
        return first
    if kind == SEARCH and isinstance(first, str):
        return first
    return None


def sign_cursor(kind: str, first: Any, second: Any = 0) -> str:
    """The `next_cursor` for position (FIRST, SECOND) of a list of KIND."""
    return _serializer().dumps([kind, first, second])


class KeysetQuery(QuerySchema):
    cursor = Cursor(KEYSET)
    limit = Whole(1, MAX_LIMIT, strict=False)


class RankedQuery(QuerySchema):
    cursor = Cursor(OFFSET)
    limit = Whole(1, MAX_LIMIT, strict=False)


def page_of(item: type[Schema]) -> type[Schema]:
    """The schema of a page of ITEM: `items` plus an opaque `next_cursor` (null at the end)."""
    name = item.__name__.removesuffix("Schema") + "PageSchema"
    return type(
        name,
        (Schema,),
        {
            "items": Listing(fields.Nested(item), max_items=MAX_LIMIT, required=True),
            "next_cursor": Text(
                500,
                allow_none=True,
                required=True,
                metadata={"description": "Pass as ?cursor= for the next page; null on the last."},
            ),
        },
    )


def keyset_page(query: Select, model: Any, args: dict) -> dict:
    """One page of QUERY (a select of MODEL, unordered) after args['cursor']."""
    limit = args.get("limit", DEFAULT_LIMIT)
    if "cursor" in args:
        created, last_id = args["cursor"]
        query = query.where(
            or_(model.created_at < created, and_(model.created_at == created, model.id < last_id))
        )
    rows = db.session.scalars(
        query.order_by(model.created_at.desc(), model.id.desc()).limit(limit + 1)
    ).all()
    items = rows[:limit]
    next_cursor = None
    if len(rows) > limit:
        last = items[-1]
        next_cursor = sign_cursor(KEYSET, last.created_at.isoformat(), last.id)
    return {"items": items, "next_cursor": next_cursor}


def offset_page(items: Sequence[Any], args: dict) -> dict:
    """One page of an already ordered list."""
    limit = args.get("limit", DEFAULT_LIMIT)
    start = args.get("cursor", 0)
    more = len(items) > start + limit
    return {
        "items": items[start : start + limit],
        "next_cursor": sign_cursor(OFFSET, start + limit) if more else None,
    }
