"""Full rebuilds with an atomic switch, and index-versus-database checks.

The app calls these with database rows (dicts shaped like ``JobDocument``), typically from
an RQ job; neither function knows about Flask or SQLAlchemy.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from search.base import Progress, SearchBackend
from search.documents import content_hash


@dataclass
class ReindexReport:
    kind: str
    generation: str
    docs: int
    seconds: float


def reindex(
    backend: SearchBackend,
    docs: Iterable[dict[str, Any]],
    *,
    kind: str = "jobs",
    progress: Progress | None = None,
) -> ReindexReport:
    """Build a NEW index from ``docs`` and make it live only when complete.

    Cluster backends create ``<prefix>-<kind>-v<N>-<timestamp>`` and swap the alias
    ``<prefix>-<kind>`` in one request; local backends build a new generation directory
    and replace the ``CURRENT`` pointer atomically. Searches keep hitting the old index
    meanwhile. On any error the new index is dropped and the old one stays live.
    Writes made to the live index during the rebuild are not carried over: replay them
    (the app's queue) after the switch.
    """
    started = time.monotonic()
    name = backend.new_generation(kind)
    try:
        count = backend.bulk(docs, kind=kind, progress=progress, target=name)
        backend.switch_generation(kind, name)
    except BaseException:
        backend.drop_generation(kind, name)
        raise
    return ReindexReport(kind, name, count, time.monotonic() - started)


@dataclass
class CheckReport:
    """Ids to act on: ``missing`` (in database, not indexed), ``stale`` (indexed with
    another content hash), ``extra`` (indexed, gone from the database)."""

    missing: list[int] = field(default_factory=list)
    stale: list[int] = field(default_factory=list)
    extra: list[int] = field(default_factory=list)
    repaired: bool = False

    @property
    def ok(self) -> bool:
        return not (self.missing or self.stale or self.extra)


def check(
    backend: SearchBackend,
    rows: Iterable[tuple[int, str | dict[str, Any]]],
    *,
    kind: str = "jobs",
    repair: bool = False,
    load: Callable[[list[int]], Iterable[dict[str, Any]]] | None = None,
) -> CheckReport:
    """Compare ``rows`` — (id, content hash or full document) from the database — with
    the index.

    Hashes are :func:`search.content_hash` of the document dict. With ``repair=True``
    missing and stale documents are (re)indexed — from the row itself when it is a dict,
    else from ``load(ids)`` — and extra ones deleted.
    """
    expected: dict[int, str] = {}
    docs: dict[int, dict[str, Any]] = {}
    for doc_id, value in rows:
        doc_id = int(doc_id)
        if isinstance(value, dict):
            docs[doc_id] = value
            expected[doc_id] = content_hash(value)
        else:
            expected[doc_id] = str(value)
    report = CheckReport()
    seen: set[int] = set()
    for doc_id, h in backend.iter_hashes(kind):
        seen.add(doc_id)
        if doc_id not in expected:
            report.extra.append(doc_id)
        elif expected[doc_id] != h:
            report.stale.append(doc_id)
    report.missing = sorted(set(expected) - seen)
    report.stale.sort()
    report.extra.sort()
    if repair and not report.ok:
        todo = report.missing + report.stale
        to_load = [i for i in todo if i not in docs]
        if to_load:
            if load is None:
                raise ValueError(
                    "repair needs documents: pass rows with dicts or a load() callback"
                )
            for d in load(to_load):
                docs[int(d["id"])] = d
        if todo:
            backend.bulk((docs[i] for i in todo if i in docs), kind=kind)
        for doc_id in report.extra:
            backend.delete(doc_id, kind=kind)
        report.repaired = True
    return report
