"""Search for Yunpin: job and résumé indexes behind one interface, no Flask inside.

Entry points for the app::

    from search import create_backend, SearchQuery, SearchUnavailable, reindex, check
    backend = create_backend("embedded", "/var/lib/yunpin/search")
    backend.index(job_dict)                      # kind="jobs" by default
    result = backend.search(SearchQuery(text="java 开发", region="440300000000"))

See docs/search.md for the design.
"""

from __future__ import annotations

from typing import Any

from search.base import SearchBackend
from search.documents import JobDocument, ResumeDocument, content_hash
from search.exceptions import (
    DocumentInvalid,
    IndexOutdated,
    InvalidQuery,
    SearchError,
    SearchUnavailable,
    UnknownBackend,
)
from search.query import FacetBucket, Hit, SearchQuery, SearchResult, Suggestion
from search.reindex import CheckReport, ReindexReport, check, reindex
from search.spelling import Correction

BACKENDS = ("embedded", "sqlite", "elasticsearch", "opensearch")


def create_backend(name: str, url_or_path: str | None = None, **options: Any) -> SearchBackend:
    """Build a backend by name.

    - ``embedded`` (default choice): tantivy; ``url_or_path`` is the index directory.
    - ``sqlite``: SQLite FTS5 baseline; ``url_or_path`` is the index directory.
    - ``elasticsearch`` (8+) / ``opensearch`` (2+): ``url_or_path`` is the node URL
      (default ``http://127.0.0.1:9200``); options: ``index_prefix``, ``timeout``,
      ``replicas``, or ``client`` (a ready client object).

    Nothing connects here; the first call does (and may raise SearchUnavailable).
    Raises :class:`UnknownBackend` for other names.
    """
    if name == "embedded":
        from search.embedded import EmbeddedBackend

        return EmbeddedBackend(_path(name, url_or_path), **options)
    if name == "sqlite":
        from search.sqlite import SqliteBackend

        return SqliteBackend(_path(name, url_or_path), **options)
    if name in ("elasticsearch", "opensearch"):
        from search.cluster import ClusterBackend

        return ClusterBackend(name, url_or_path or "http://127.0.0.1:9200", **options)
    raise UnknownBackend(f"unknown search backend {name!r}; choose one of {BACKENDS}")


def _path(name: str, path: str | None) -> str:
    if not path:
        raise UnknownBackend(f"backend {name!r} needs a directory path")
    return path


__all__ = [
    "BACKENDS",
    "CheckReport",
    "Correction",
    "DocumentInvalid",
    "FacetBucket",
    "Hit",
    "IndexOutdated",
    "InvalidQuery",
    "JobDocument",
    "ReindexReport",
    "ResumeDocument",
    "SearchBackend",
    "SearchError",
    "SearchQuery",
    "SearchResult",
    "SearchUnavailable",
    "Suggestion",
    "UnknownBackend",
    "check",
    "content_hash",
    "create_backend",
    "reindex",
]
