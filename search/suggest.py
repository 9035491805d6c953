"""Autocomplete entries kept in SQLite, used by the embedded and sqlite backends.

An entry is (kind, text) with a weight = number of live documents carrying it; its keys
(:func:`search.analysis.suggest_keys`: characters, full pinyin, initials) are matched by
prefix with an index range scan. Weights go up on index and down on delete, so replacing a
document first subtracts its old entries.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Iterable

from search import analysis
from search.query import Suggestion

SCHEMA = """
CREATE TABLE IF NOT EXISTS sg_entries (
    kind TEXT NOT NULL, text TEXT NOT NULL, weight INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (kind, text)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS sg_keys (
    key TEXT NOT NULL, kind TEXT NOT NULL, text TEXT NOT NULL,
    PRIMARY KEY (key, kind, text)) WITHOUT ROWID;
"""


KNOWN_CHUNK = 400
"""Entries looked up per query (two bound values each; SQLite allows 999 at least)."""


class SuggestStore:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        conn.executescript(SCHEMA)

    def apply(self, delta: Counter) -> None:
        """Add ``delta[(kind, text)]`` to each entry's weight (negative to remove)."""
        if not delta:
            return
        rows = [(k, t, n) for (k, t), n in delta.items() if n]
        own_tx = not self.conn.in_transaction
        if own_tx:
            self.conn.execute("BEGIN")
        try:
            self._apply(rows)
        finally:
            if own_tx:
                self.conn.execute("COMMIT")

    def _apply(self, rows: list[tuple[str, str, int]]) -> None:
        known = self._known([(kind, text) for kind, text, _ in rows])
        self.conn.executemany(
            "INSERT INTO sg_entries(kind, text, weight) VALUES (?, ?, ?) "
            "ON CONFLICT(kind, text) DO UPDATE SET weight = weight + excluded.weight",
            rows,
        )
        keys = [
            (key, k, t)
            for k, t, n in rows
            if (k, t) not in known and n > 0
            for key in analysis.suggest_keys(t)
        ]
        self.conn.executemany("INSERT OR IGNORE INTO sg_keys VALUES (?, ?, ?)", keys)

    def _known(self, entries: list[tuple[str, str]]) -> set[tuple[str, str]]:
        """Those of ENTRIES already stored (their keys exist), a few hundred per query."""
        known: set[tuple[str, str]] = set()
        for start in range(0, len(entries), KNOWN_CHUNK):
            chunk = entries[start : start + KNOWN_CHUNK]
            values = ", ".join(["(?, ?)"] * len(chunk))
            found = self.conn.execute(
                f"SELECT kind, text FROM sg_entries WHERE (kind, text) IN (VALUES {values})",
                [v for entry in chunk for v in entry],
            )
            known.update(found)
        return known

    def vocabulary(self, kinds: tuple[str, ...], limit: int) -> list[tuple[str, int]]:
        """(text, weight) of the live entries of KINDS, the heaviest LIMIT."""
        marks = ", ".join("?" * len(kinds))
        return self.conn.execute(
            f"SELECT text, weight FROM sg_entries WHERE kind IN ({marks}) AND weight > 0 "
            "ORDER BY weight DESC, text LIMIT ?",
            (*kinds, limit),
        ).fetchall()

    def lookup(self, prefix: str, limit: int) -> list[Suggestion]:
        key = analysis.prefix_key(prefix)
        if not key:
            return []
        rows = self.conn.execute(
            "SELECT e.text, e.kind, e.weight FROM sg_keys k "
            "JOIN sg_entries e ON e.kind = k.kind AND e.text = k.text "
            "WHERE k.key >= ? AND k.key < ? AND e.weight > 0 "
            "GROUP BY e.kind, e.text ORDER BY e.weight DESC, e.text, e.kind LIMIT ?",
            (key, key + "\U0010ffff", limit),
        ).fetchall()
        return [Suggestion(text=t, kind=k, weight=w) for t, k, w in rows]


def delta_for(
    records_new: Iterable[list[tuple[str, str]]], records_old: Iterable[list[tuple[str, str]]] = ()
) -> Counter:
    delta: Counter = Counter()
    for entries in records_new:
        for e in set(entries):
            delta[e] += 1
    for entries in records_old:
        for e in set(entries):
            delta[e] -= 1
    return delta


def entries_of(kind: str, source: dict) -> list[tuple[str, str]]:
    """Suggestion entries of a stored source (to subtract on replace/delete)."""
    from search.documents import spec_for

    out = []
    for name, skind in spec_for(kind).suggest_fields.items():
        value = source.get(name)
        for v in value if isinstance(value, list) else [value]:
            if v and isinstance(v, str) and len(v) <= 64:
                out.append((skind, v.strip()))
    return out
