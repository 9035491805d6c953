"""Stage 1 for large regions: `matching.Retriever` (ANN + postings) instead of the SQL prefilter.

The SQL prefilter (`service.job_pool`, `service.people_pool`) takes the newest few hundred
items near the other side. Where a region has more published jobs than
`MATCHING_RETRIEVER_ABOVE` (default 100,000), "newest few hundred" is a thin slice of what
would match, so stage 1 asks a Retriever over every public item for the best few hundred by
the scorer itself; stage 2 then scores them exactly as before.

Each process keeps one retriever per side and *syncs* it, at most every
`MATCHING_RETRIEVER_SYNC_SECONDS`: the items whose row or stored vectors changed since the
newest change it has applied are added again (an edit, a publication, vectors the worker has
just embedded) or removed (closed, unpublished); a count that still differs (a row deleted
outright, an employer whose approval changed) is settled by comparing the ids, every 30th
sync (counting is a scan). Building
from nothing takes minutes at that size, so only a worker builds (`tasks.build_retrievers`,
nightly, also compacting the rows updates leave behind) and saves the build to
`MATCHING_RETRIEVER_DIR`; a process starts from the newest saved build, syncs from there and
moves to the next build when one is saved. Until a process has a build to start from (a
deployment that has just crossed the threshold, a build that cannot be read), stage 1 stays
with the SQL prefilter and one build is queued for the worker.
"""

from __future__ import annotations

import logging
import os
import shutil
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np
from flask import current_app
from sqlalchemy import and_, case, func, select

from app.extensions import db
from app.models import EmbeddedKind, Embedding, Job, Resume
from app.queue import DERIVED, get_queue
from app.redis_store import first_within
from matching.retrieval import Retriever

POOL = 500
"""Items stage 1 hands to stage 2 (the SQL prefilter's 300 near + 200 by skill)."""
LOOKBACK = timedelta(minutes=2)
"""Changes this much older than the newest one applied are read again at each sync: a
transaction that commits late carries an older timestamp than rows already synced."""
CHUNK = 10_000
"""Rows read or profiled at a time: bounded memory and statement size for a first build."""
SETTLE_SYNCS = 30
"""Syncs between two counts of the side's rows (every 5 minutes at the default 10 s): what
only a count finds (a deleted row) is filtered out by stage 2 meanwhile anyway."""
KEPT_BUILDS = 2
"""Saved builds kept per side: a process may still be loading the previous one."""
BUILD_TIMEOUT = timedelta(hours=2)
"""What one build of both sides may take (~2 minutes each at 100k jobs on the benchmark
machine), as for the nightly run (app/schedule.py); a build asked for is not asked for again
meanwhile."""
_EPOCH = datetime(1970, 1, 1)
log = logging.getLogger(__name__)


@dataclass
class _Synced:
    retriever: Retriever
    stamps: dict[int, int] = field(default_factory=dict)
    """Id -> the newest change (µs since the epoch, row or vectors) applied for it."""
    newest: int | None = None
    """The newest change applied to any item (None: none yet, the next sync reads all rows)."""
    build: str | None = None
    """The saved build it started from."""
    checked: float = float("-inf")
    settled: float = float("-inf")


_kept: dict[tuple[str, str, str], _Synced] = {}
"""(instance, database, kind) -> the process's retriever of that side."""
_unreadable: set[tuple[str, str, str, str]] = set()
"""(instance, database, kind, build) that could not be loaded: not tried again (a build is
written whole before the pointer names it, so it will not become readable)."""
_lock = threading.Lock()
"""A sync changes the retriever in place: a thread must not search it meanwhile."""


def threshold() -> int:
    return current_app.config["MATCHING_RETRIEVER_ABOVE"]


def published_jobs(region_prefix: str | None) -> int:
    q = select(func.count(Job.id)).where(Job.is_public)
    if region_prefix:
        q = q.where(Job.region_code.startswith(region_prefix))
    return db.session.scalar(q) or 0


def large_region(region_code: str | None) -> bool:
    """More published jobs in the province of REGION_CODE (everywhere: None) than the threshold."""
    return published_jobs(region_code[:2] if region_code else None) > threshold()


