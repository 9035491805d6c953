"""Document preparation in batches, spread over worker processes for big inputs.

Segmentation (rjieba) is the indexing bottleneck, not the engines, so ``bulk`` analyses
batches in a process pool while the parent writes. Workers start with ``forkserver``
(the parent may already run engine threads, which ``fork`` would copy unsafely). If the
pool breaks (a worker cannot start, e.g. ``__main__`` is not importable), the remaining
batches are analysed in-process instead of hanging.
Set ``YUNPIN_SEARCH_WORKERS=0`` to analyse in-process.
"""

from __future__ import annotations

import atexit
import collections
import itertools
import logging
import multiprocessing
import os
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from search.documents import Record, prepare_many

log = logging.getLogger(__name__)
BATCH = 1000
_pool: ProcessPoolExecutor | None = None


def workers() -> int:
    env = os.environ.get("YUNPIN_SEARCH_WORKERS")
    if env is not None:
        return max(0, int(env))
    return min(4, os.cpu_count() or 1)


def _get_pool() -> ProcessPoolExecutor:
    global _pool
    if _pool is None:
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["search.documents"])
        _pool = ProcessPoolExecutor(max_workers=workers(), mp_context=ctx)
        atexit.register(shutdown_pool)
    return _pool


def shutdown_pool() -> None:
    global _pool
    if _pool is not None:
        _pool.shutdown(wait=False, cancel_futures=True)
        _pool = None


def _chunks(docs: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    it = iter(docs)
    while chunk := list(itertools.islice(it, size)):
        yield chunk


def prepared_batches(
    kind: str, docs: Iterable[dict[str, Any]], batch: int = BATCH
) -> Iterator[list[Record]]:
    """Yield lists of Records in input order. Small inputs (one batch) stay in-process."""
    chunks = _chunks(docs, batch)
    first = next(chunks, None)
    if first is None:
        return
    second = next(chunks, None)
    if second is None or workers() < 2:
        yield prepare_many(kind, first)
        for chunk in itertools.chain([second] if second else [], chunks):
            yield prepare_many(kind, chunk)
        return
    pool = _get_pool()
    pending: collections.deque[tuple[list[dict[str, Any]], Future]] = collections.deque()
    source = itertools.chain([first, second], chunks)
    ahead = 2 * workers()
    broken = False
    while True:
        while not broken and len(pending) < ahead and (chunk := next(source, None)) is not None:
            try:
                pending.append((chunk, pool.submit(prepare_many, kind, chunk)))
            except BrokenProcessPool:
                pending.append((chunk, None))
                broken = True
        if not pending:
            if broken and (chunk := next(source, None)) is not None:
                pending.append((chunk, None))
                continue
            return
        chunk, fut = pending.popleft()
        if fut is not None and not broken:
            try:
                yield fut.result()
                continue
            except BrokenProcessPool:
                log.warning("analysis pool broke; continuing in-process")
                broken = True
                shutdown_pool()
        yield prepare_many(kind, chunk)
