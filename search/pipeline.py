"""Document preparation in batches, spread over worker processes for big inputs.

Segmentation (rjieba) is the indexing bottleneck, not the engines, so ``bulk`` analyses
batches in a process pool while the parent writes. Workers start with ``forkserver``
(the parent may already run engine threads, which ``fork`` would copy unsafely).
Set ``YUNPIN_SEARCH_WORKERS=0`` to analyse in-process.
"""

from __future__ import annotations

import atexit
import itertools
import multiprocessing
import os
from collections.abc import Iterable, Iterator
from typing import Any

from search.documents import Record, prepare_many

BATCH = 1000
_pool = None


def workers() -> int:
    env = os.environ.get("YUNPIN_SEARCH_WORKERS")
    if env is not None:
        return max(0, int(env))
    return min(4, os.cpu_count() or 1)


def _get_pool():
    global _pool
    if _pool is None:
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["search.documents"])
        _pool = ctx.Pool(workers())
        atexit.register(shutdown_pool)
    return _pool


def shutdown_pool() -> None:
    global _pool
    if _pool is not None:
        _pool.terminate()
        _pool.join()
        _pool = None


def _chunks(docs: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    it = iter(docs)
    while chunk := list(itertools.islice(it, size)):
        yield chunk


def prepared_batches(kind: str, docs: Iterable[dict[str, Any]], batch: int = BATCH) -> Iterator[list[Record]]:
    """Yield lists of Records in input order. Small inputs (one batch) stay in-process."""
    chunks = _chunks(docs, batch)
    first = next(chunks, None)
    if first is None:
        return
    second = next(chunks, None)
    if second is None or workers() < 2:
        yield prepare_many(kind, first)
        if second is not None:
            yield prepare_many(kind, second)
            for chunk in chunks:
                yield prepare_many(kind, chunk)
        return
    pool = _get_pool()
    args = ((kind, c) for c in itertools.chain([first, second], chunks))
    yield from pool.imap(_prepare_star, args, chunksize=1)


def _prepare_star(args: tuple[str, list[dict[str, Any]]]) -> list[Record]:
    return prepare_many(*args)
