"""Pinned rankings: relevance cursors that survive index changes on the local backends.

A relevance score depends on the whole index (idf, average field length), so after any write
the documents of a query may swap places, and neither an offset nor a (score, id) cursor can
promise that page 2 neither repeats nor skips what page 1 had. The local engines cannot keep
an old searcher across processes (a point in time, as the cluster has), so the first page of
a relevance search pins its ranking instead: the ids of its first ``RANK_SNAPSHOT_DEPTH``
matches, in order, stored under a random token that the cursor carries with a position.
Later pages take the next ids of that list that still match the query (a deleted or changed
job that no longer matches drops out; one added since is not inserted), with their current
source. Beyond the pinned depth, and after ``RANK_SNAPSHOT_TTL``, pages follow by offset.

The list lives in its own SQLite file in the generation directory, so the readers that write
it (web processes) never wait for the indexer's transactions; a failure to save only costs
the stability (an offset cursor is returned), never the search.
"""

from __future__ import annotations

import array
import secrets
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from search.defaults import RANK_SNAPSHOT_DEPTH, RANK_SNAPSHOT_TTL
from search.query import Plan, encode_cursor

SWEEP_EVERY = 200
"""Saves between two deletions of expired lists."""


class RankSnapshots:
    def __init__(self, path: Path) -> None:
        self.conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=OFF")  # a lost list only means offset paging
        self.conn.execute("PRAGMA busy_timeout=500")
        self.conn.execute(
            "CREATE TABLE IF NOT EXISTS rankings"
            " (token TEXT PRIMARY KEY, created REAL NOT NULL, ids BLOB NOT NULL)"
        )
        self.lock = threading.Lock()
        self.saves = 0

    def save(self, ids: list[int]) -> str | None:
        """Store IDS (in rank order); the token, or None when the file cannot be written."""
        token = secrets.token_urlsafe(12)
        now = time.time()
        try:
            with self.lock:
                self.conn.execute(
                    "INSERT INTO rankings VALUES (?, ?, ?)",
                    (token, now, array.array("I", ids).tobytes()),
                )
                self.saves += 1
                if self.saves % SWEEP_EVERY == 1:
                    self.conn.execute(
                        "DELETE FROM rankings WHERE created < ?", (now - RANK_SNAPSHOT_TTL,)
                    )
        except sqlite3.Error:
            return None
        return token

    def load(self, token: str) -> list[int] | None:
        """The ids stored under TOKEN, or None (unknown, expired, unreadable)."""
        try:
            with self.lock:
                row = self.conn.execute(
                    "SELECT ids FROM rankings WHERE token = ? AND created >= ?",
                    (token, time.time() - RANK_SNAPSHOT_TTL),
                ).fetchone()
        except sqlite3.Error:
            return None
        if row is None:
            return None
        ids = array.array("I")
        ids.frombytes(row[0])
        return ids.tolist()

    def close(self) -> None:
        self.conn.close()


Row = tuple[int, float | None, dict, Any]
"""(id, score, source, sort value): what ``query.page_result`` takes."""


def first_page(
    plan: Plan,
    ranked: list[int],
    rows: list[Row],
    snapshots: RankSnapshots,
    unranked: list[int] | None = None,
) -> tuple[list[Row], str | None]:
    """The first relevance page (ROWS, the first of RANKED, the ids of the top matches) and
    its cursor: the pinned ranking, or an offset when it could not be saved.

    UNRANKED are further matches pinned by membership only (a second tier that ranking now
    would cost more than the page): :func:`pinned_page` ranks them when a page reaches them,
    among themselves, so paging still neither repeats nor skips."""
    unranked = unranked or []
    if len(ranked) + len(unranked) <= plan.size:
        return rows, None
    token = snapshots.save(ranked + unranked)
    if token is None:
        return rows, encode_cursor({"o": plan.size})
    cursor: dict[str, Any] = {"r": token, "p": plan.size}
    if unranked:
        cursor["u"] = len(ranked)
    return rows, encode_cursor(cursor)


def pinned_page(
    plan: Plan,
    ids: list[int],
    fetch: Callable[[list[int]], dict[int, Row]],
    rank: Callable[[list[int]], list[int]] | None = None,
    snapshots: RankSnapshots | None = None,
) -> tuple[list[Row], str | None]:
    """The page of ``plan.pinned`` (token, position) over its ranking IDS: the next ids
    that still match, in pinned order (FETCH returns the rows of those of some ids that match
    now), and the cursor after them (beyond a full-depth list: the offset in the current
    ranking).

    Ids from ``plan.pinned_ranked`` on were pinned unranked (:func:`first_page`): before a
    page reads them, RANK orders those that still match, and the list is saved again in
    that order (SNAPSHOTS), so later pages keep it."""
    assert plan.pinned is not None
    token, position = plan.pinned
    ranked = len(ids)
    if rank is not None and plan.pinned_ranked is not None:
        ranked = min(plan.pinned_ranked, len(ids))
    rows: list[Row] = []
    tail_ranked = False
    while len(rows) < plan.size and position < len(ids):
        if not tail_ranked and ranked < len(ids) and position + 2 * plan.size > ranked:
            assert rank is not None and snapshots is not None
            tail_ranked = True
            ids = ids[:ranked] + rank(ids[ranked:])
            saved = snapshots.save(ids)
            if saved is not None:  # else the next page ranks them again
                token, ranked = saved, len(ids)
            if position >= len(ids):
                break
        chunk = ids[position : position + 2 * plan.size]
        found = fetch(chunk)
        for doc_id in chunk:
            position += 1
            if doc_id in found:
                rows.append(found[doc_id])
                if len(rows) == plan.size:
                    break
    if position < len(ids):
        cursor: dict[str, Any] = {"r": token, "p": position}
        if ranked < len(ids):
            cursor["u"] = ranked
        return rows, encode_cursor(cursor)
    if len(ids) >= RANK_SNAPSHOT_DEPTH:
        return rows, encode_cursor({"o": position})
    return rows, None
