"""Transactions that mean the same on SQLite and PostgreSQL, and the three ways a race is
decided in the database: `update_if` (a conditional UPDATE), `lock` (SELECT … FOR UPDATE)
and `insert_missing` (INSERT … ON CONFLICT DO NOTHING).

pysqlite's own transaction handling (Python < 3.12 without `autocommit`) opens a transaction
only before an INSERT/UPDATE/DELETE: SELECTs run outside any transaction and a SAVEPOINT opened
first becomes the outer transaction, so releasing it committed (finding 1 of issue #12). We turn
that off (`isolation_level = None`) and emit BEGIN ourselves when SQLAlchemy begins, SQLAlchemy's
documented recipe, so a transaction and a savepoint mean on SQLite what they mean on PostgreSQL.

Which BEGIN (docs/architecture.md, "Transactions and races"): in WAL mode a deferred transaction
reads a snapshot; if it later writes after another connection committed, SQLite refuses at once
with SQLITE_BUSY_SNAPSHOT ("database is locked"), the busy timeout cannot help. So a request that
may write (not GET, HEAD or OPTIONS, or a view marked `@writes`) starts with BEGIN IMMEDIATE:
it queues for the one write lock, then reads and writes without losing a race. Reading requests
start with a deferred BEGIN, so pages never wait for writers, and so does code outside requests
unless it runs inside `writing()`.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TypeVar

import sqlalchemy as sa
from flask import current_app, has_request_context, request
from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.pool import Pool

log = logging.getLogger(__name__)

READING_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")
BUSY_TIMEOUT_MS = 15_000  # how long a writer queues for the write lock before giving up
OUR_AUTOCOMMIT = "yunpin_reads_in_autocommit"  # a pooled connection we put in autocommit

View = TypeVar("View", bound=Callable)

# Outside requests (commands, workers) a transaction begins deferred unless the code says it
# writes: a command that keeps a reading transaction open while it streams rows through a
# second connection (`yunpin run` building the search index) must not hold the write lock.
_writing: ContextVar[bool] = ContextVar("writing", default=False)


@contextmanager
def writing() -> Iterator[None]:
    """Transactions begun inside (outside any request) take the write lock first, as a POST's
    do: for a worker job that reads and then writes while web requests write too."""
    token = _writing.set(True)
    try:
        yield
    finally:
        _writing.reset(token)


def writes(view: View) -> View:
    """Mark a GET view that writes (a confirmation link): its transaction takes the write lock."""
    view.writes = True  # type: ignore[attr-defined]
    return view


def reads_only() -> bool:
    """True inside a request that only reads: a safe method and a view not marked `@writes`."""
    if not has_request_context():
        return not _writing.get()
    if request.method not in READING_METHODS:
        return False
    view = current_app.view_functions.get(request.endpoint or "")
    return not getattr(view, "writes", False)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.isolation_level = None  # we say BEGIN, pysqlite no longer guesses
        cursor = dbapi_connection.cursor()
        # SQLite ignores foreign keys unless asked; WAL lets the worker write while pages read.
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.close()


def pool_options(uri: str, size: int) -> dict:
    """Engine options keeping SIZE connections per process: one per web thread and a few more.
    With SQLAlchemy's default of five, the busy threads past five opened and closed a
    connection for each request, on PostgreSQL a new server process each time. An in-memory
    SQLite database has a single connection and no pool to size."""
    url = sa.make_url(uri)
    if url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"):
        return {}
    return {"pool_size": size, "max_overflow": size}


def _is_sqlite(connection: Connection) -> bool:
    return isinstance(connection.connection.dbapi_connection, sqlite3.Connection)


@event.listens_for(Engine, "begin")
def _begin(connection: Connection) -> None:
    connection.info["reads_only"] = reading = reads_only()
    connection.info["has_read"] = False
    if _is_sqlite(connection):
        connection.exec_driver_sql("BEGIN" if reading else "BEGIN IMMEDIATE")
    else:
        _select_outside_transaction(connection, reading and has_request_context())


def _select_outside_transaction(connection: Connection, enabled: bool) -> None:
    """A reading request on PostgreSQL sends its SELECTs in autocommit: no BEGIN and no
    ROLLBACK round trip per page, and psycopg keeps the statements it prepared (a ROLLBACK
    makes it deallocate them all). Under READ COMMITTED each statement reads the latest
    commit either way, so the page sees what it saw in a transaction. Its first statement
    that is not a plain SELECT begins a real transaction (`_begin_before_writing`), so what
    a reading request writes is still rolled back unless it commits."""
    pooled = connection.connection
    if enabled and not pooled.dbapi_connection.autocommit:
        pooled.dbapi_connection.autocommit = True  # between transactions: no round trip
        pooled.info[OUR_AUTOCOMMIT] = True
    elif not enabled and pooled.info.pop(OUR_AUTOCOMMIT, False):
        pooled.dbapi_connection.autocommit = False
    # An engine made with isolation_level="AUTOCOMMIT" (a test's admin engine) is left alone.
    connection.info["outside_transaction"] = pooled.info.get(OUR_AUTOCOMMIT, False)


@event.listens_for(Pool, "checkin")
def _transactions_again(dbapi_connection, record) -> None:
    """Back in the pool, a connection begins transactions again for whoever takes it next."""
    if record.info.pop(OUR_AUTOCOMMIT, False) and dbapi_connection is not None:
        dbapi_connection.autocommit = False


def _begin_before_writing(connection: Connection, cursor, statement: str) -> None:
    info = connection.info
    if not info.get("outside_transaction"):
        return
    words = statement.lstrip().upper()
    if words.startswith("SELECT") and " FOR UPDATE" not in words and " FOR SHARE" not in words:
        return
    cursor.execute("BEGIN", prepare=False)  # psycopg prepares repeated statements
    info["outside_transaction"] = False


@event.listens_for(Engine, "before_cursor_execute")
def _write_after_read(connection: Connection, cursor, statement: str, *_args) -> None:
    """On SQLite a deferred transaction that read and then writes fails when another writer
    committed in between (a write first simply waits for the lock). Say so on both databases,
    and fail in tests, so every reading view that writes is marked `@writes`."""
    _begin_before_writing(connection, cursor, statement)
    info = connection.info
    if not info.get("reads_only") or not connection.in_transaction():
        return
    if statement.lstrip().split(None, 1)[0].upper() not in WRITES:
        info["has_read"] = True
    elif info["has_read"] and has_request_context() and reads_only():
        message = f"{request.method} {request.path} writes after reading; mark its view @writes"
        if current_app.testing:
            raise AssertionError(message)
        log.warning(message)


def update_if(session: Session, row, *conditions, **values) -> bool:
    """Set VALUES on ROW in one `UPDATE … WHERE id = … AND CONDITIONS`: of requests deciding
    at once (two clicks, two colleagues), exactly one changes the row and gets True (ROW then
    shows the values); the others get False and must write nothing else."""
    model = type(row)
    changed = session.execute(
        sa.update(model)
        .where(model.id == row.id, *conditions)
        .values(**values)
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed == 1:
        for name, value in values.items():
            set_committed_value(row, name, value)
    return changed == 1


def insert_missing(session: Session, model: type, rows: list[dict]) -> int:
    """INSERT ROWS except those a unique key already holds (ON CONFLICT DO NOTHING, which both
    databases speak); returns how many were new. Two requests adding one row: neither fails."""
    if not rows:
        return 0
    dialects = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}
    insert = dialects[session.get_bind().dialect.name]
    key = sa.inspect(model).primary_key[0]
    statement = insert(model).values(rows).on_conflict_do_nothing().returning(key)
    return len(session.execute(statement).all())  # only the rows inserted come back


def lock(session: Session, row, shared: bool = False) -> None:
    """Read ROW again, locked until the commit, before deciding from its state (when the
    decision writes through the ORM, which `app.changes` follows, or touches other rows): of
    two requests at once the second waits and then sees the first one's result. PostgreSQL
    locks the row (FOR UPDATE); on SQLite a writing transaction began IMMEDIATE and holds the
    database's write lock already, so its reads are fresh.

    SHARED (FOR SHARE) is for a step that relies on ROW's state without changing it (applying
    to a job while it is open): such steps go on side by side, and one that changes the row
    waits for them, or they for it."""
    model = type(row)
    statement = sa.select(model.id).where(model.id == row.id)
    session.execute(statement.with_for_update(read=shared))
    session.refresh(row)  # a statement after the lock: it sees the previous holder's commit
