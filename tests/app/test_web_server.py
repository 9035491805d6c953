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


def test_warming_loads_the_ranking_models(app, worker):
    from matching import learn

    employer = factories.employer()
    factories.job(employer, title="焊工")
    factories.resume(factories.user(), headline="焊工")
    db.session.commit()
    worker(DERIVED)
    db.session.close()
    learn.load.cache_clear()

    warm(app)

    # one booster per direction: recommendations (cand2job) and applicant ranking (job2cand)
    assert learn.load.cache_info().currsize == 2, learn.load.cache_info()
