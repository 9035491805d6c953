"""A web process warms up before it serves: its visitors' pages compiled, its pool opened."""

from __future__ import annotations

from app.extensions import db
from app.queue import DERIVED
from app.web_server import warm
from tests import factories


def test_warming_renders_the_visitors_pages_and_opens_the_pool(app, worker):
    factories.job(factories.employer(), title="焊工")
    db.session.commit()
    worker(DERIVED)
    db.session.close()

    warm(app)

    compiled = {name for _, name in app.jinja_env.cache}
    assert {
        "home/index.html",
        "jobs/index.html",
        "jobs/detail.html",
        "accounts/login.html",
    } <= compiled, compiled
    pool = db.engine.pool
    assert pool.checkedin() == pool.size() == app.config["DATABASE_POOL_SIZE"]
