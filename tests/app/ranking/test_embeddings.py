"""Embeddings are computed by the worker after a commit, with the real model (one test: the
model takes ~3 s to load), and pages then rank with the stored vectors."""

from __future__ import annotations

import time

from sqlalchemy import select

from app.extensions import db
from app.models import EmbeddedKind, Embedding, RecommendationList
from app.queue import DERIVED, INDEX, get_queue
from tests.web import as_user

from .helpers import employer_with_job, seeker


def stored(kind, object_id):
    db.session.expire_all()
    return db.session.scalar(
        select(Embedding).where(Embedding.kind == kind, Embedding.object_id == object_id)
    )


def test_writes_enqueue_embeddings_that_pages_then_use(app, client, worker):
    app.config["MATCHING_EMBEDDINGS"] = True
    _owner, _employer, job = employer_with_job()
    person, resume = seeker(summary="五年Java后端开发经验")
    # One flush for both writes, queued after the commits; search follows writes too.
    assert [j.func_name for j in get_queue(app, DERIVED).jobs] == ["app.ranking.tasks.flush"]
    assert [j.func_name for j in get_queue(app, INDEX).jobs] == ["app.indexing.tasks.flush"]
    started = time.perf_counter()
    assert worker(DERIVED) == 3  # the two flushes, then the candidate's list (a job of its own)
    print(
        f"worker: 2 objects embedded in {time.perf_counter() - started:.2f} s (model load included)"
    )
    job_row, resume_row = stored(EmbeddedKind.JOB, job.id), stored(EmbeddedKind.RESUME, resume.id)
    assert len(job_row.text_vector) == len(resume_row.title_vector) == 512 * 4
    assert db.session.get(RecommendationList, person.id).items[0]["job_id"] == job.id

    digest = resume_row.digest
    resume.summary = "五年Java后端开发经验，熟悉微服务"
    db.session.commit()
    started = time.perf_counter()
    assert worker(DERIVED) == 3  # the résumé's embedding, its search document and its list
    print(f"worker: 1 résumé re-embedded in {time.perf_counter() - started:.2f} s")
    assert stored(EmbeddedKind.RESUME, resume.id).digest != digest

    as_user(client, person)
    started = time.perf_counter()
    page = client.get("/recommendations").get_data(as_text=True)
    print(f"page with stored vectors: {time.perf_counter() - started:.3f} s")
    assert f"/jobs/{job.id}" in page
