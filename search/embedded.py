"""Embedded backend: tantivy in-process, no server (the default).

Text arrives pre-analysed (see :mod:`search.analysis`) and is indexed with tantivy's
built-in ``whitespace`` tokenizer, so nothing custom has to be registered after opening.
Keyword fields are ``raw`` + fast (filters, terms aggregations); numbers are signed
integer fast fields (unsigned fields panic on Python ints); the source is a stored bytes
field. Filters are wrapped in ``const_score_query(q, 0.0)`` (tantivy has no filter clause).

One writer per index: only one process may write (the app's queue worker); any number of
processes may read. A writer held elsewhere surfaces as SearchUnavailable, and so do
files tantivy cannot open, write or commit (:func:`tantivy_files`) and the file errors
every local backend converts (:mod:`search.local`).
Autocomplete entries live in ``suggest.sqlite`` inside the same generation directory.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import threading
from collections.abc import Hashable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import tantivy
from tantivy import Document, FieldType, Occur, Order, Query

from search.analysis import match_only, typed_only
from search.defaults import (
    EMBEDDED_FACET_THREADS,
    EMBEDDED_REINDEX_HEAP,
    EMBEDDED_WRITER_HEAP,
    FUZZY_FACTOR,
    RANK_SNAPSHOT_DEPTH,
    SALARY_BANDS,
    SPELLING_KINDS,
    SPELLING_VOCABULARY,
    SUGGEST_LIMIT,
)
from search.documents import Record, blob_hash, spec_for
from search.dsl import facet_aggregations
from search.exceptions import SearchError, SearchUnavailable
from search.gated_facets import WIDE, facet_pass
from search.local import LocalBackend, unavailable_on_file_errors
from search.query import (
    Facet,
    Plan,
    RangeFacet,
    RangeFilter,
    SearchResult,
    Suggestion,
    TermsFilter,
    page_result,
)
from search.snapshots import RankSnapshots, first_page, pinned_page
from search.suggest import SuggestStore, delta_for, entries_of


def build_schema(kind: str) -> tantivy.Schema:
    spec = spec_for(kind)
    sb = tantivy.SchemaBuilder()
    sb.add_integer_field("id", stored=True, indexed=True, fast=True)
    for name in spec.all_text_fields:
        sb.add_text_field(name, stored=False, tokenizer_name="whitespace", index_option="freq")
    for name in spec.keyword_fields:
        if name == "content_hash":
            # Computed from the stored source instead (iter_hashes, ~1 us a document): as a
            # field it was a million unique terms and a column, most of a million-job
            # rebuild's final flush (docs/benchmarks/search.md, sixth part).
            continue
        sb.add_text_field(
            name,
            stored=False,
            tokenizer_name="raw",
            fast=True,
            index_option="basic",
        )
    for name in spec.int_fields:
        sb.add_integer_field(name, stored=False, indexed=True, fast=True)
    sb.add_text_field(
        SALARY_BAND, stored=False, tokenizer_name="raw", fast=True, index_option="basic"
    )
    sb.add_bytes_field("src", stored=True, indexed=False)
    return sb.build()


SALARY_BAND = "salary_band"
"""Keyword column holding the key of a document's ``SALARY_BANDS`` band. tantivy's range
aggregation over ``salary_mid`` cost more than the four terms facets together (2.3-2.6 vs
1.8-2.4 ms over 200,000 jobs); a terms aggregation over this column gives the same counts
for a fraction of that."""


def _leaf_aggregations(facets: list[Facet], wide: bool) -> dict[str, Any]:
    """tantivy takes Elasticsearch-style aggregations: the cluster's builder serves both,
    except the salary bands, counted on their precomputed column (see SALARY_BAND)."""
    aggs = facet_aggregations(facets)
    for f in facets:
        if isinstance(f, RangeFacet) and f.field == "salary_mid" and f.ranges == SALARY_BANDS:
            aggs[f.name] = {"terms": {"field": SALARY_BAND, "size": len(SALARY_BANDS)}}
        elif wide and "terms" in aggs[f.name]:
            aggs[f.name]["terms"]["size"] = WIDE
    return aggs


@dataclass(frozen=True)
class Matches:
    """What the match pass counted: all matches of a plan, and its raw facet counts."""

    total: int
    facets: dict[str, dict[str, int]]


def salary_band(mid: int) -> str:
    """Key of the band of ``SALARY_BANDS`` holding ``mid`` (bands are ``[from, to)``)."""
    for key, _, hi in SALARY_BANDS:
        if hi is None or mid < hi:
            return key
    return SALARY_BANDS[-1][0]


@contextlib.contextmanager
def tantivy_files(path: Path) -> Iterator[None]:
    """tantivy reports every failure as ``ValueError``. Around the calls that open, write or
    commit an index's files one means those files are unusable (corrupt, gone, locked by
    another writer, disk full); around queries it would be a bug, so only these are wrapped.
    """
    try:
        yield
    except SearchError:
        raise  # DocumentInvalid and InvalidQuery are ValueErrors too, and mean what they say
    except ValueError as exc:
        raise SearchUnavailable(f"tantivy index {path} unusable: {exc}") from exc


class _Index:
    """One open generation: tantivy index, lazy writer, suggestion store."""

    def __init__(self, kind: str, path: Path, writer_threads: int) -> None:
        self.kind = kind
        self.path = path
        self.schema = build_schema(kind)
        tantivy_dir = path / "tantivy"
        tantivy_dir.mkdir(parents=True, exist_ok=True)
        with tantivy_files(path):
            self.index = tantivy.Index(self.schema, path=str(tantivy_dir), reuse=True)
        self.meta = tantivy_dir / "meta.json"
        self.meta_seen: tuple[int, int, int] | None = None
        self.writer: tantivy.IndexWriter | None = None
        self.writer_threads = writer_threads
        self.sqlite = sqlite3.connect(
            path / "suggest.sqlite", check_same_thread=False, isolation_level=None
        )
        self.sqlite.execute("PRAGMA journal_mode=WAL")
        self.suggest = SuggestStore(self.sqlite)
        self.snapshots = RankSnapshots(path / "snapshots.sqlite")
        self.lock = threading.RLock()

    @contextlib.contextmanager
    def writing(self, heap: int = EMBEDDED_WRITER_HEAP) -> Iterator[tantivy.IndexWriter]:
        """The writer (made with a memory budget of ``heap`` bytes if there is none yet), under
        the lock; a failure to write the files is SearchUnavailable."""
        with self.lock, tantivy_files(self.path):
            if self.writer is None:
                self.writer = self.index.writer(heap, self.writer_threads)
            yield self.writer

    def release_writer(self) -> None:
        """Let merges finish and drop the writer: a complete generation gets no more writes."""
        with self.lock, tantivy_files(self.path):
            if self.writer is not None:
                self.writer.wait_merging_threads()
                self.writer = None

    def commit(self) -> None:
        """Make written documents durable and visible to this process's searchers."""
        with self.lock, tantivy_files(self.path):
            if self.writer is not None:
                self.writer.commit()
                self.index.reload()

    def last_commit(self) -> tuple[int, int, int] | None:
        """Which commit, by any process, is the last: tantivy replaces meta.json by a rename
        on each, so its inode, time and size tell (time alone can repeat: the file system's
        clock ticks every few milliseconds)."""
        try:
            found = os.stat(self.meta)
        except OSError:
            return None
        return found.st_ino, found.st_mtime_ns, found.st_size

    def searcher(self) -> tantivy.Searcher:
        """A searcher over the last commit, also one made by another process: tantivy's own
        reader only polls for those every 500 ms, a stat of meta.json costs microseconds."""
        seen = self.last_commit()
        if seen != self.meta_seen:
            self.meta_seen = seen
            self.index.reload()
        return self.index.searcher()

    def doc_count(self) -> int:
        return self.searcher().num_docs

    def close(self) -> None:
        try:
            if self.writer is not None:
                with tantivy_files(self.path):
                    self.writer.rollback()
        finally:
            self.writer = None
            self.sqlite.close()
            self.snapshots.close()


