"""Cursor pagination: `{"items": [...], "next_cursor": ...}`, newest first.

A cursor is the (created_at, id) of the last item sent, signed so clients cannot forge or
edit it (they pass it back unchanged). Keyset paging never skips or repeats a row when new
rows arrive between pages, unlike offsets. Lists that are ordered by something computed
(the ranked applicants) sign an offset instead (`offset_page`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadData, URLSafeSerializer
from sqlalchemy import Select, and_, or_

from app.api.http import ApiError
from app.extensions import db

DEFAULT_LIMIT = 20


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="api-cursor")


def _read(cursor: str, kind: str) -> list:
    try:
        data = _serializer().loads(cursor)
    except (BadData, ValueError, UnicodeError):
        data = None
    if not isinstance(data, list) or len(data) != 3 or data[0] != kind:
        raise ApiError(400, _("The cursor is not valid; start again without it."))
    return data


def keyset_page(query: Select, model: Any, args: dict, dump: Callable[[Any], dict]) -> dict:
    """One page of QUERY (a select of MODEL, unordered) after args['cursor']."""
    limit = args.get("limit") or DEFAULT_LIMIT
    if args.get("cursor"):
        _kind, stamp, last_id = _read(args["cursor"], "k")
        try:
            created = datetime.fromisoformat(stamp)
            if not isinstance(last_id, int):
                raise TypeError(last_id)
        except (TypeError, ValueError):
            raise ApiError(400, _("The cursor is not valid; start again without it.")) from None
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
        next_cursor = _serializer().dumps(["k", last.created_at.isoformat(), last.id])
    return {"items": [dump(item) for item in items], "next_cursor": next_cursor}


def offset_page(items: Sequence[Any], args: dict, dump: Callable[[Any], dict]) -> dict:
    """One page of an already ordered list."""
    limit = args.get("limit") or DEFAULT_LIMIT
    start = 0
    if args.get("cursor"):
        _kind, start, _unused = _read(args["cursor"], "o")
        if not isinstance(start, int) or start < 0:
            raise ApiError(400, _("The cursor is not valid; start again without it."))
    chunk = items[start : start + limit]
    more = len(items) > start + limit
    return {
        "items": [dump(item) for item in chunk],
        "next_cursor": _serializer().dumps(["o", start + limit, 0]) if more else None,
    }
