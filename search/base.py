"""The one interface every search backend implements.

Backends: ``embedded`` (tantivy, default, no server), ``sqlite`` (FTS5 baseline),
``elasticsearch`` and ``opensearch`` (cluster, one DSL module). Each keeps one index per
document kind (``jobs``, ``resumes``); every method takes ``kind`` (default ``"jobs"``).

Errors, for every method: :class:`search.exceptions.SearchUnavailable` when the engine
cannot be reached or the index cannot be used (the app then falls back to the database),
:class:`search.exceptions.DocumentInvalid` for a malformed document,
:class:`search.exceptions.InvalidQuery` for an impossible query (bad cursor...).

Writes are visible to searches when the call returns (each call commits/refreshes);
use :meth:`bulk` for batches: one commit per call.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Hashable, Iterable, Iterator
from dataclasses import replace
from typing import Any

from search.defaults import MLT_MAX_TERMS, SPELLING_VOCABULARY, SUGGEST_LIMIT
from search.documents import Record, prepare, spec_for
from search.query import (
    FacetBucket,
    Plan,
    SearchQuery,
    SearchResult,
    Suggestion,
    compile_query,
    like_clauses,
)
from search.spelling import Correction, Spellers

Progress = Callable[[int], None]
"""Called with the number of documents written so far."""


class SearchBackend(ABC):
    """Contract shared by all backends (see module docstring for errors)."""

    name: str = "abstract"

    # -- writing ---------------------------------------------------------------------

    def index(self, doc: dict[str, Any], *, kind: str = "jobs") -> None:
        """Add or replace one document (a ``JobDocument``/``ResumeDocument`` dict)."""
        self.write_records(kind, [prepare(kind, doc)], target=None)

    def bulk(
        self,
        docs: Iterable[dict[str, Any]],
        *,
        kind: str = "jobs",
        progress: Progress | None = None,
        target: str | None = None,
    ) -> int:
        """Add or replace many documents; returns how many were written.

        ``target`` writes into a generation made by :meth:`new_generation` instead of
        the live index (used by :func:`search.reindex.reindex`)."""
        from search.pipeline import prepared_batches

        written = 0
        for records in prepared_batches(kind, docs):
            records = list({r.id: r for r in records}.values())  # last copy of an id wins
            self.write_records(kind, records, target=target, commit=False)
            written += len(records)
            if progress:
                progress(written)
        self.commit(kind, target=target)
        return written

    @abstractmethod
    def write_records(
        self, kind: str, records: list[Record], *, target: str | None = None, commit: bool = True
    ) -> None:
        """Write prepared records (upsert by id)."""

    @abstractmethod
    def commit(self, kind: str, *, target: str | None = None) -> None:
        """Make pending writes durable and visible."""

    @abstractmethod
    def delete(self, doc_id: int, *, kind: str = "jobs") -> bool:
        """Remove a document; returns False if it was not indexed."""

    def delete_many(self, doc_ids: Iterable[int], *, kind: str = "jobs") -> int:
        """Remove several documents; returns how many were indexed. Backends whose every
        write commits override it to commit once."""
        return sum(self.delete(doc_id, kind=kind) for doc_id in doc_ids)

    # -- reading ---------------------------------------------------------------------

    def search(self, query: SearchQuery, *, kind: str = "jobs") -> SearchResult:
        """Run ``query``: hits (with source and highlights), total, facets, next cursor."""
        return self.execute(self.plan(query, kind))

    def count(self, query: SearchQuery, *, kind: str = "jobs") -> int:
        """Number of documents matching ``query`` (text and filters)."""
        return self.execute_count(self.plan(query, kind))

    def facets(self, query: SearchQuery, *, kind: str = "jobs") -> dict[str, list[FacetBucket]]:
        """Facet counts only (``query.facets`` or the kind's defaults)."""
        if not query.facets:
            query = SearchQuery(**{**query.__dict__, "facets": True})
        plan = self.plan(query, kind)
        plan.size = 1
        plan.highlight = False
        return self.execute(plan).facets

    def plan(self, query: SearchQuery, kind: str) -> Plan:
        clauses = None
        if query.like_id is not None:
            source = self.get(query.like_id, kind=kind)
            clauses = like_clauses(kind, source or {}, MLT_MAX_TERMS)
        return compile_query(kind, query, clauses)

    @abstractmethod
    def execute(self, plan: Plan) -> SearchResult:
        """Run a compiled plan."""

    @abstractmethod
    def execute_count(self, plan: Plan) -> int:
        """Count a compiled plan's matches."""

    @abstractmethod
    def get(self, doc_id: int, *, kind: str = "jobs") -> dict[str, Any] | None:
        """The stored source of one document, or None."""

    @abstractmethod
    def suggest(
        self, prefix: str, *, kind: str = "jobs", limit: int = SUGGEST_LIMIT
    ) -> list[Suggestion]:
        """Autocomplete: titles, skills and employer names starting with ``prefix``
        (characters, full pinyin or pinyin initials; traditional folds to simplified),
        most frequent first, ties alphabetical."""

    @abstractmethod
    def vocabulary(
        self, *, kind: str = "jobs", limit: int = SPELLING_VOCABULARY
    ) -> list[tuple[str, int]]:
        """(text, weight) of the autocomplete entries that are titles or skills, the
        heaviest LIMIT first: the words a query is spelt against (search/spelling.py)."""

    def did_you_mean(self, query: SearchQuery, *, kind: str = "jobs") -> Correction | None:
        """``query`` with its unknown CJK words corrected (工城师 → 工程师) into the text
        finding the most documents under the same filters; None when no word is unknown or
        no correction finds anything. One count per candidate (SPELLING_CANDIDATES)."""
        if not query.text:
            return None
        spellers = self.__dict__.setdefault("_spellers", Spellers())
        speller = spellers.get(kind, lambda: self.vocabulary(kind=kind))
        best = None
        for text in speller.corrections(query.text):
            changed = replace(query, text=text, cursor=None, facets=False)
            total = self.count(changed, kind=kind)
            if total and (best is None or total > best.total):
                best = Correction(text, total)
        return best

    @abstractmethod
    def iter_hashes(self, kind: str = "jobs") -> Iterator[tuple[int, str]]:
        """Every (id, content_hash) in the live index (order unspecified)."""

    # -- generations (reindex) ---------------------------------------------------------

    @abstractmethod
    def new_generation(self, kind: str) -> str:
        """Create an empty index beside the live one; returns its name."""

    @abstractmethod
    def switch_generation(self, kind: str, name: str) -> None:
        """Atomically make generation ``name`` live and drop the previous ones."""

    @abstractmethod
    def drop_generation(self, kind: str, name: str) -> None:
        """Delete an unfinished generation."""

    # -- operations ------------------------------------------------------------------

    @abstractmethod
    def health(self) -> dict[str, Any]:
        """Never raises. ``{"status": "green"|"yellow"|"red"|"unavailable", "backend": name,
        "docs": {kind: count}, ...}``."""

    def version(self, kind: str = "jobs") -> Hashable | None:
        """A value that changes whenever what searches of ``kind`` find may have changed,
        cheap enough to ask on every page (a page kept while it holds is not stale); None
        when this backend cannot tell."""
        return None

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release files, writers and connections."""

    def ensure(self, kind: str | None = None) -> None:  # noqa: B027 - optional hook
        """Create the live index for ``kind`` (or all kinds) if missing."""

    def __enter__(self) -> SearchBackend:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


__all__ = ["SearchBackend", "Progress", "spec_for"]
