"""The RQ side of the app: the ``task`` decorator every job wears, and the worker that runs them.

Jobs take ids, run inside an application context, and live in each feature's importable
``tasks`` module so a worker can find them by dotted path (``app.notifications.tasks.deliver``).

:class:`Worker` builds the Flask app once, opens the search index and loads the embedding
model before its first job, and runs every job in its own process (RQ's ``SimpleWorker``)
with a fresh database session. The trade-off: RQ's default worker forks a work-horse per
job, which isolates jobs from each other but made every job build the app, open the index
and load the model again (3-6 s a job); a fork of a warmed parent would inherit threads it
cannot use (tantivy's writer, the model's thread pool). A job that crashes the interpreter
takes the worker down with it instead; ``yunpin run`` (or systemd, in production) starts a
new one and the job is run again (`app.supervision`), and every job has a time-out.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable
from typing import Any

from flask import Flask, has_app_context
from rq import SimpleWorker

from video.eventloop import freeze_start_up_heap

_worker_app: Flask | None = None


def _app() -> Flask:
    global _worker_app
    if _worker_app is None:
        from app import create_app

        _worker_app = create_app()
    return _worker_app


def task(func: Callable[..., Any] | None = None, *, writes: bool = True) -> Any:
    """Run FUNC in the worker's app context (inside tests: the test app's context).

    Its transactions take SQLite's write lock when they begin (`app.database.writing`), as a
    POST's do, so a job that reads and then writes never loses a race with the web processes.
    A job must therefore commit before slow work that needs no lock (the model, a parser).
    ``@task(writes=False)`` for jobs that only read the database (the search index flush).
    """
    if func is None:
        return functools.partial(task, writes=writes)

    @functools.wraps(func)
    def run(*args: Any, **kwargs: Any) -> Any:
        from app.database import writing

        with contextlib.ExitStack() as stack:
            if writes:
                stack.enter_context(writing())
            if not has_app_context():
                stack.enter_context(_app().app_context())
            return func(*args, **kwargs)

    return run


class Worker(SimpleWorker):
    """``rq worker -w app.worker.Worker <queues>``: loads once, then runs jobs in-process."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.app = _app()
        self.warm()

    def warm(self) -> None:
        """Do the slow first-use work now rather than in the first job: open the index
        when this worker indexes, load the model when it embeds."""
        from app.queue import DERIVED, INDEX, queue_name

        names = set(self.queue_names())
        with self.app.app_context():
            if queue_name(self.app, INDEX) in names:
                from app.indexing.service import get_backend
                from search import SearchUnavailable

                try:
                    get_backend().ensure()
                except SearchUnavailable as exc:  # the flushes retry until it is back
                    self.log.warning("search index unavailable at start: %s", exc)
            if queue_name(self.app, DERIVED) in names:
                from app.ranking import embeddings

                if embeddings.enabled():
                    from matching import embed_texts

                    embed_texts(["云聘"])
                from app.ranking.service import current_models
                from matching import learn

                models = current_models()
                for direction in learn.DIRECTIONS:  # importing LightGBM alone takes seconds
                    learn.load(models.get(direction), direction)
        # Built once and kept for the worker's life; a full collection need not walk it
        # before every few jobs (video.eventloop.freeze_start_up_heap says why).
        freeze_start_up_heap()

    def perform_job(self, *args: Any, **kwargs: Any) -> bool:
        from app.extensions import db

        with self.app.app_context():
            try:
                return super().perform_job(*args, **kwargs)
            finally:
                db.session.remove()


def recover(app: Flask, pid: int) -> None:
    """After the worker process PID died without cleaning up (killed, crashed): put the job
    it was running back at the front of its queue, forget the worker, and queue flushes for
    marks its batch may have left. Runs in the process that watched it die."""
    import socket

    from rq import Queue
    from rq import Worker as RQWorker
    from rq.job import Job

    from app import batching
    from app.redis_store import get_redis

    connection = get_redis(app)
    for dead in RQWorker.all(connection=connection):
        if dead.pid != pid or dead.hostname != socket.gethostname():
            continue
        job_id = dead.get_current_job_id()
        if job_id is not None:
            job = Job.fetch(job_id, connection=connection)
            queue = Queue(job.origin, connection=connection)
            queue.started_job_registry.remove_executions(job)
            queue.enqueue_job(job, at_front=True)
            dead.log.warning("job %s of dead worker %s put back on %s", job.id, pid, job.origin)
        dead.register_death()
    batching.kick(app)
