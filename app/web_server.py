"""gunicorn settings of the web processes: ``gunicorn -c python:app.web_server … wsgi:app``.

A web process renders its visitors' pages once, and ranks once, before it takes a request. The
first rendering of a page in a process compiles its templates, loads the translation catalogue,
the query analyser's dictionary and SQLAlchemy's statement cache: 100-300 ms of CPU a page. A fresh
process that meets traffic at once has every thread pay it together (Jinja compiles a template
in each thread that asks for it first), and at 100 pages/s a restarted server answered its first
seconds 1-2 s late (docs/benchmarks/runtime.md, eighth session). gunicorn calls
``post_worker_init`` after loading the app and before the worker accepts connections; the
heap built by then is frozen out of the collector's way (video.eventloop.freeze_start_up_heap).
"""

from __future__ import annotations

import os
import re
import time
from urllib.parse import quote

from flask import Flask
from sqlalchemy.pool import QueuePool

from app.extensions import db
from video.eventloop import freeze_start_up_heap

# A web process answers on several threads, on cores its siblings share: numpy's OpenBLAS
# starting a thread per core for each product made a ranking page twice as slow (300
# profiles: 105 -> 46 ms warm, 258 -> 132 ms cold; docs/benchmarks/matching.md). gunicorn
# reads this file before it imports the app, and so numpy.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

# The pages nearly every visit opens, in both languages the site speaks. The second search
# (会汁 武汉, a place and a misspelt word) builds the place names and the spelling vocabulary
# its readers build on first use (0.1-1.3 s, docs/benchmarks/search.md); the third the
# English and pinyin place names, read on the first search with Latin letters (0.5-1 s).
PAGES = [
    "/",
    "/jobs/",
    "/jobs/?q=" + quote("工程师"),
    "/jobs/?q=" + quote("会汁 武汉"),
    "/jobs/?q=" + quote("nurse Wuhan"),
    "/auth/login",
]
LANGUAGES = ["zh-CN", "en"]
BUDGET = 5.0
"""Seconds of warming after which the process serves anyway. gunicorn kills a worker that
has not reported within its timeout (30 s) and starts another: with a search cluster down,
every search waiting for its time-out, unbounded warming would restart workers forever."""


def warm(app: Flask) -> float:
    """Render PAGES (and the first job page they link to) in this process, and open the
    database pool's connections, so the first visitors do not pay for either. Seconds taken."""
    started = time.monotonic()
    _open_pool(app)
    client = app.test_client()
    listing = client.get("/jobs/").data
    pages = PAGES + [job.decode() for job in re.findall(rb'href="(/jobs/\d+)"', listing)[:1]]
    for language in LANGUAGES:
        for path in pages:
            if time.monotonic() - started > BUDGET:
                return time.monotonic() - started
            client.get(path, headers={"Accept-Language": language})
    _rank_once(app)
    return time.monotonic() - started


def _rank_once(app: Flask) -> None:
    """Score one résumé against a few jobs and back: the ranking models and the lexicons
    their features read load on first use, 0.4-1.1 s that the first recommendations or
    applicant page of a process would otherwise wait (the visitors' pages rank nothing)."""
    from sqlalchemy import select

    from app.models import Job, Resume
    from app.ranking import service

    with app.test_request_context():
        resume = db.session.scalars(select(Resume).limit(1)).first()
        jobs = db.session.scalars(select(Job).limit(5)).all()
        if resume is not None and jobs:
            service.recommend_jobs(resume, jobs)
            service.recommend_people(jobs[0], [resume])
        db.session.remove()


def _open_pool(app: Flask) -> None:
    """Every connection the pool keeps, opened now rather than by the first requests at once."""
    with app.app_context():
        pool = db.engine.pool
        if not isinstance(pool, QueuePool):
            return
        connections = [db.engine.connect() for _ in range(pool.size())]
        for connection in connections:
            connection.close()


def post_worker_init(worker) -> None:
    try:
        worker.log.info("web process warmed in %.2f s", warm(worker.wsgi))
    except Exception:  # noqa: BLE001 - a page failing here fails for visitors too, and says why
        worker.log.exception("warming the web process failed; it serves anyway")
    freeze_start_up_heap()
