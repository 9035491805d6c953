"""SQLite FTS5 backend: the baseline the embedded backend is measured against.

One database file per generation (``index.sqlite``): ``docs`` holds keyword and integer
columns plus the JSON source, ``fts`` (FTS5, ``unicode61`` with ``+#._-`` as token
characters, so pre-analysed tokens stay whole) holds the analysed text with bm25 column
weights = field boosts. FTS5 has no fuzzy matching: typo terms are expanded in Python
against the index vocabulary (``fts5vocab``). Relevance pages follow a pinned ranking
(:mod:`search.snapshots`).
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from search import analysis
from search.defaults import (
    RANK_SNAPSHOT_DEPTH,
    SPELLING_KINDS,
    SPELLING_VOCABULARY,
    SUGGEST_LIMIT,
)
from search.documents import Record, spec_for
from search.local import LocalBackend, unavailable_on_file_errors
from search.query import (
    Plan,
    RangeFacet,
    RangeFilter,
    SearchResult,
    Suggestion,
    TermsFilter,
    facet_plans,
    page_result,
)
from search.snapshots import RankSnapshots, first_page, pinned_page
from search.suggest import SuggestStore, delta_for, entries_of

LOWER_TIER = 1000.0
"""Added to the bm25 rank (lower is better) of a match not made of the words typed: far
beyond any bm25 difference, so it only orders the two tiers."""


def _q(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


class _Db:
    def __init__(self, kind: str, path: Path) -> None:
        self.kind = kind
        self.spec = spec_for(kind)
        path.mkdir(parents=True, exist_ok=True)
        self.conn = sqlite3.connect(
            path / "index.sqlite", check_same_thread=False, isolation_level=None
        )
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=NORMAL")
        self.conn.execute("PRAGMA cache_size=-200000")
        cols = ", ".join(
            [f"{c} TEXT" for c in self.spec.keyword_fields]
            + [f"{c} INTEGER" for c in self.spec.int_fields]
        )
        text = ", ".join(self.spec.all_text_fields)
        self.conn.executescript(f"""
            CREATE TABLE IF NOT EXISTS docs (id INTEGER PRIMARY KEY, {cols}, src TEXT NOT NULL);
            CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5({text},
                tokenize = "unicode61 remove_diacritics 0 tokenchars '+#._-'", detail = column);
            CREATE VIRTUAL TABLE IF NOT EXISTS fts_vocab USING fts5vocab(fts, 'row');
        """)
        for c in (
            "category",
            "employment_type",
            "region_l1",
            "region_l2",
            "region_l3",
            "sort_newest",
            "sort_salary",
            "posted_at",
            "employer_id",
            "education_level",
        ):
            if c in self.spec.keyword_fields or c in self.spec.int_fields:
                self.conn.execute(f"CREATE INDEX IF NOT EXISTS ix_{c} ON docs({c})")
        self.suggest = SuggestStore(self.conn)
        self.snapshots = RankSnapshots(path / "snapshots.sqlite")
        self.lock = threading.RLock()
        self.in_tx = False
        self.writes = 0
        self._vocab: tuple[int, list[str]] | None = None

    def begin(self) -> None:
        if not self.in_tx:
            self.conn.execute("BEGIN")
            self.in_tx = True

    def commit(self) -> None:
        if self.in_tx:
            self.conn.execute("COMMIT")
            self.in_tx = False

    def doc_count(self) -> int:
        with self.lock:
            return self.conn.execute("SELECT count(*) FROM docs").fetchone()[0]

    def latin_vocab(self) -> list[str]:
        if self._vocab is None or self._vocab[0] != self.writes:
            terms = [
                t
                for (t,) in self.conn.execute("SELECT term FROM fts_vocab")
                if t.isascii() and t.isalpha()
            ]
            self._vocab = (self.writes, terms)
        return self._vocab[1]

    def close(self) -> None:
        self.commit()
        self.conn.close()
        self.snapshots.close()


class SqliteBackend(LocalBackend[_Db]):
    """``create_backend("sqlite", "/path/to/dir")``."""

    name = "sqlite"

    def open_generation(self, kind: str, path: Path) -> _Db:
        return _Db(kind, path)

    # -- writing -----------------------------------------------------------------------

    @unavailable_on_file_errors
    def write_records(
        self, kind: str, records: list[Record], *, target: str | None = None, commit: bool = True
    ) -> None:
        db = self._open(kind, target)
        spec = db.spec
        kw, ints, text = spec.keyword_fields, spec.int_fields, list(spec.all_text_fields)
        cols = ["id", *kw, *ints, "src"]
        sql_doc = f"INSERT INTO docs({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
        sql_fts = (
            f"INSERT INTO fts(rowid, {', '.join(text)}) VALUES (?, {', '.join('?' * len(text))})"
        )
        with db.lock:
            db.begin()
            old = []
            if target is None:
                for rec in records:
                    row = db.conn.execute("SELECT src FROM docs WHERE id=?", (rec.id,)).fetchone()
                    if row:
                        old.append(entries_of(kind, json.loads(row[0])))
                        db.conn.execute("DELETE FROM docs WHERE id=?", (rec.id,))
                        db.conn.execute("DELETE FROM fts WHERE rowid=?", (rec.id,))
            db.conn.executemany(
                sql_doc,
                [
                    (
                        r.id,
                        *[r.keywords.get(c, "") for c in kw],
                        *[r.ints.get(c, 0) for c in ints],
                        r.source_json,
                    )
                    for r in records
                ],
            )
            db.conn.executemany(
                sql_fts, [(r.id, *[r.text.get(c, "") for c in text]) for r in records]
            )
            db.suggest.apply(delta_for([r.suggestions for r in records], old))
            db.writes += 1
            if commit:
                db.commit()

    @unavailable_on_file_errors
    def commit(self, kind: str, *, target: str | None = None) -> None:
        db = self._open(kind, target)
        with db.lock:
            db.commit()
            if target is not None:
                db.conn.execute("INSERT INTO fts(fts) VALUES ('optimize')")
                db.conn.execute("ANALYZE")

    @unavailable_on_file_errors
    def delete(self, doc_id: int, *, kind: str = "jobs") -> bool:
        db = self._open(kind)
        with db.lock:
            row = db.conn.execute("SELECT src FROM docs WHERE id=?", (int(doc_id),)).fetchone()
            if not row:
                return False
            db.begin()
            db.conn.execute("DELETE FROM docs WHERE id=?", (int(doc_id),))
            db.conn.execute("DELETE FROM fts WHERE rowid=?", (int(doc_id),))
            db.suggest.apply(delta_for([], [entries_of(kind, json.loads(row[0]))]))
            db.writes += 1
            db.commit()
            return True

    # -- reading -----------------------------------------------------------------------

    @unavailable_on_file_errors
    def get(self, doc_id: int, *, kind: str = "jobs") -> dict[str, Any] | None:
        row = (
            self._open(kind)
            .conn.execute("SELECT src FROM docs WHERE id=?", (int(doc_id),))
            .fetchone()
        )
        return json.loads(row[0]) if row else None

    def _match(self, db: _Db, plan: Plan, *, typed_only: bool = False) -> str | None:
        """The FTS5 expression of ``plan``; with ``typed_only``, of its alternatives made of
        the words typed (no synonym, typo or recall form), None when a clause has none."""
        if not plan.clauses:
            return None
        vocab = None

        def term_expr(term) -> str:
            nonlocal vocab
            columns = "{" + " ".join(db.spec.fields_for(term.via)) + "} : "
            if not term.fuzzy:
                return columns + _q(term.text)
            if vocab is None:
                vocab = db.latin_vocab()
            near = [v for v in vocab if analysis.fuzzy_ok(v, term)][:50]
            if not near:
                return columns + _q(term.text)
            return columns + "(" + " OR ".join(_q(v) for v in near) + ")"

        clauses = analysis.typed_only(plan.clauses) if typed_only else plan.clauses
        if clauses is None:
            return None
        parts = []
        for clause in clauses:
            alts = ["(" + " AND ".join(term_expr(t) for t in alt) + ")" for alt in clause]
            parts.append("(" + " OR ".join(alts) + ")")
        return (" OR " if plan.any_clause else " AND ").join(parts)

    def _where(self, plan: Plan, with_after: bool) -> tuple[str, list[Any]]:
        conds, args = [], []
        for f in plan.filters:
            if isinstance(f, TermsFilter):
                conds.append(f"d.{f.field} IN ({', '.join('?' * len(f.values))})")
                args.extend(f.values)
            elif isinstance(f, RangeFilter):
                if f.gte is not None:
                    conds.append(f"d.{f.field} >= ?")
                    args.append(f.gte)
                if f.lte is not None:
                    conds.append(f"d.{f.field} <= ?")
                    args.append(f.lte)
        for doc_id in plan.exclude_ids:
            conds.append("d.id != ?")
            args.append(doc_id)
        if with_after and plan.sort_field and plan.after_key is not None:
            conds.append(f"d.{plan.sort_field} < ?")
            args.append(plan.after_key)
        return (" AND ".join(conds) or "1"), args

    def _from(self, db: _Db, plan: Plan, with_after: bool) -> tuple[str, list[Any], str | None]:
        match = self._match(db, plan)
        where, args = self._where(plan, with_after)
        if match is None:
            return f"FROM docs d WHERE {where}", args, None
        weights = ", ".join(str(b) for b in db.spec.all_text_fields.values())
        rank = f"bm25(fts, {weights})"
        typed = self._match(db, plan, typed_only=True)
        if typed is not None and typed != match:
            # FTS5 weighs columns, not terms: rank documents matching the words as typed
            # above those only a synonym, typo or piece found (the others weigh those less).
            literal = typed.replace("'", "''")
            rank += (
                f" + (CASE WHEN d.id IN (SELECT rowid FROM fts WHERE fts MATCH '{literal}')"
                f" THEN 0 ELSE {LOWER_TIER} END)"
            )
        return (
            f"FROM fts JOIN docs d ON d.id = fts.rowid WHERE fts MATCH ? AND {where}",
            [match, *args],
            rank,
        )

    @unavailable_on_file_errors
    def execute(self, plan: Plan) -> SearchResult:
        db = self._open(plan.kind)
        if not plan.clauses and not plan.sort_field:
            plan.sort_field = "id"  # nothing to rank: newest id first, a key cursor
        frm, args, rank = self._from(db, plan, with_after=True)
        with db.lock:
            pinned = plan.pinned and db.snapshots.load(plan.pinned[0])
            if plan.pinned and pinned is None:  # expired: continue by offset
                plan.offset = plan.pinned[1]
            # ``cursor`` is set where the ranking is pinned; else page_result's cursor stands.
            cursor: str | None | bool = False
            if pinned:
                rows, cursor = pinned_page(
                    plan, pinned, lambda ids: self._rows_of(db, frm, args, rank, ids)
                )
            elif plan.sort_field:
                rows = self._page(
                    db, frm, args, f"d.{plan.sort_field}", f"d.{plan.sort_field} DESC", 0, plan
                )
            elif plan.offset == 0:
                ranked = db.conn.execute(
                    f"SELECT d.id, {rank} {frm} ORDER BY {rank}, d.id DESC LIMIT ?",
                    [*args, RANK_SNAPSHOT_DEPTH],
                ).fetchall()
                sources = self._sources(db, [doc_id for doc_id, _ in ranked[: plan.size]])
                rows = [(i, -float(r), sources[i], r) for i, r in ranked[: plan.size]]
                rows, cursor = first_page(plan, [i for i, _ in ranked], rows, db.snapshots)
            else:
                rows = self._page(db, frm, args, rank, f"{rank}, d.id DESC", plan.offset, plan)
            base_frm, base_args, _ = self._from(db, plan, with_after=False)
            total = db.conn.execute(f"SELECT count(*) {base_frm}", base_args).fetchone()[0]
            facet_counts: dict[str, dict[str, int]] = {}
            for counting in facet_plans(plan):
                frm_c, args_c, _ = self._from(db, counting, with_after=False)
                facet_counts.update(self._facet_counts(db, counting, frm_c, args_c))
        result = page_result(plan, rows, total, facet_counts)
        if cursor is not False:
            result.cursor = cursor
        return result

    @staticmethod
    def _page(db: _Db, frm: str, args: list, sel: str, order: str, offset: int, plan: Plan):
        found = db.conn.execute(
            f"SELECT d.id, d.src, {sel} {frm} ORDER BY {order} LIMIT ? OFFSET ?",
            [*args, plan.size, offset],
        ).fetchall()
        return [
            (doc_id, None if plan.sort_field else -float(key), json.loads(src), key)
            for doc_id, src, key in found
        ]

    @staticmethod
    def _sources(db: _Db, ids: list[int]) -> dict[int, dict]:
        marks = ", ".join("?" * len(ids))
        found = db.conn.execute(f"SELECT id, src FROM docs WHERE id IN ({marks})", ids)
        return {doc_id: json.loads(src) for doc_id, src in found}

    @staticmethod
    def _rows_of(db: _Db, frm: str, args: list, rank: str, ids: list[int]) -> dict:
        """The rows of those of IDS that match the query now (a pinned page)."""
        marks = ", ".join("?" * len(ids))
        found = db.conn.execute(
            f"SELECT d.id, d.src, {rank} {frm} AND d.id IN ({marks})", [*args, *ids]
        ).fetchall()
        return {i: (i, -float(r), json.loads(src), r) for i, src, r in found}

    def _facet_counts(self, db: _Db, plan: Plan, frm: str, args: list[Any]) -> dict:
        db.conn.execute("DROP TABLE IF EXISTS temp.m")
        fields = {f.field for f in plan.facets}
        db.conn.execute(
            f"CREATE TEMP TABLE m AS SELECT {', '.join('d.' + f for f in fields)} {frm}", args
        )
        counts: dict[str, dict[str, int]] = {}
        for f in plan.facets:
            if isinstance(f, RangeFacet):
                cases = " ".join(
                    f"WHEN {f.field} >= {lo if lo is not None else -(2**62)} AND {f.field} < {hi if hi is not None else 2**62} THEN '{key}'"
                    for key, lo, hi in f.ranges
                )
                rows = db.conn.execute(
                    f"SELECT CASE {cases} END AS b, count(*) FROM m GROUP BY b"
                ).fetchall()
            else:
                rows = db.conn.execute(
                    f"SELECT {f.field}, count(*) FROM m GROUP BY {f.field}"
                ).fetchall()
            counts[f.name] = {str(k): c for k, c in rows if k is not None}
        db.conn.execute("DROP TABLE temp.m")
        return counts

    @unavailable_on_file_errors
    def execute_count(self, plan: Plan) -> int:
        db = self._open(plan.kind)
        frm, args, _ = self._from(db, plan, with_after=False)
        with db.lock:
            return db.conn.execute(f"SELECT count(*) {frm}", args).fetchone()[0]

    @unavailable_on_file_errors
    def suggest(
        self, prefix: str, *, kind: str = "jobs", limit: int = SUGGEST_LIMIT
    ) -> list[Suggestion]:
        db = self._open(kind)
        with db.lock:
            return db.suggest.lookup(prefix, limit)

    @unavailable_on_file_errors
    def vocabulary(
        self, *, kind: str = "jobs", limit: int = SPELLING_VOCABULARY
    ) -> list[tuple[str, int]]:
        db = self._open(kind)
        with db.lock:
            return db.suggest.vocabulary(SPELLING_KINDS, limit)

    @unavailable_on_file_errors
    def iter_hashes(self, kind: str = "jobs") -> Iterator[tuple[int, str]]:
        db = self._open(kind)
        rows = db.conn.execute("SELECT id, content_hash FROM docs").fetchall()
        yield from rows
