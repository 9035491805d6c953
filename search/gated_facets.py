"""All facets of a plan counted in one aggregation pass (the embedded backend).

Disjunctive faceting counts each facet with a selection as if that selection were off
(:func:`search.query.facet_plans`). Done as one aggregation per such plan, every pass runs
the text query again, and running it is most of a pass's cost: over the bench mix on
200,000 jobs a pass counting all five facets cost 1.33 ms of CPU and one counting a single
facet 0.8-1.2 ms. So the embedded backend makes one pass: its query is the text and the
filters that are no counted facet's selection, and each selection becomes a *gate*, an
aggregation that passes on only the documents the selection keeps, read from the
document's own column (a terms aggregation with ``include``, a range aggregation with one
range): costs per matching document, unlike tantivy's ``filter`` aggregation, which
evaluates its query over the whole index (tried: slower than separate passes).

Gates nest. The facets without a selection hang below every gate; a facet with one hangs
below the gates of the other selections. Summing a leaf's counts over the gates' buckets
gives the counts of the separate passes (keyword fields are single-valued, so a document
falls in at most one bucket of a gate). The same pass counts the plan's matches (below every
gate), so a page needs no second pass over them for its total.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from math import prod
from typing import Any

from search.query import Facet, Filter, Plan, RangeFilter, TermsFilter

GATE = "gate"
"""Name of the aggregation one gate nests inside another (facet names never take it)."""
IN_RANGE = "in"
"""Key of a range gate's one range; tantivy adds buckets of its own for the gaps around it."""
TOTAL = "n."
"""Prefix of the tree counting the plan's matches (facet trees are ``t<i>.``)."""
WIDE = 65_536
"""Terms leaf size when several gate buckets are summed: every value must come back from
each bucket, or a value cut from one bucket's top list would be undercounted."""


@dataclass(frozen=True)
class _Gate:
    agg: dict[str, Any]
    keys: frozenset[str]
    """Bucket keys of documents the selection keeps."""
    buckets: int
    """How many such buckets there can be."""


def _gate(f: Filter) -> _Gate:
    if isinstance(f, TermsFilter):
        values = list(f.values)
        agg = {"terms": {"field": f.field, "include": values, "size": len(values)}}
        return _Gate(agg, frozenset(values), len(values))
    assert isinstance(f, RangeFilter)
    rng: dict[str, Any] = {"key": IN_RANGE}
    if f.gte is not None:
        rng["from"] = f.gte
    if f.lte is not None:
        rng["to"] = f.lte + 1  # a range's end is exclusive, the filter's inclusive
    return _Gate({"range": {"field": f.field, "ranges": [rng]}}, frozenset({IN_RANGE}), 1)


LeafAggs = Callable[[list[Facet], bool], dict[str, Any]]
"""Builds the aggregations counting some facets (name → aggregation, one per facet);
the flag asks for every value of a terms facet (see :data:`WIDE`)."""


@dataclass
class FacetPass:
    """One aggregation pass: match ``filters`` (with the text), run ``aggs``, read the
    counts with :meth:`counts`."""

    filters: list[Filter]
    aggs: dict[str, Any]
    trees: list[tuple[str, list[_Gate], list[Facet]]]
    total_gates: list[_Gate]

    def counts(self, raw: dict[str, Any]) -> dict[str, dict[str, int]]:
        """Facet name → value → count from the engine's answer to :attr:`aggs`."""
        out: dict[str, dict[str, int]] = {}
        for prefix, gates, facets in self.trees:
            root = {name[len(prefix) :]: v for name, v in raw.items() if name.startswith(prefix)}
            for leaf in _leaves(root, gates):
                for facet in facets:
                    counts = out.setdefault(facet.name, {})
                    for bucket in leaf.get(facet.name, {}).get("buckets", []):
                        key = str(bucket["key"])
                        counts[key] = counts.get(key, 0) + int(bucket["doc_count"])
        return out

    def total(self, raw: dict[str, Any]) -> int:
        """The plan's matches (every filter applied) from the engine's answer."""
        root = {name[len(TOTAL) :]: v for name, v in raw.items() if name.startswith(TOTAL)}
        return sum(int(leaf[MATCHES]["value"]) for leaf in _leaves(root, self.total_gates))


def _leaves(node: dict[str, Any], gates: list[_Gate]) -> Iterator[dict[str, Any]]:
    if not gates:
        yield node
        return
    for bucket in node.get(GATE, {}).get("buckets", []):
        if str(bucket.get("key")) in gates[0].keys:
            yield from _leaves(bucket, gates[1:])


def _nest(gates: list[_Gate], leaf: dict[str, Any]) -> dict[str, Any]:
    if not gates:
        return leaf
    return {GATE: {**gates[0].agg, "aggs": _nest(gates[1:], leaf)}}


MATCHES = "matches"
"""Name of the leaf counting matches in the total's tree."""


def facet_pass(plan: Plan, leaf_aggs: LeafAggs, count_field: str) -> FacetPass:
    """The one pass counting ``plan.facets`` as :func:`search.query.facet_plans` would, and
    the plan's matches (a ``value_count`` of ``count_field``, which every document has)."""
    counted = {f.name for f in plan.facets}
    selected = [f for f in plan.filters if f.facet in counted]
    kept = [f for f in plan.filters if f.facet not in counted]
    trees: list[tuple[list[_Gate], list[Facet]]] = []
    plain = [f for f in plan.facets if f.name not in {g.facet for g in selected}]
    if plain:
        trees.append(([_gate(f) for f in selected], plain))
    for facet in plan.facets:
        if facet not in plain:
            trees.append(([_gate(f) for f in selected if f.facet != facet.name], [facet]))
    aggs: dict[str, Any] = {}
    named = []
    for i, (gates, facets) in enumerate(trees):
        prefix = f"t{i}."
        wide = prod(g.buckets for g in gates) > 1
        for name, agg in _nest(gates, leaf_aggs(facets, wide)).items():
            aggs[prefix + name] = agg
        named.append((prefix, gates, facets))
    all_gates = [_gate(f) for f in selected]
    count = {MATCHES: {"value_count": {"field": count_field}}}
    for name, agg in _nest(all_gates, count).items():
        aggs[TOTAL + name] = agg
    return FacetPass(kept, aggs, named, all_gates)
