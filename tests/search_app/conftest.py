"""Search-app fixtures: the embedded index lives in the test's instance folder (SEARCH_URL
defaults to instance/search), and a helper runs the derived-data queue like a worker."""

from __future__ import annotations

import pytest
from rq import SimpleWorker

from app.indexing import service as search_index
from app.queue import DERIVED, get_queue


@pytest.fixture(autouse=True)
def _quiet_matching(app):
    """Embeddings are another consumer of the same writes; they are not under test here."""
    app.config["MATCHING_EMBEDDINGS"] = False
    yield
    search_index.close_backend(app)


@pytest.fixture
def derived(app, redis_server):
    """Run the DERIVED queue once; returns (finished, failed) job counts, failures allowed."""

    def drain() -> tuple[int, int]:
        queue = get_queue(app, DERIVED)
        before = queue.finished_job_registry.count
        SimpleWorker([queue], connection=redis_server).work(burst=True)
        return queue.finished_job_registry.count - before, queue.failed_job_registry.count

    return drain
