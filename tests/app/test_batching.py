"""Derived work coalesced into batches (app.batching), with real Redis and a real worker."""

from __future__ import annotations

import pytest

from app import batching
from app.extensions import db
from app.queue import DERIVED, INDEX, get_queue
from tests import factories


def published_job(title: str = "焊工"):
    job = factories.job(factories.employer(), title=title)
    db.session.commit()
    return job


def test_repeated_writes_are_one_member_and_one_queued_flush(app, worker):
    job = published_job()
    for salary in (5000, 6000, 7000):
        job.salary_min = salary
        db.session.commit()
    assert [j.func_name for j in get_queue(app, INDEX).jobs] == ["app.indexing.tasks.flush"]
    assert [j.func_name for j in get_queue(app, DERIVED).jobs] == ["app.ranking.tasks.flush"]
    with app.app_context():
        batch = batching.take("search")
    assert batch.ids("job") == [job.id] and batch.ids("employer") == [job.employer_id]
    assert worker(DERIVED) == 2
    assert batching.backlog(app) == {"search": 0, "embeddings": 0}


def test_a_write_during_a_flush_stays_for_the_next_one(app, worker):
    job = published_job()
    worker(DERIVED)
    job.title = "电焊工"
    db.session.commit()
    with batching.take("search") as batch:
        assert batch.ids("job") == [job.id]
        job.title = "氩弧焊工"  # marked again while this batch is being handled
        db.session.commit()
    assert batching.backlog(app)["search"] == 1
    assert get_queue(app, INDEX).count >= 1  # the next flush is queued


def test_a_failed_flush_keeps_its_batch_and_a_rolled_back_write_marks_nothing(app):
    job = published_job()
    with pytest.raises(RuntimeError), batching.take("search"):
        raise RuntimeError("the engine went away")
    assert batching.backlog(app)["search"] == 2  # the job and its employer

    get_queue(app, INDEX).empty()
    with batching.take("search"):
        pass
    job.title = "不会保存"
    db.session.flush()
    db.session.rollback()
    assert batching.backlog(app)["search"] == 0 and get_queue(app, INDEX).count == 0


def test_kick_queues_a_flush_whatever_the_flag_says(app):
    published_job()
    get_queue(app, INDEX).empty()  # the queued flush is lost (its worker was killed)
    batching.kick(app)
    assert [j.func_name for j in get_queue(app, INDEX).jobs] == ["app.indexing.tasks.flush"]
