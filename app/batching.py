"""Derived work for many ids at once: writes mark ids, one flush job handles the batch.

A commit that changes jobs 3 and 4 (and job 3 again in the next request) marks ``job:3``
and ``job:4`` for each consumer (the search index, the embeddings) in a Redis hash, where
every mark bumps the member's version. At most one flush job per consumer waits in the
queue; when a worker takes it, it reads a snapshot of the hash, handles every member in
one go (one index commit, one pass through the embedding model) and then removes only the
members whose version did not move meanwhile. So repeated ids are handled once, a member
marked again during a flush stays for the next one, and a flush that fails or dies (its
worker killed) leaves its members in the hash: nothing a write asked for is lost.

Like a search cluster's refresh interval, this trades a little latency for batches, but
only under load: an idle worker flushes a single write at once, a busy one gathers every
write that arrived while it was working into its next batch.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import redis
from flask import Flask, current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.queue import DERIVED, INDEX, get_queue
from app.redis_store import get_redis

PENDING_KEY = "yunpin_marks"

MAX_BATCH = 2000
"""Members one flush handles; the rest wait for the next flush, queued at once."""

FLAG_TTL = 600
"""Seconds a "flush queued" flag lives: if its job is lost, marks queue a new one after this."""

# Removes each member whose version is still the one the snapshot saw.
_ACK = """
local removed = 0
for i = 1, #ARGV, 2 do
  if redis.call('HGET', KEYS[1], ARGV[i]) == ARGV[i + 1] then
    redis.call('HDEL', KEYS[1], ARGV[i])
    removed = removed + 1
  end
end
return removed
"""


@dataclass(frozen=True)
class Consumer:
    flush: str
    """Dotted path of the RQ job that handles a batch (it calls :func:`take`)."""
    queue: str
    timeout: int = 300
    at_front: bool = False
    """Queue the flush before the jobs already waiting (fresh writes before bulk work)."""


CONSUMERS = {
    "search": Consumer("app.indexing.tasks.flush", INDEX),
    # The derived queue holds the recommendation lists a flush leaves to their own jobs (the
    # demo's first flush: one per candidate) and the sweeps: a new write's embeddings go first.
    "embeddings": Consumer("app.ranking.tasks.flush", DERIVED, at_front=True),
}


def _keys(app: Flask, consumer: str) -> tuple[str, str]:
    base = f"{app.config['RQ_QUEUE']}:marks:{consumer}"
    return base, base + ":queued"


def mark(session: Session, consumer: str, members: Iterable[str]) -> None:
    """Mark MEMBERS (``"<kind>:<id>"``) for CONSUMER once SESSION's transaction commits."""
    session.info.setdefault(PENDING_KEY, defaultdict(set))[consumer].update(members)


def mark_now(app: Flask, consumer: str, members: Iterable[str]) -> None:
    """Mark MEMBERS and make sure a flush is queued (for writes outside a transaction)."""
    members = list(members)
    if not members:
        return
    key, _ = _keys(app, consumer)
    with get_redis(app).pipeline() as pipe:
        for member in members:
            pipe.hincrby(key, member, 1)
        pipe.execute()
    schedule(app, consumer)


def schedule(app: Flask, consumer: str, *, force: bool = False) -> bool:
    """Queue a flush unless one is already waiting (FORCE: queue one anyway, e.g. after a
    worker died holding the last one). Returns whether a job was queued."""
    _, flag = _keys(app, consumer)
    if not get_redis(app).set(flag, 1, nx=not force, ex=FLAG_TTL):
        return False
    spec = CONSUMERS[consumer]
    get_queue(app, spec.queue).enqueue_call(
        spec.flush, timeout=spec.timeout, at_front=spec.at_front
    )
    return True


def take(consumer: str) -> Batch:
    """The members marked for CONSUMER now (at most MAX_BATCH), for a flush job to handle.

    Use as ``with take("search") as batch: handle(batch.ids("job"))``: leaving the block
    normally acknowledges the batch; an exception leaves every member marked.
    """
    return Batch(current_app._get_current_object(), consumer)


class Batch:
    def __init__(self, app: Flask, consumer: str) -> None:
        self.app = app
        self.consumer = consumer
        self.key, self.flag = _keys(app, consumer)
        self.redis: redis.Redis = get_redis(app)
        # Marks arriving from now on queue the next flush themselves.
        self.redis.delete(self.flag)
        snapshot: dict[str, str] = {}
        for member, version in self.redis.hscan_iter(self.key, count=MAX_BATCH):
            snapshot[_text(member)] = _text(version)
            if len(snapshot) >= MAX_BATCH:
                break
        self.snapshot = snapshot

    def ids(self, kind: str) -> list[int]:
        prefix = kind + ":"
        return sorted(int(m[len(prefix) :]) for m in self.snapshot if m.startswith(prefix))

    def __len__(self) -> int:
        return len(self.snapshot)

    def __enter__(self) -> Batch:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None:
            # The failed flush is retried later (RQ) and will take every mark: until then
            # new marks need not queue flushes that would fail the same way.
            self.redis.set(self.flag, 1, ex=FLAG_TTL)
            return
        if self.snapshot:
            args = [part for pair in self.snapshot.items() for part in pair]
            self.redis.eval(_ACK, 1, self.key, *args)
        if self.redis.hlen(self.key):
            schedule(self.app, self.consumer)


def backlog(app: Flask) -> dict[str, int]:
    """Members waiting per consumer (for benchmarks and health)."""
    r = get_redis(app)
    return {name: r.hlen(_keys(app, name)[0]) for name in CONSUMERS}


def kick(app: Flask) -> None:
    """Queue a flush for every consumer with waiting members, whatever the flags say: after a
    worker died mid-flush, or at start-up."""
    r = get_redis(app)
    for name in CONSUMERS:
        if r.hlen(_keys(app, name)[0]):
            schedule(app, name, force=True)


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def init_app(app: Flask) -> None:
    from app.extensions import db

    with app.app_context():
        session_class = db.session.session_factory.class_

    # The session class is shared by every app in the process: listeners use current_app.
    @event.listens_for(session_class, "after_commit")
    def _apply(session: Session) -> None:
        for consumer, members in session.info.pop(PENDING_KEY, {}).items():
            mark_now(current_app._get_current_object(), consumer, sorted(members))

    @event.listens_for(session_class, "after_soft_rollback")
    def _drop(session: Session, _previous) -> None:
        if not session.in_transaction():
            session.info.pop(PENDING_KEY, None)