def _new(kind: str) -> Retriever:
    # stage 2 scores the ids again from the stored vectors: float16 copies are close enough
    return Retriever(kind, vectors="float16")


def _side(kind: str):
    """(model, which of its rows the retriever holds, the kind of their stored vectors)."""
    if kind == "job":
        return Job, Job.is_public, EmbeddedKind.JOB
    return Resume, Resume.is_default.is_(True), EmbeddedKind.RESUME


def _micros(moment: datetime | None) -> int:
    return 0 if moment is None else (moment - _EPOCH) // timedelta(microseconds=1)


def _sync(synced: _Synced, kind: str, settle: bool = True) -> None:
    """Apply every change since the newest one SYNCED has seen; with SETTLE, also count the
    rows (a scan of the side's rows: 0.2 s for 100k jobs on SQLite) and compare ids when the
    count differs."""
    model, held, embedded = _side(kind)
    if synced.newest is not None:
        since = _EPOCH + timedelta(microseconds=synced.newest) - LOOKBACK
        ids = set(db.session.scalars(select(model.id).where(model.updated_at >= since)))
        ids.update(
            db.session.scalars(
                select(Embedding.object_id).where(
                    Embedding.kind == embedded, Embedding.updated_at >= since
                )
            )
        )
        ordered = sorted(ids)
        chunks = [ordered[s : s + CHUNK] for s in range(0, len(ordered), CHUNK)]
    else:
        chunks = [None]  # the first sync reads every row
    changed, gone = {}, []
    for chunk in chunks:
        for item_id, row_at, vectors_at, live in db.session.execute(_states(kind, chunk)):
            stamp = max(_micros(row_at), _micros(vectors_at))
            if live and synced.stamps.get(item_id) != stamp:
                changed[item_id] = stamp
            elif not live and item_id in synced.stamps:
                gone.append(item_id)
    _remove(synced, gone)
    if settle:
        count = db.session.scalar(select(func.count(model.id)).where(held)) or 0
        if count != len(synced.stamps) + len(changed.keys() - synced.stamps.keys()):
            _settle(synced, model, held, changed)
    _add(synced, kind, changed)


def _states(kind: str, ids: list[int] | None):
    """(id, row's updated_at, its vectors' updated_at, held) of the rows with IDS (None: all)."""
    model, held, embedded = _side(kind)
    q = select(
        model.id, model.updated_at, Embedding.updated_at, case((held, True), else_=False)
    ).outerjoin(Embedding, and_(Embedding.kind == embedded, Embedding.object_id == model.id))
    return q if ids is None else q.where(model.id.in_(ids))


def _settle(synced: _Synced, model, held, changed: dict[int, int]) -> None:
    """Compare ids: rows deleted outright, and rows that joined or left the side without a
    change of their own (their employer's approval), leave no timestamp to find them by."""
    ids = dict(db.session.execute(select(model.id, model.updated_at).where(held)).all())
    _remove(synced, [i for i in synced.stamps if i not in ids])
    for item_id, row_at in ids.items():
        if item_id not in synced.stamps:
            changed.setdefault(item_id, _micros(row_at))


def _remove(synced: _Synced, ids: list[int]) -> None:
    synced.retriever.remove(ids)
    for item_id in ids:
        synced.stamps.pop(item_id, None)


def _add(synced: _Synced, kind: str, changed: dict[int, int]) -> None:
    from .service import candidate_profiles, context, job_profiles

    if not changed:
        return
    model, _held, _embedded = _side(kind)
    ids = sorted(changed)
    ctx = context()
    for start in range(0, len(ids), CHUNK):
        rows = list(
            db.session.scalars(select(model).where(model.id.in_(ids[start : start + CHUNK])))
        )
        if kind == "job":
            profiles, against = job_profiles(rows), ctx.candidate_collection
        else:
            profiles, against = candidate_profiles(rows, [r.id for r in rows]), ctx.job_collection
        synced.retriever.add(profiles, use_embeddings=ctx.use_embeddings, against=against)
    synced.stamps.update(changed)
    synced.newest = max(synced.newest or 0, *changed.values())


# ------------------------------------------------------------ saved builds


def _folder() -> str:
    return current_app.config["MATCHING_RETRIEVER_DIR"]


