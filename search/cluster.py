"""Cluster backend: Elasticsearch 8+ (``elasticsearch`` client) or OpenSearch 2+
(``opensearch-py``), both fed by :mod:`search.dsl`.

Per kind there are two indices per generation, ``<prefix>-<kind>-v<N>-<ts>`` and
``...-suggest``, behind the aliases ``<prefix>-<kind>`` and ``<prefix>-<kind>-suggest``;
a reindex swaps both aliases in one ``_aliases`` request. Requests go through
:class:`search.cluster_client.ClusterClient`, which also decides which errors are
:class:`SearchUnavailable`.
"""

from __future__ import annotations

import contextlib
import hashlib
import time
from collections import Counter
from collections.abc import Iterator
from typing import Any

from search import analysis, dsl
from search.base import SearchBackend
from search.cluster_client import ClusterClient
from search.defaults import (
    INDEX_PREFIX,
    KINDS,
    SCHEMA_VERSION,
    SPELLING_KINDS,
    SPELLING_VOCABULARY,
    SUGGEST_LIMIT,
)
from search.documents import Record, spec_for
from search.exceptions import IndexOutdated
from search.query import Plan, SearchResult, Suggestion, facet_plans, page_result
from search.suggest import delta_for, entries_of


def _sid(kind: str, text: str) -> str:
    return hashlib.blake2b(f"{kind}\x00{text}".encode(), digest_size=12).hexdigest()


def _buckets(resp: dict) -> dict[str, dict[str, int]]:
    return {
        name: {str(b["key"]): b["doc_count"] for b in agg["buckets"]}
        for name, agg in resp.get("aggregations", {}).items()
    }


