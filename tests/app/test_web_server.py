"""A web process warms up before it serves: its visitors' pages compiled, its pool opened."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

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


def test_web_processes_multiply_matrices_on_one_thread():
    # gunicorn imports its settings (this module) first, then the app, and so numpy.
    probe = textwrap.dedent(
        """
        import ctypes
        import app.web_server
        import numpy
        path = next(l.split()[-1] for l in open("/proc/self/maps") if "openblas" in l.lower())
        lib = ctypes.CDLL(path)
        names = ("scipy_openblas_get_num_threads64_", "openblas_get_num_threads64_",
                 "openblas_get_num_threads")
        print(next(getattr(lib, n)() for n in names if hasattr(lib, n)))
        """
    )
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    out = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True)
    assert out.stdout.strip() == "1", out.stderr


def test_warming_builds_the_search_boxs_place_names_and_spelling(app, worker):
    from app.indexing.service import get_backend

    employer = factories.employer()
    for title in ("会计", "软件工程师", "机械工程师", "土木工程师"):  # 工程师 needs no correction
        factories.job(employer, title=title)
    db.session.commit()
    worker(DERIVED)
    db.session.close()

    warm(app)

    assert app.extensions.get("kept:place_names"), "the place names are built"
    assert "jobs" in get_backend(app).__dict__["_spellers"]._kept, "the vocabulary is built"
