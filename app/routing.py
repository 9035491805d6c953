"""URL converters shared by the pages and the API.

`<id:name>` is a positive id that fits an integer column. Any other number cannot name a
row, so it answers 404 at once instead of reaching a query PostgreSQL would refuse (which
would be a 500). Refusing the match instead would make werkzeug answer 405 when the path
has a rule for another method.
"""

from __future__ import annotations

from flask import Flask
from werkzeug.exceptions import NotFound
from werkzeug.routing import IntegerConverter

INT_MAX = 2**31 - 1
"""PostgreSQL `integer`; larger ids cannot exist and larger values cannot be stored."""


class IdConverter(IntegerConverter):
    def __init__(self, url_map, *args, **kwargs):
        super().__init__(url_map, min=1, max=INT_MAX)

    def to_python(self, value: str) -> int:
        number = int(value)
        if not self.min <= number <= self.max:
            raise NotFound()
        return number


def init_app(app: Flask) -> None:
    app.url_map.converters["id"] = IdConverter