class ClusterBackend(SearchBackend):
    """``create_backend("opensearch", "http://127.0.0.1:9200", index_prefix="yunpin")``."""

    def __init__(
        self,
        flavor: str,
        url: str,
        *,
        index_prefix: str = INDEX_PREFIX,
        timeout: float = 10.0,
        replicas: int = 0,
        client: Any = None,
    ) -> None:
        self.name = flavor
        self.url = url
        self.prefix = index_prefix
        self.replicas = replicas
        self.api = ClusterClient(flavor, url, timeout, client)
        self._ready: set[str] = set()
        self._pending: dict[str, Counter] = {}

    # -- names -------------------------------------------------------------------------

    def alias(self, kind: str) -> str:
        spec_for(kind)
        return f"{self.prefix}-{kind}"

    def suggest_alias(self, kind: str) -> str:
        return f"{self.alias(kind)}-{dsl.SUGGEST_SUFFIX}"

    def _target(self, kind: str, target: str | None) -> tuple[str, str]:
        if target is None:
            self._ensure(kind)
            return self.alias(kind), self.suggest_alias(kind)
        return target, f"{target}-{dsl.SUGGEST_SUFFIX}"

    def _ensure(self, kind: str) -> None:
        if kind in self._ready:
            return
        live = self.api.alias_indices(self.alias(kind))
        if not live:
            self.switch_generation(kind, self.new_generation(kind))
        elif not all(f"-v{SCHEMA_VERSION}-" in name for name in live):
            raise IndexOutdated(
                f"{self.alias(kind)} points to {live}, built at another schema version than "
                f"{SCHEMA_VERSION}: rebuild it (yunpin search reindex)"
            )
        self._ready.add(kind)

    def ensure(self, kind: str | None = None) -> None:
        for k in [kind] if kind else KINDS:
            self._ensure(k)

    # -- writing -----------------------------------------------------------------------

    def write_records(
        self, kind: str, records: list[Record], *, target: str | None = None, commit: bool = True
    ) -> None:
        index, sindex = self._target(kind, target)
        old = []
        if target is None and records:
            for src in self.api.mget_sources(index, [str(r.id) for r in records]):
                old.append(entries_of(kind, src["src"]))
        actions: list[dict] = [
            {"_op_type": "index", "_index": index, "_id": str(r.id), "_source": dsl.document(r)}
            for r in records
        ]
        delta = delta_for([r.suggestions for r in records], old)
        if target is not None:
            # a new generation is written by one reindex: count suggestions here and
            # write them once at commit instead of one scripted update per batch
            self._pending.setdefault(target, Counter()).update(delta)
        else:
            actions += self._suggest_actions(sindex, delta)
        self.api.bulk(actions)
        if commit:
            self.api.refresh(index)
            self.api.refresh(sindex)

    def _suggest_actions(self, sindex: str, delta) -> list[dict]:
        out = []
        for (skind, text), n in sorted(delta.items()):
            if not n:
                continue
            out.append(
                {
                    "_op_type": "update",
                    "_index": sindex,
                    "_id": _sid(skind, text),
                    "script": {**dsl.SUGGEST_SCRIPT, "params": {"n": n}},
                    "upsert": {
                        "kind": skind,
                        "text": text,
                        "weight": n,
                        "keys": sorted(analysis.suggest_keys(text)),
                    },
                }
            )
        return out

    def commit(self, kind: str, *, target: str | None = None) -> None:
        index, sindex = self._target(kind, target)
        pending = self._pending.pop(target, None) if target is not None else None
        if pending:
            self.api.bulk(
                [
                    {
                        "_op_type": "index",
                        "_index": sindex,
                        "_id": _sid(skind, text),
                        "_source": {
                            "kind": skind,
                            "text": text,
                            "weight": n,
                            "keys": sorted(analysis.suggest_keys(text)),
                        },
                    }
                    for (skind, text), n in sorted(pending.items())
                    if n > 0
                ]
            )
        self.api.refresh(index)
        self.api.refresh(sindex)

    def delete(self, doc_id: int, *, kind: str = "jobs") -> bool:
        index, sindex = self._target(kind, None)
        src = self.api.get_source(index, str(int(doc_id)))
        if src is None:
            return False
        actions = [{"_op_type": "delete", "_index": index, "_id": str(int(doc_id))}]
        actions += self._suggest_actions(sindex, delta_for([], [entries_of(kind, src["src"])]))
        self.api.bulk(actions)
        self.api.refresh(index)
        self.api.refresh(sindex)
        return True

    # -- reading -----------------------------------------------------------------------

    def get(self, doc_id: int, *, kind: str = "jobs") -> dict[str, Any] | None:
        index, _ = self._target(kind, None)
        src = self.api.get_source(index, str(int(doc_id)))
        return src["src"] if src else None

    def execute(self, plan: Plan) -> SearchResult:
        index, _ = self._target(plan.kind, None)
        resp = self.api.search(index, dsl.search_body(plan))
        rows = [
            (
                int(h["_id"]),
                None if plan.sort_field else h.get("_score"),
                h["_source"]["src"],
                h["sort"][0] if plan.sort_field else h["sort"],
            )
            for h in resp["hits"]["hits"]
        ]
        facet_counts = _buckets(resp)
        for counting in facet_plans(plan):
            if counting.filters != plan.filters:  # a selected facet, counted without it
                facet_counts.update(_buckets(self.api.search(index, dsl.facets_body(counting))))
        return page_result(plan, rows, resp["hits"]["total"]["value"], facet_counts)

    def execute_count(self, plan: Plan) -> int:
        index, _ = self._target(plan.kind, None)
        return self.api.count(index, dsl.count_body(plan))

    def suggest(
        self, prefix: str, *, kind: str = "jobs", limit: int = SUGGEST_LIMIT
    ) -> list[Suggestion]:
        key = analysis.prefix_key(prefix)
        if not key:
            return []
        _, sindex = self._target(kind, None)
        resp = self.api.search(sindex, dsl.suggest_body(key, limit))
        return [
            Suggestion(
                text=h["_source"]["text"],
                kind=h["_source"]["kind"],
                weight=int(h["_source"]["weight"]),
            )
            for h in resp["hits"]["hits"]
        ]

    def vocabulary(
        self, *, kind: str = "jobs", limit: int = SPELLING_VOCABULARY
    ) -> list[tuple[str, int]]:
        _, sindex = self._target(kind, None)
        out: list[tuple[str, int]] = []
        after = None
        while len(out) < limit:
            body = dsl.vocabulary_body(SPELLING_KINDS, min(5000, limit - len(out)), after)
            hits = self.api.search(sindex, body)["hits"]["hits"]
            out += [(h["_source"]["text"], int(h["_source"]["weight"])) for h in hits]
            if len(hits) < body["size"]:
                break
            after = hits[-1]["sort"]
        return out

    def iter_hashes(self, kind: str = "jobs") -> Iterator[tuple[int, str]]:
        index, _ = self._target(kind, None)
        after = None
        while True:
            body: dict[str, Any] = {
                "query": {"match_all": {}},
                "size": 5000,
                "sort": [{"id": "asc"}],
                "_source": ["content_hash"],
            }
            if after is not None:
                body["search_after"] = [after]
            hits = self.api.search(index, body)["hits"]["hits"]
            if not hits:
                return
            for h in hits:
                yield int(h["_id"]), h["_source"]["content_hash"]
            after = hits[-1]["sort"][0]

    # -- generations -------------------------------------------------------------------

    def new_generation(self, kind: str) -> str:
        name = f"{self.alias(kind)}-v{SCHEMA_VERSION}-{time.strftime('%Y%m%d%H%M%S')}{int(time.time() * 1000) % 1000:03d}"
        self.api.create_index(name, dsl.index_settings(self.replicas), dsl.mappings(kind))
        self.api.create_index(
            f"{name}-{dsl.SUGGEST_SUFFIX}",
            dsl.index_settings(self.replicas),
            dsl.suggest_mappings(),
        )
        return name

    def switch_generation(self, kind: str, name: str) -> None:
        alias, salias = self.alias(kind), self.suggest_alias(kind)
        sname = f"{name}-{dsl.SUGGEST_SUFFIX}"
        self.api.refresh(name)
        self.api.refresh(sname)
        old = self.api.alias_indices(alias)
        sold = self.api.alias_indices(salias)
        actions = [{"remove": {"index": i, "alias": alias}} for i in old]
        actions += [{"remove": {"index": i, "alias": salias}} for i in sold]
        actions += [
            {"add": {"index": name, "alias": alias}},
            {"add": {"index": sname, "alias": salias}},
        ]
        self.api.update_aliases(actions)
        for i in old + sold:
            if i not in (name, sname):
                self.api.delete_index(i)
        self._ready.add(kind)

    def drop_generation(self, kind: str, name: str) -> None:
        self._pending.pop(name, None)
        self.api.delete_index(name)
        self.api.delete_index(f"{name}-{dsl.SUGGEST_SUFFIX}")

    def health(self) -> dict[str, Any]:
        out: dict[str, Any] = {"backend": self.name, "url": self.url, "docs": {}}
        try:
            out["status"] = self.api.health()["status"]
            for kind in KINDS:
                if self.api.alias_indices(self.alias(kind)):
                    out["docs"][kind] = self.api.count(
                        self.alias(kind), {"query": {"match_all": {}}}
                    )
        except Exception as exc:  # health never raises
            out.update(status="unavailable", error=str(exc))
        return out

    def close(self) -> None:
        with contextlib.suppress(Exception):  # closing a dead connection is not worth raising
            self.api.client.close()
