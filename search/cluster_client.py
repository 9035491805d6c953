"""The cluster backend's client: the few requests it makes, the same for the
``elasticsearch`` (8+) and ``opensearch-py`` (2+) libraries, and which of their errors mean
"the index cannot be used now" (:class:`SearchUnavailable`) rather than a bad request:

- the engine cannot be reached (refused, timeout);
- HTTP 429 (overloaded, or a disk past the flood-stage watermark) and 502-504;
- an index that is closed or blocked for writes (``index_closed_exception``,
  ``cluster_block_exception``);
- a bulk request whose failed items all failed in one of these ways.

After the engine could not be reached, every call fails at once for a while (RECHECK_SECONDS)
instead of waiting for its own time-out: with a cluster that hangs rather than refuses, each
search would hold a web thread for the whole time-out (10 s), and a dozen such searches hold
every thread of the web tier, the pages that never search included.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from typing import Any

from search.exceptions import SearchUnavailable

RETRY_LATER_STATUS = frozenset({429, 502, 503, 504})
"""Overloaded or blocked for disk space (429), or no node behind the gateway (502-504)."""
UNUSABLE_INDEX_ERRORS = frozenset({"index_closed_exception", "cluster_block_exception"})
"""The index is there but closed, or blocked for writes (read-only, disk flood stage)."""
RECHECK_SECONDS = 5.0
"""How long calls fail at once after the engine could not be reached; the first call after
it tries the engine again."""


def _unavailable(exc: Exception) -> bool:
    """Whether a client error means "try again later" rather than a bad request."""
    if type(exc).__name__ in ("ConnectionError", "ConnectionTimeout"):
        return True  # transport errors raised inside the bulk helpers, unwrapped
    status = getattr(exc, "status_code", None) or getattr(exc, "status", None)
    if status in RETRY_LATER_STATUS or getattr(exc, "error", None) in UNUSABLE_INDEX_ERRORS:
        return True
    results = _bulk_results(exc)
    return bool(results) and all(
        result.get("status") in RETRY_LATER_STATUS
        or _error_type(result.get("error")) in UNUSABLE_INDEX_ERRORS
        for result in results
    )


def _bulk_results(exc: Exception) -> list[dict]:
    """The failed actions of the bulk helpers' ``BulkIndexError``, each
    ``{"status": 429, "error": {"type": ..., "reason": ...}, ...}``; empty for other errors."""
    failed = getattr(exc, "errors", None)
    if not isinstance(failed, list):
        return []
    # Each failed action is {op_type: result}.
    return [
        result
        for action in failed
        if isinstance(action, dict)
        for result in action.values()
        if isinstance(result, dict)
    ]


def _error_type(error: Any) -> str | None:
    return error.get("type") if isinstance(error, dict) else None


def _describe(exc: Exception) -> str:
    """The error, without the documents a bulk error carries (they may be résumés)."""
    results = _bulk_results(exc)
    if not results:
        return str(exc)
    first = results[0]
    error = first.get("error")
    reason = f"{_error_type(error)}: {error.get('reason')}" if isinstance(error, dict) else error
    return f"{len(results)} bulk action(s) failed, first with {first.get('status')} {reason}"


class ClusterClient:
    """The few client calls we need, identical for both client libraries."""

    def __init__(self, flavor: str, url: str, timeout: float, client: Any = None) -> None:
        self.flavor = flavor
        self.unreachable_until = 0.0
        """time.monotonic() before which calls fail without asking the engine."""
        if flavor == "opensearch":
            import opensearchpy
            from opensearchpy import helpers

            self.client = client or opensearchpy.OpenSearch(
                hosts=[url], timeout=timeout, max_retries=0, retry_on_timeout=False
            )
            self.helpers = helpers
            self.conn_errors = (opensearchpy.exceptions.ConnectionError,)
            self.not_found = opensearchpy.exceptions.NotFoundError
        else:
            import elastic_transport
            import elasticsearch
            from elasticsearch import helpers

            self.client = client or elasticsearch.Elasticsearch(
                url, request_timeout=timeout, max_retries=0, retry_on_timeout=False
            )
            self.helpers = helpers
            self.conn_errors = (
                elasticsearch.ConnectionError,
                elastic_transport.ConnectionError,
                elastic_transport.ConnectionTimeout,
            )
            self.not_found = elasticsearch.NotFoundError

    def call(self, fn: Callable[[], Any]) -> Any:
        if time.monotonic() < self.unreachable_until:
            raise SearchUnavailable(f"{self.flavor} unreachable a moment ago; not asked again yet")
        try:
            return fn()
        except self.conn_errors as exc:
            self.unreachable_until = time.monotonic() + RECHECK_SECONDS
            raise SearchUnavailable(f"{self.flavor} unreachable: {exc}") from exc
        except Exception as exc:
            if _unavailable(exc):
                raise SearchUnavailable(f"{self.flavor} unavailable: {_describe(exc)}") from exc
            raise

    def create_index(self, name: str, settings: dict, mappings: dict) -> None:
        c = self.client
        if self.flavor == "opensearch":
            self.call(
                lambda: c.indices.create(
                    index=name, body={"settings": settings, "mappings": mappings}
                )
            )
        else:
            self.call(lambda: c.indices.create(index=name, settings=settings, mappings=mappings))

    def alias_indices(self, alias: str) -> list[str]:
        try:
            return list(self.call(lambda: self.client.indices.get_alias(name=alias)).keys())
        except self.not_found:
            return []

    def update_aliases(self, actions: list[dict]) -> None:
        c = self.client
        if self.flavor == "opensearch":
            self.call(lambda: c.indices.update_aliases(body={"actions": actions}))
        else:
            self.call(lambda: c.indices.update_aliases(actions=actions))

    def delete_index(self, name: str) -> None:
        with contextlib.suppress(self.not_found):
            self.call(lambda: self.client.indices.delete(index=name))

    def search(self, index: str, body: dict) -> dict:
        return self.call(lambda: self.client.search(index=index, body=body))

    def count(self, index: str, body: dict) -> int:
        return int(self.call(lambda: self.client.count(index=index, body=body))["count"])

    def get_source(self, index: str, doc_id: str) -> dict | None:
        try:
            return self.call(lambda: self.client.get(index=index, id=doc_id))["_source"]
        except self.not_found:
            return None

    def mget_sources(self, index: str, ids: list[str]) -> list[dict]:
        resp = self.call(lambda: self.client.mget(index=index, body={"ids": ids}))
        return [d["_source"] for d in resp["docs"] if d.get("found")]

    def bulk(self, actions: list[dict]) -> None:
        if actions:
            self.call(
                lambda: self.helpers.bulk(
                    self.client, actions, chunk_size=2000, max_retries=0, raise_on_error=True
                )
            )

    def refresh(self, index: str) -> None:
        self.call(lambda: self.client.indices.refresh(index=index))

    def health(self) -> dict:
        return self.call(lambda: self.client.cluster.health())