class EmbeddedBackend(LocalBackend[_Index]):
    """``create_backend("embedded", "/path/to/dir")``."""

    name = "embedded"

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        writer_threads: int = 1,
        facet_threads: int = EMBEDDED_FACET_THREADS,
    ) -> None:
        super().__init__(path)
        self.writer_threads = writer_threads
        self.facet_threads = facet_threads
        self._facet_pool: ThreadPoolExecutor | None = None

    def open_generation(self, kind: str, path: Path) -> _Index:
        return _Index(kind, path, self.writer_threads)

    @unavailable_on_file_errors
    def version(self, kind: str = "jobs") -> Hashable:
        ix = self._open(kind)
        return (ix.path.name, ix.last_commit())

    # -- writing -----------------------------------------------------------------------

    @unavailable_on_file_errors
    def write_records(
        self, kind: str, records: list[Record], *, target: str | None = None, commit: bool = True
    ) -> None:
        ix = self._open(kind, target)
        with ix.writing(EMBEDDED_REINDEX_HEAP if target else EMBEDDED_WRITER_HEAP) as writer:
            old = []
            if target is None:
                searcher = ix.searcher()
                for rec in records:
                    src = self._source(ix, searcher, rec.id)
                    if src is not None:
                        old.append(entries_of(kind, src))
                        writer.delete_documents_by_term("id", rec.id)
            for rec in records:
                fields: dict[str, Any] = {"id": rec.id, "src": rec.source_json.encode()}
                fields.update(rec.text)
                fields.update(rec.keywords)
                del fields["content_hash"]
                fields.update(rec.ints)
                fields[SALARY_BAND] = salary_band(rec.ints["salary_mid"])
                writer.add_document(Document(**fields))
            ix.suggest.apply(delta_for([r.suggestions for r in records], old))
            if commit:
                ix.commit()

    @unavailable_on_file_errors
    def commit(self, kind: str, *, target: str | None = None) -> None:
        ix = self._open(kind, target)
        ix.commit()
        if target is not None:
            ix.release_writer()

    def delete(self, doc_id: int, *, kind: str = "jobs") -> bool:
        return self.delete_many([doc_id], kind=kind) == 1

    @unavailable_on_file_errors
    def delete_many(self, doc_ids: Iterable[int], *, kind: str = "jobs") -> int:
        ix = self._open(kind)
        with ix.lock:
            searcher = ix.searcher()
            sources = [
                (int(doc_id), src)
                for doc_id in doc_ids
                if (src := self._source(ix, searcher, int(doc_id))) is not None
            ]
            if not sources:
                return 0
            with ix.writing() as writer:
                for doc_id, _ in sources:
                    writer.delete_documents_by_term("id", doc_id)
            ix.suggest.apply(delta_for([], [entries_of(kind, src) for _, src in sources]))
            ix.commit()
            return len(sources)

    # -- reading -----------------------------------------------------------------------

    def _source(self, ix: _Index, searcher: tantivy.Searcher, doc_id: int) -> dict | None:
        res = searcher.search(Query.term_query(ix.schema, "id", int(doc_id)), 1, False)
        if not res.hits:
            return None
        return json.loads(searcher.doc(res.hits[0][1])["src"][0])

    @unavailable_on_file_errors
    def get(self, doc_id: int, *, kind: str = "jobs") -> dict[str, Any] | None:
        ix = self._open(kind)
        return self._source(ix, ix.searcher(), doc_id)

    def _text_query(self, ix: _Index, plan: Plan, counting: bool = False) -> Query | None:
        """The text part; with ``counting``, a form matching the same documents with less
        to read, for passes that need no scores (:func:`search.analysis.match_only`)."""
        if not plan.clauses:
            return None
        spec = spec_for(plan.kind)
        schema = ix.schema

        def term_q(term, skip: tuple[str, ...]) -> Query:
            subs = []
            for f, boost in spec.fields_for(term.via).items():
                if f in skip:
                    continue
                boost *= term.weight
                if term.fuzzy:
                    q = Query.fuzzy_term_query(schema, f, term.text, term.fuzzy, True, False)
                    subs.append((Occur.Should, Query.boost_query(q, boost * FUZZY_FACTOR)))
                else:
                    subs.append(
                        (
                            Occur.Should,
                            Query.boost_query(Query.term_query(schema, f, term.text), boost),
                        )
                    )
            return subs[0][1] if len(subs) == 1 else Query.boolean_query(subs)

        clause_qs = []
        for clause in plan.clauses:
            covered: frozenset = frozenset()
            if counting:
                clause, covered = match_only(clause)
            alts = []
            for alt in clause:
                qs = [term_q(t, spec.recall_sources if t in covered else ()) for t in alt]
                q = qs[0] if len(qs) == 1 else Query.boolean_query([(Occur.Must, q) for q in qs])
                alts.append((Occur.Should, q))
            clause_qs.append(alts[0][1] if len(alts) == 1 else Query.boolean_query(alts))
        occur = Occur.Should if plan.any_clause else Occur.Must
        return Query.boolean_query([(occur, q) for q in clause_qs])

    def _filter_query(self, ix: _Index, f) -> Query:
        if isinstance(f, TermsFilter):
            if len(f.values) == 1:
                return Query.term_query(ix.schema, f.field, f.values[0])
            return Query.term_set_query(ix.schema, f.field, list(f.values))
        assert isinstance(f, RangeFilter)
        return Query.range_query(ix.schema, f.field, FieldType.Integer, f.gte, f.lte, True, True)

    def _query(self, ix: _Index, plan: Plan, with_after: bool, counting: bool = False) -> Query:
        parts: list[tuple[Occur, Query]] = []
        text = self._text_query(ix, plan, counting)
        if text is not None:
            parts.append((Occur.Must, text))
        filters = list(plan.filters)
        if with_after and plan.sort_field and plan.after_key is not None:
            filters.append(RangeFilter(plan.sort_field, lte=plan.after_key - 1))
        for f in filters:
            parts.append((Occur.Must, Query.const_score_query(self._filter_query(ix, f), 0.0)))
        for doc_id in plan.exclude_ids:
            parts.append((Occur.MustNot, Query.term_query(ix.schema, "id", doc_id)))
        if not any(o == Occur.Must for o, _ in parts):
            parts.append((Occur.Must, Query.all_query()))
        return parts[0][1] if len(parts) == 1 else Query.boolean_query(parts)

    @unavailable_on_file_errors
    def execute(self, plan: Plan) -> SearchResult:
        ix = self._open(plan.kind)
        searcher = ix.searcher()
        if not plan.clauses and not plan.sort_field:
            plan.sort_field = "id"  # nothing to rank: newest id first, a key cursor
        pinned = plan.pinned and ix.snapshots.load(plan.pinned[0])
        if plan.pinned and pinned is None:  # expired: continue by offset
            plan.offset = plan.pinned[1]
        tiers = None if plan.sort_field or pinned else self._tiers(ix, plan)
        # The match pass counts the matches (and the facets) beside the page's search; without
        # one, the page's search counts them where it reads them all.
        partial = pinned or (plan.sort_field and plan.after_key is not None)
        matches = self._match_pass(ix, searcher, plan) if plan.facets or partial else None
        # ``cursor`` is set where the ranking is pinned; else page_result's cursor stands.
        cursor: str | None | bool = False
        total: int | None = None
        if pinned:
            rows, cursor = self._pinned_page(ix, searcher, plan, pinned)
        elif plan.sort_field:
            # Sorted by a column: no scores, so the cheaper match-only form of the text.
            query = self._query(ix, plan, with_after=True, counting=True)
            count = matches is None
            res = searcher.search(query, plan.size, count, plan.sort_field, 0, Order.Desc)
            rows = self._rows(searcher, res.hits, sorted_=True)
            total = res.count if count else None
        else:
            depth = RANK_SNAPSHOT_DEPTH if plan.offset == 0 else plan.size
            hits, total, unranked = self._relevance_hits(ix, searcher, plan, tiers, matches, depth)
            rows = self._rows(searcher, hits[: plan.size], sorted_=False)
            if plan.offset == 0:
                # The top matches' ids (fast field, no stored documents) are pinned for the
                # next pages (search.snapshots); only the first page's documents are loaded.
                ranked = searcher.fast_field_values("id", [address for _, address in hits])
                rows, cursor = first_page(plan, ranked, rows, ix.snapshots, unranked)
        counted = matches.result() if matches else None
        if counted is None and total is None:  # the first tier filled the page: count
            counted = self._matches(ix, searcher, replace(plan, facets=[]))
        result = page_result(
            plan, rows, counted.total if counted else total, counted.facets if counted else {}
        )
        if cursor is not False:
            result.cursor = cursor
        return result

    @staticmethod
    def _rows(searcher: tantivy.Searcher, hits, *, sorted_: bool) -> list:
        rows = []
        for key, address in hits:
            doc = searcher.doc(address)
            score = None if sorted_ else float(key)
            rows.append((int(doc["id"][0]), score, json.loads(doc["src"][0]), key))
        return rows

    def _tiers(self, ix: _Index, plan: Plan) -> tuple[Query, Query] | None:
        """The first tier of a relevance ranking (:func:`search.analysis.typed_only`): its
        query with the filters, and its text alone; None when there is one tier."""
        clauses = typed_only(plan.clauses)
        if clauses is None or clauses == plan.clauses:
            return None
        typed = replace(plan, clauses=clauses)
        text = self._text_query(ix, typed)
        assert text is not None
        return self._query(ix, typed, with_after=False), text

    def _relevance_hits(
        self,
        ix: _Index,
        searcher: tantivy.Searcher,
        plan: Plan,
        tiers: tuple[Query, Query] | None,
        matches: Future | None,
        limit: int,
    ) -> tuple[list, int | None, list[int]]:
        """``limit`` hits of the relevance ranking from ``plan.offset`` on, the total (None
        when the tiers did not count it: the match pass does), and the ids of a second tier
        left unranked (pinned by membership, see :func:`search.snapshots.first_page`).

        In two tiers, like the SQLite backend: the documents matching the words as typed,
        ranked by those words' score, then the others (only a synonym, typo, piece or pinyin
        found them). Scoring every match of every alternative was most of a query's time at
        1M jobs (the recall fields' character grams above all); the first tier looks at
        none of them. The second is needed only when the first runs out before ``limit``
        and the match pass, if one runs, counted more matches than the first tier holds
        (most queries of several words that find little find nothing at all). When the
        first tier fills the page and every match fits in the pinned ranking, its ids are
        read unscored (ranked when a later page reaches them); otherwise it is ranked now,
        by the match-only form of the whole query (an alternative that another one covers
        adds nothing to find, see :func:`search.analysis.match_only`)."""
        count = matches is None
        if tiers is None:
            query = self._query(ix, plan, with_after=False)
            res = searcher.search(query, limit, count, None, plan.offset)
            return res.hits, res.count if count else None, []
        typed, typed_text = tiers
        # Uncounted, a search of the first page can skip documents that cannot reach the top
        # (block-max WAND, when the first tier is one word and no filter); fewer hits than
        # asked are then all of the first tier.
        first = searcher.search(typed, limit, plan.offset > 0, None, plan.offset)
        if len(first.hits) == limit:
            return first.hits, None, []
        in_first = first.count if plan.offset > 0 else len(first.hits)
        total = matches.result().total if matches is not None else None
        if total == in_first:
            return first.hits, None, []
        rest = self._second_tier(ix, plan, typed_text)
        if total is not None and plan.offset == 0 and plan.size <= in_first and total < limit:
            by_id = searcher.search(rest, total - in_first, False, "id", 0, Order.Desc)
            return first.hits, None, [int(key) for key, _ in by_id.hits]
        offset = max(0, plan.offset - in_first)
        second = searcher.search(rest, limit - len(first.hits), count, None, offset)
        return first.hits + second.hits, (in_first + second.count) if count else None, []

    def _second_tier(self, ix: _Index, plan: Plan, typed_text: Query) -> Query:
        """The matches of ``plan`` that the first tier does not hold, scored by the match-only
        form of the whole query."""
        return Query.boolean_query(
            [
                (Occur.Must, self._query(ix, plan, with_after=False, counting=True)),
                (Occur.MustNot, typed_text),
            ]
        )

    def _pinned_page(self, ix: _Index, searcher, plan: Plan, ids: list[int]):
        query = self._query(ix, plan, with_after=False, counting=True)

        def fetch(chunk: list[int]) -> dict:
            still = Query.boolean_query(
                [
                    (Occur.Must, query),
                    (
                        Occur.Must,
                        Query.const_score_query(Query.term_set_query(ix.schema, "id", chunk), 0.0),
                    ),
                ]
            )
            hits = searcher.search(still, len(chunk), False).hits
            return {row[0]: row for row in self._rows(searcher, hits, sorted_=False)}

        def rank(tail: list[int]) -> list[int]:
            """Those of a second tier pinned unranked that still match, in its order."""
            among = Query.const_score_query(Query.term_set_query(ix.schema, "id", tail), 0.0)
            hits = searcher.search(
                Query.boolean_query([(Occur.Must, query), (Occur.Must, among)]), len(tail), False
            ).hits
            return searcher.fast_field_values("id", [address for _, address in hits])

        return pinned_page(plan, ids, fetch, rank, ix.snapshots)

    def _match_pass(self, ix: _Index, searcher: tantivy.Searcher, plan: Plan) -> Future:
        """The match pass (:meth:`_matches`), started beside the page's search: tantivy lets
        go of the GIL while it searches, so on a second core the two passes overlap."""
        if not self.facet_threads:
            done: Future = Future()
            done.set_result(self._matches(ix, searcher, plan))
            return done
        with self._lock:
            if self._facet_pool is None:
                self._facet_pool = ThreadPoolExecutor(self.facet_threads, "yunpin-facets")
        return self._facet_pool.submit(self._matches, ix, searcher, plan)

    def _matches(self, ix: _Index, searcher: tantivy.Searcher, plan: Plan) -> Matches:
        """All matches of ``plan`` (cursor aside) and its facets, in one aggregation pass over
        the match-only form of the text (search.gated_facets): no scores are computed."""
        counting = facet_pass(plan, _leaf_aggregations, "id")
        ungated = replace(plan, filters=counting.filters)
        query = self._query(ix, ungated, with_after=False, counting=True)
        raw = searcher.aggregate(query, counting.aggs)
        return Matches(counting.total(raw), counting.counts(raw))

    @unavailable_on_file_errors
    def execute_count(self, plan: Plan) -> int:
        ix = self._open(plan.kind)
        return self._matches(ix, ix.searcher(), replace(plan, facets=[])).total

    @unavailable_on_file_errors
    def suggest(
        self, prefix: str, *, kind: str = "jobs", limit: int = SUGGEST_LIMIT
    ) -> list[Suggestion]:
        return self._open(kind).suggest.lookup(prefix, limit)

    @unavailable_on_file_errors
    def vocabulary(
        self, *, kind: str = "jobs", limit: int = SPELLING_VOCABULARY
    ) -> list[tuple[str, int]]:
        return self._open(kind).suggest.vocabulary(SPELLING_KINDS, limit)

    @unavailable_on_file_errors
    def iter_hashes(self, kind: str = "jobs") -> Iterator[tuple[int, str]]:
        ix = self._open(kind)
        searcher = ix.searcher()
        last = -1
        while True:
            q = Query.range_query(ix.schema, "id", FieldType.Integer, last + 1, None, True, True)
            res = searcher.search(q, 10_000, False, "id", 0, Order.Asc)
            if not res.hits:
                return
            for _, addr in res.hits:
                doc = searcher.doc(addr)
                last = int(doc["id"][0])
                yield last, blob_hash(doc["src"][0])

    # -- generations -------------------------------------------------------------------

    def close(self) -> None:
        with self._lock:
            pool, self._facet_pool = self._facet_pool, None
        if pool is not None:
            pool.shutdown()
        super().close()

    def _finish(self, target: _Index) -> None:
        target.commit()  # a generation goes live with every document it was given
        target.close()
