"""Running queued jobs in a test: a real RQ worker in burst mode, in the test's process."""

from __future__ import annotations

from collections.abc import Sequence

from redis import Redis
from rq import Queue, SimpleWorker


class BurstWorker(SimpleWorker):
    """RQ's in-process worker without its pub/sub listener.

    The listener only takes stop and shutdown commands sent from other processes, which a burst
    never gets. Stopping its thread at the end of a burst once held a CI run for the thread's
    whole 60-second poll, twice in a row, while the job itself took 10 ms."""

    def subscribe(self) -> None:
        pass


def run_jobs(queues: Sequence[Queue], connection: Redis) -> None:
    """Run every job waiting on QUEUES, then return."""
    BurstWorker(list(queues), connection=connection).work(burst=True)
