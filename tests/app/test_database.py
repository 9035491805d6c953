"""Transactions mean the same on SQLite and PostgreSQL (app/database.py), also under concurrency."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Region
from tests import factories
from tests.concurrency import at_once
from tests.web import as_user


def region_names(prefix: str) -> list[str]:
    return list(db.session.scalars(sa.select(Region.name).where(Region.code.startswith(prefix))))


def test_a_released_savepoint_is_undone_by_the_outer_rollback(app):
    """Finding 1 of issue #12: on SQLite the savepoint opened the transaction, so releasing
    it committed the row; the later rollback could not undo it."""
    with app.test_request_context(method="POST"):
        with db.session.begin_nested():
            db.session.add(Region(code="99", name="savepoint", level=1))
        db.session.rollback()
    assert region_names("99") == []


def test_a_rolled_back_savepoint_keeps_the_outer_transaction(app):
    with app.test_request_context(method="POST"):
        db.session.add(Region(code="98", name="outer", level=1))
        db.session.flush()
        with pytest.raises(sa.exc.IntegrityError), db.session.begin_nested():
            db.session.add(Region(code="98", name="duplicate", level=1))
        db.session.commit()
    assert region_names("98") == ["outer"]


def test_concurrent_read_then_write_transactions_all_commit(app):
    """Each writer reads, then writes what it read plus one. On SQLite, BEGIN IMMEDIATE makes
    them queue for the lock instead of failing with "database is locked" (a deferred BEGIN
    lost 350 of 400 such transactions, docs/benchmarks.md); none loses an update there."""
    db.session.add(Region(code="97", name="0", level=1))
    db.session.commit()

    def bump(_n: int) -> None:
        row = db.session.get(Region, "97")
        row.name = str(int(row.name) + 1)

    outcomes = at_once(app, 8, bump)
    assert outcomes == [None] * 8
    if db.engine.dialect.name == "sqlite":  # PostgreSQL's READ COMMITTED may lose updates
        assert region_names("97") == ["8"]


def test_a_page_is_read_while_a_writer_holds_the_lock(app, client):
    """Reading requests begin deferred: a writer holding SQLite's write lock does not make
    them wait (with BEGIN IMMEDIATE this page would wait for the writer's commit)."""
    as_user(client, factories.user())
    db.session.commit()
    holding, release = threading.Event(), threading.Event()

    def writer() -> None:
        with app.app_context(), app.test_request_context(method="POST"):
            db.session.add(Region(code="96", name="held", level=1))
            db.session.flush()  # the write lock is taken here and kept until the commit
            holding.set()
            release.wait()
            db.session.commit()
            db.session.remove()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert holding.wait(30)
        assert client.get("/settings").status_code == 200  # signed in: not sent to log in
    finally:
        release.set()
        thread.join()
    db.session.commit()  # the page's snapshot ends; the writer's row is there
    assert region_names("96") == ["held"]


def test_a_reading_request_that_writes_fails_in_tests(app, client):
    """A GET view that writes must say `@writes`, or it would lose races on SQLite."""
    from flask import Blueprint

    from app.database import writes

    probe = Blueprint("probe", __name__)

    @probe.route("/probe/silent")
    def silent():
        db.session.get(Region, "42")
        db.session.add(Region(code="95", name="silent", level=1))
        db.session.commit()
        return "ok"

    @probe.route("/probe/declared")
    @writes
    def declared():
        db.session.get(Region, "42")
        db.session.add(Region(code="94", name="declared", level=1))
        db.session.commit()
        return "ok"

    app.register_blueprint(probe)
    app.config["PROPAGATE_EXCEPTIONS"] = True
    db.session.close()
    with pytest.raises(AssertionError, match="mark its view @writes"):
        client.get("/probe/silent")
    db.session.rollback()
    assert client.get("/probe/declared").status_code == 200
    assert region_names("95") == [] and region_names("94") == ["declared"]


@pytest.mark.parametrize("database_uri", ["sqlite"], indirect=True)  # what BEGIN SQLite gets
def test_outside_requests_only_writing_takes_the_write_lock_at_begin(app):
    import sqlite3

    from app.database import writing

    db.session.close()
    other = sqlite3.connect(db.engine.url.database, timeout=0.1, isolation_level=None)
    with writing():
        db.session.scalar(sa.select(Region.code).limit(1))  # begins IMMEDIATE, only reads
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
        db.session.rollback()
    db.session.scalar(sa.select(Region.code).limit(1))  # a command's read: deferred, no lock
    other.execute("BEGIN IMMEDIATE")
    other.execute("ROLLBACK")
    db.session.rollback()
    other.close()


def _dbapi_connection():
    return db.session.connection().connection.dbapi_connection


def test_a_reading_request_on_postgresql_selects_outside_a_transaction(app):
    """No BEGIN and no ROLLBACK round trip per page on PostgreSQL (autocommit, which also
    keeps psycopg's prepared statements); SQLite still reads in a deferred transaction."""
    db.session.commit()
    with app.test_request_context(method="GET"):
        assert db.session.scalar(sa.select(Region.name).where(Region.code == "42")) == "湖北省"
        connection = _dbapi_connection()
        if db.engine.dialect.name == "postgresql":
            from psycopg.pq import TransactionStatus

            assert connection.autocommit
            assert connection.info.transaction_status == TransactionStatus.IDLE
        else:
            assert connection.in_transaction
        db.session.rollback()
    # Outside requests (workers, commands) transactions begin as before.
    db.session.scalar(sa.select(Region.name).where(Region.code == "42"))
    connection = _dbapi_connection()
    assert (
        connection.in_transaction
        if db.engine.dialect.name == "sqlite"
        else not connection.autocommit
    )


def test_what_a_reading_request_writes_is_rolled_back_unless_it_commits(app):
    """A write (first, as the API token's last-use stamp) begins a real transaction on
    PostgreSQL too, so the request's end rolls it back as it did in a transaction."""
    db.session.commit()
    with app.test_request_context(method="GET"):
        db.session.add(Region(code="96", name="rolled back", level=1))
        db.session.flush()
        if db.engine.dialect.name == "postgresql":
            from psycopg.pq import TransactionStatus

            assert _dbapi_connection().info.transaction_status == TransactionStatus.INTRANS
        db.session.rollback()
    assert region_names("96") == []
    db.session.commit()
    with app.test_request_context(method="GET"):
        db.session.add(Region(code="95", name="committed", level=1))
        db.session.commit()
    db.session.rollback()
    assert region_names("95") == ["committed"]


def test_a_process_keeps_a_connection_for_each_web_thread(app):
    """SQLAlchemy's default pool keeps five: past five busy threads, every request opened and
    closed a connection (on PostgreSQL a server process each time)."""
    assert db.engine.pool.size() == app.config["DATABASE_POOL_SIZE"] >= 10
