"""Elasticsearch query DSL for the cluster backends (Elasticsearch 8+ and OpenSearch 2+).

The one place where plans become request bodies and where index settings/mappings are
versioned. Text is pre-analysed in Python, so text fields use the ``whitespace`` analyzer
(tokens are already lower-case) and the engine never segments Chinese itself.
"""

from __future__ import annotations

from typing import Any

from search.defaults import FUZZY_FACTOR, SCHEMA_VERSION
from search.documents import Record, spec_for
from search.query import Facet, Plan, RangeFacet, RangeFilter, TermsFilter, facet_plans

SUGGEST_SUFFIX = "suggest"


def index_settings(replicas: int = 0) -> dict[str, Any]:
    return {
        "number_of_shards": 1,
        "number_of_replicas": replicas,
        "refresh_interval": "1s",
        "max_result_window": 100_000,
    }


def mappings(kind: str) -> dict[str, Any]:
    """Mappings for ``kind`` at SCHEMA_VERSION (stored in ``_meta``)."""
    spec = spec_for(kind)
    props: dict[str, Any] = {"id": {"type": "long"}}
    for name in spec.all_text_fields:
        props[name] = {"type": "text", "analyzer": "whitespace", "index_options": "freqs"}
    for name in spec.keyword_fields:
        props[name] = {"type": "keyword"}
    for name in spec.int_fields:
        props[name] = {"type": "long"}
    props["src"] = {"type": "object", "enabled": False}
    return {
        "dynamic": "strict",
        "_meta": {"schema_version": SCHEMA_VERSION, "kind": kind},
        "properties": props,
    }


def suggest_mappings() -> dict[str, Any]:
    return {
        "dynamic": "strict",
        "_meta": {"schema_version": SCHEMA_VERSION},
        "properties": {
            "kind": {"type": "keyword"},
            "text": {"type": "keyword"},
            "keys": {"type": "keyword"},
            "weight": {"type": "long"},
        },
    }


def document(rec: Record) -> dict[str, Any]:
    body: dict[str, Any] = {"id": rec.id, "src": rec.source}
    body.update(rec.text)
    body.update(rec.keywords)
    body.update(rec.ints)
    return body


def _term(kind: str, term) -> dict[str, Any]:
    should = []
    for field, boost in spec_for(kind).fields_for(term.via).items():
        boost *= term.weight
        if term.fuzzy:
            should.append(
                {
                    "fuzzy": {
                        field: {
                            "value": term.text,
                            "fuzziness": term.fuzzy,
                            "transpositions": True,
                            "prefix_length": 0,
                            "boost": boost * FUZZY_FACTOR,
                        }
                    }
                }
            )
        else:
            should.append({"term": {field: {"value": term.text, "boost": boost}}})
    return {"bool": {"should": should, "minimum_should_match": 1}}


def text_query(plan: Plan) -> dict[str, Any] | None:
    if not plan.clauses:
        return None
    clauses = []
    for clause in plan.clauses:
        alts = []
        for alt in clause:
            terms = [_term(plan.kind, t) for t in alt]
            alts.append(terms[0] if len(terms) == 1 else {"bool": {"must": terms}})
        clauses.append(
            alts[0] if len(alts) == 1 else {"bool": {"should": alts, "minimum_should_match": 1}}
        )
    if plan.any_clause:
        return {"bool": {"should": clauses, "minimum_should_match": 1}}
    return clauses[0] if len(clauses) == 1 else {"bool": {"must": clauses}}


def filter_clause(f) -> dict[str, Any]:
    if isinstance(f, TermsFilter):
        return {"terms": {f.field: list(f.values)}}
    assert isinstance(f, RangeFilter)
    rng = {}
    if f.gte is not None:
        rng["gte"] = f.gte
    if f.lte is not None:
        rng["lte"] = f.lte
    return {"range": {f.field: rng}}


def query(plan: Plan) -> dict[str, Any]:
    must = [q] if (q := text_query(plan)) else []
    bool_q: dict[str, Any] = {
        "must": must or [{"match_all": {}}],
        "filter": [filter_clause(f) for f in plan.filters],
    }
    if plan.exclude_ids:
        bool_q["must_not"] = [{"terms": {"id": list(plan.exclude_ids)}}]
    return {"bool": bool_q}


def aggregations(plan: Plan) -> dict[str, Any]:
    return facet_aggregations(plan.facets)


def facet_aggregations(facets: list[Facet]) -> dict[str, Any]:
    """Facet name → its aggregation (terms, or range for a range facet)."""
    aggs: dict[str, Any] = {}
    for f in facets:
        if isinstance(f, RangeFacet):
            ranges = []
            for key, lo, hi in f.ranges:
                r: dict[str, Any] = {"key": key}
                if lo is not None:
                    r["from"] = lo
                if hi is not None:
                    r["to"] = hi
                ranges.append(r)
            aggs[f.name] = {"range": {"field": f.field, "ranges": ranges}}
        else:
            aggs[f.name] = {"terms": {"field": f.field, "size": f.size * 4}}
    return aggs


def search_body(plan: Plan) -> dict[str, Any]:
    """Full search request body (hits, total, facets, search_after paging)."""
    body: dict[str, Any] = {
        "query": query(plan),
        "size": plan.size,
        "track_total_hits": True,
        "_source": ["src"],
    }
    if plan.sort_field:
        body["sort"] = [{plan.sort_field: "desc"}]
        if plan.after_key is not None:
            body["search_after"] = [plan.after_key]
    else:
        body["sort"] = [{"_score": "desc"}, {"id": "desc"}]
        if plan.after_score is not None:
            body["search_after"] = list(plan.after_score)
        elif plan.offset:
            body["from"] = plan.offset
    if plan.facets:
        facets = [p for p in facet_plans(plan) if p.filters == plan.filters]
        if facets:
            body["aggs"] = aggregations(facets[0])
    return body


def facets_body(plan: Plan) -> dict[str, Any]:
    """Facet counts only, for a plan of :func:`search.query.facet_plans`."""
    return {"query": query(plan), "size": 0, "aggs": aggregations(plan)}


def count_body(plan: Plan) -> dict[str, Any]:
    return {"query": query(plan)}


def suggest_body(key: str, limit: int) -> dict[str, Any]:
    return {
        "query": {
            "bool": {"filter": [{"prefix": {"keys": key}}, {"range": {"weight": {"gt": 0}}}]}
        },
        "sort": [{"weight": "desc"}, {"text": "asc"}, {"kind": "asc"}],
        "size": limit,
    }


def vocabulary_body(kinds: tuple[str, ...], size: int, after: list | None) -> dict[str, Any]:
    """The suggest index's entries of KINDS, heaviest first, a page after AFTER."""
    body: dict[str, Any] = {
        "query": {
            "bool": {"filter": [{"terms": {"kind": list(kinds)}}, {"range": {"weight": {"gt": 0}}}]}
        },
        "sort": [{"weight": "desc"}, {"text": "asc"}, {"kind": "asc"}],
        "_source": ["text", "weight"],
        "size": size,
    }
    if after is not None:
        body["search_after"] = after
    return body


SUGGEST_SCRIPT = {
    "lang": "painless",
    "source": "ctx._source.weight += params.n",
}
