"""Region names on pages are read once per web process (app/templating.py), not per page."""

from __future__ import annotations

import time
from types import SimpleNamespace

import sqlalchemy as sa
from sqlalchemy import event

from app import templating
from app.extensions import db
from app.models import Region


def region_queries(app, work) -> int:
    seen = []

    def count(_conn, _cursor, statement, *_args):
        if "FROM regions" in statement:
            seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        with app.test_request_context():
            work()
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return len(seen)


def test_place_names_are_kept_across_requests_until_they_expire(app, monkeypatch):
    def names():
        assert templating.place("420102") == "湖北省 武汉市 江岸区"
        assert templating.region_names(["4201", "52"]) == {"4201": "武汉市", "52": "贵州省"}
        assert templating.place("429999") == "429999"  # a code the tree lacks

    assert region_queries(app, names) == 3
    assert region_queries(app, names) == 0  # a second page: no query at all

    db.session.execute(sa.update(Region).where(Region.code == "52").values(name="黔"))
    db.session.commit()
    with app.test_request_context():
        assert templating.region_names(["52"]) == {"52": "贵州省"}  # kept until it expires
    later = time.monotonic() + templating.PLACE_NAMES_TTL + 1
    monkeypatch.setattr(templating, "time", SimpleNamespace(monotonic=lambda: later))
    with app.test_request_context():
        assert templating.region_names(["52"]) == {"52": "黔"}  # read again once expired
