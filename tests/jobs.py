"""Running queued jobs in a test: a real RQ worker in burst mode, in the test's process."""

from __future__ import annotations

from collections.abc import Sequence

from redis import Redis
from rq import Queue, SimpleWorker


class BurstWorker(SimpleWorker):
    """RQ's in-process worker without its pub/sub listener.

    The listener only takes stop and shutdown commands sent from other processes, which a burst
    never gets. At the end of a burst RQ waits one second for the listener's thread, which can
    outlive it (seen here under load) inside its 60-second poll, while the test goes on using
    the same Redis client's connections. A CI run once lost exactly that 60 seconds after a
    10 ms job, twice in a row."""

    def subscribe(self) -> None:
        pass


def run_jobs(queues: Sequence[Queue], connection: Redis) -> int:
    """Run every job waiting on QUEUES; return how many finished (failed ones stay in each
    queue's failed-job registry)."""
    before = sum(q.finished_job_registry.count for q in queues)
    BurstWorker(list(queues), connection=connection).work(burst=True)
    return sum(q.finished_job_registry.count for q in queues) - before