def _pointer(kind: str) -> str:
    return os.path.join(_folder(), f"{kind}.current")


def _newest_build(kind: str) -> str | None:
    try:
        with open(_pointer(kind), encoding="utf-8") as fh:
            return fh.read().strip() or None
    except FileNotFoundError:
        return None


def save_build(kind: str) -> str:
    """Build KIND's retriever from nothing, save it beside the previous build and point the
    processes at it; returns the build's name."""
    synced = _Synced(_new(kind))
    _sync(synced, kind)  # not under the lock: the processes' own retrievers are not touched
    name = f"{kind}-{time.time_ns()}"  # sorts by age
    where = os.path.join(_folder(), name)
    synced.retriever.save(where)
    ids = np.fromiter(synced.stamps, np.int64, len(synced.stamps))
    stamps = np.array([synced.stamps[i] for i in ids.tolist()], np.int64)
    np.savez(os.path.join(where, "stamps.npz"), ids=ids, stamps=stamps)
    tmp = _pointer(kind) + f".{os.getpid()}"
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(name)
    os.replace(tmp, _pointer(kind))
    builds = sorted(d for d in os.listdir(_folder()) if d.startswith(f"{kind}-"))
    for old in builds[:-KEPT_BUILDS]:
        shutil.rmtree(os.path.join(_folder(), old), ignore_errors=True)
    return name


def _load(kind: str, name: str) -> _Synced:
    where = os.path.join(_folder(), name)
    saved = np.load(os.path.join(where, "stamps.npz"))
    stamps = dict(zip(saved["ids"].tolist(), saved["stamps"].tolist(), strict=True))
    return _Synced(Retriever.load(where), stamps, max(stamps.values(), default=None), name)


def _loaded(key: tuple[str, str, str], build: str) -> _Synced | None:
    if (*key, build) in _unreadable:
        return None
    try:
        return _load(key[2], build)
    except (OSError, ValueError, KeyError):  # removed, or damaged after it was written
        log.warning("retriever build %s could not be loaded", build, exc_info=True)
        _unreadable.add((*key, build))
        return None


def request_build() -> None:
    """Queue one build of both sides for a worker, unless one was asked for within
    BUILD_TIMEOUT (by any process)."""
    app = current_app._get_current_object()
    if first_within(app, f"yunpin:matching:retriever-build:{app.instance_path}", BUILD_TIMEOUT):
        get_queue(app, kind=DERIVED).enqueue_call(
            "app.ranking.tasks.build_retrievers", timeout=int(BUILD_TIMEOUT.total_seconds())
        )


def _retriever(kind: str) -> Retriever | None:
    """The process's retriever of KIND, synced; None while no build is there to start from."""
    key = (current_app.instance_path, str(db.engine.url), kind)
    synced = _kept.get(key)
    now = time.monotonic()
    if synced and now - synced.checked < current_app.config["MATCHING_RETRIEVER_SYNC_SECONDS"]:
        return synced.retriever
    build = _newest_build(kind)
    if build and (synced is None or build != synced.build):
        synced = _loaded(key, build) or synced
    if synced is None:
        request_build()
        return None
    _kept[key] = synced
    every = current_app.config["MATCHING_RETRIEVER_SYNC_SECONDS"] * SETTLE_SYNCS
    settle = now - synced.settled >= every
    _sync(synced, kind, settle)
    synced.checked = now
    if settle:
        synced.settled = now
    return synced.retriever


def _best(kind: str, profile, ctx) -> list[int] | None:
    with _lock:
        retriever = _retriever(kind)
        return None if retriever is None else [i for i, _ in retriever.search(profile, POOL, ctx)]


def best_job_ids(resume: Resume) -> list[int] | None:
    """Ids of the POOL public jobs that score best for RESUME, best first; None while the
    process has no retriever yet (the caller keeps the SQL prefilter)."""
    from .service import candidate_profiles, context

    return _best("job", candidate_profiles([resume], [resume.user_id])[0], context())


def best_resume_ids(job: Job) -> list[int] | None:
    """Ids of the POOL default résumés that score best for JOB, best first; None as above."""
    from .service import context, job_profiles

    return _best("candidate", job_profiles([job])[0], context())
