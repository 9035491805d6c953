"""Deferred versus IMMEDIATE BEGIN on a WAL SQLite file (docs/architecture.md, "Transactions
and races"): how many read-then-write transactions fail when 8 threads run them at once, and
how long a read waits while a writer holds the lock. Plain sqlite3, no app.

    flock /tmp/yunpin-bench.lock .venv/bin/python tools/sqlite_begin.py
"""

from __future__ import annotations

import json
import sqlite3
import tempfile
import threading
import time
from pathlib import Path

BUSY_TIMEOUT_MS = 15_000  # as app/database.py


def connect(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    return connection


def read_then_write(path: Path, begin: str, threads: int = 8, each: int = 50) -> dict:
    outcome = {"committed": 0, "failed": 0}
    count = threading.Lock()

    def run() -> None:
        connection = connect(path)
        for _ in range(each):
            try:
                connection.execute(begin)
                (n,) = connection.execute("SELECT n FROM counter").fetchone()
                connection.execute("UPDATE counter SET n = ?", (n + 1,))
                connection.execute("COMMIT")
                key = "committed"
            except sqlite3.OperationalError:  # SQLITE_BUSY_SNAPSHOT: "database is locked"
                connection.execute("ROLLBACK")
                key = "failed"
            with count:
                outcome[key] += 1

    started = time.perf_counter()
    workers = [threading.Thread(target=run) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    (counter,) = connect(path).execute("SELECT n FROM counter").fetchone()
    seconds = round(time.perf_counter() - started, 2)
    return {**outcome, "counter": counter, "seconds": seconds}


def reads_beside_a_writer(path: Path, begin: str, reads: int = 200, hold: float = 0.005) -> dict:
    stop = threading.Event()

    def writer() -> None:
        connection = connect(path)
        while not stop.is_set():
            connection.execute("BEGIN IMMEDIATE")
            connection.execute("UPDATE counter SET n = n + 1")
            time.sleep(hold)
            connection.execute("COMMIT")

    thread = threading.Thread(target=writer)
    thread.start()
    connection, waits = connect(path), []
    for _ in range(reads):
        started = time.perf_counter()
        connection.execute(begin)
        connection.execute("SELECT n FROM counter").fetchone()
        connection.execute("COMMIT")
        waits.append(time.perf_counter() - started)
    stop.set()
    thread.join()
    waits.sort()
    return {
        "p50_ms": round(waits[len(waits) // 2] * 1000, 3),
        "p99_ms": round(waits[int(len(waits) * 0.99)] * 1000, 3),
    }


def main() -> None:
    for begin in ("BEGIN", "BEGIN IMMEDIATE"):
        path = Path(tempfile.mkdtemp()) / "bench.db"
        setup = connect(path)
        setup.execute("CREATE TABLE counter (n INTEGER)")
        setup.execute("INSERT INTO counter VALUES (0)")
        result = {
            "begin": begin,
            "read_then_write_8x50": read_then_write(path, begin),
            "reads_while_writer_holds_5ms": reads_beside_a_writer(path, begin),
        }
        print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
