"""URL converters and query-string numbers shared by the pages and the API.

`<id:name>` is a positive id that fits an integer column. Any other number cannot name a
row, so it answers 404 at once instead of reaching a query PostgreSQL would refuse (which
would be a 500). Refusing the match instead would make werkzeug answer 405 when the path
has a rule for another method.
"""

from __future__ import annotations

from collections.abc import Mapping

from flask import Flask
from flask_babel import gettext as _
from werkzeug.exceptions import NotFound
from werkzeug.routing import IntegerConverter

from app.errors import DomainError

INT_MAX = 2**31 - 1
"""PostgreSQL `integer`; larger ids cannot exist and larger values cannot be stored."""


class IdConverter(IntegerConverter):
    def __init__(self, url_map, *args, **kwargs):
        super().__init__(url_map, min=1, max=INT_MAX)

    def to_python(self, value: str) -> int:
        number = as_id(value)
        if number is None:
            raise NotFound()
        return number


ID_DIGITS = 20
"""At most this many digits are read as a number (leading zeros included): past them no id
can be meant, and int() of thousands of digits is slow or refused (Python's 4300-digit
limit: a ValueError, so a 500)."""


def as_id(value: str) -> int | None:
    """VALUE (from a form or query string) as an id, or None when no row can have it: only
    ASCII digits (int() also reads "４２" and "٤٢"; isdigit() passes "²", which int() refuses),
    no more than ID_DIGITS of them, and within the integer column's range (a larger number
    would overflow SQLite's or PostgreSQL's integer: a 500, not a missing row)."""
    value = value.strip()
    if not (value.isascii() and value.isdigit()) or len(value) > ID_DIGITS:
        return None
    number = int(value)
    return number if 1 <= number <= INT_MAX else None


def as_ids(values: list[str]) -> list[int]:
    """The ids among VALUES (a form's repeated field); the others name no row."""
    return [number for number in map(as_id, values) if number is not None]


MAX_PAGE = 10_000
"""The last page number a listing serves (an officials' list of 50 a page: half a million rows)."""


def page_number(args: Mapping[str, str]) -> int:
    """A listing's ``?page=`` (ARGS: the query string): 1 when absent; otherwise ASCII digits
    from 1 to MAX_PAGE, as :func:`as_id` reads them, else a 400 that says so. Every listing
    reads it here, so "٣", "x" and "0" get the same answer everywhere (``type=int`` read the
    first as page 3 and turned the second into page 1)."""
    raw = args.get("page", "").strip()
    if not raw:
        return 1
    number = as_id(raw)
    if number is None or number > MAX_PAGE:
        message = _(
            "%(name)s must be a whole number from %(low)s to %(high)s.",
            name="page",
            low=1,
            high=MAX_PAGE,
        )
        raise DomainError(message, status=400)
    return number


def init_app(app: Flask) -> None:
    app.url_map.converters["id"] = IdConverter
