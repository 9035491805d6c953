"""Fixtures for the regions tests: an app on SQLite or PostgreSQL with the demo subset loaded.

The loaded tree is shared by the whole session, so it lives on a PostgreSQL server of its own:
the shared one is emptied between the other app tests.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app import create_app
from app.extensions import db
from app.regions.loader import load_regions

DEMO_CODE = "420102"  # 湖北省武汉市江岸区


def make_app(uri: str, instance: str):
    config = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": uri,
        "INSTANCE_PATH": instance,
        "RATELIMIT_ENABLED": False,
        "WTF_CSRF_ENABLED": False,
    }
    app = create_app(config)
    with app.app_context():
        db.create_all()
    return app


@pytest.fixture(scope="session")
def pg_uri():
    """A PostgreSQL server of its own, stopped and removed when the session ends."""
    # pgserver runs postgres as its own user when started by root: give it a directory it can enter.
    import os
    import shutil
    import tempfile

    import pgserver

    data = tempfile.mkdtemp(prefix="yunpin-regions-pg-")
    os.chmod(data, 0o777)
    srv = pgserver.get_server(data, cleanup_mode="stop")
    try:
        yield srv.get_uri().replace("postgresql://", "postgresql+psycopg://", 1)
    finally:
        srv.cleanup()
        shutil.rmtree(data, ignore_errors=True)


@pytest.fixture(
    scope="session", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def loaded_app(request, tmp_path_factory):
    """An app whose regions table holds levels 1-3 nationwide plus 江岸区's subtree."""
    instance = str(tmp_path_factory.mktemp(f"inst-{request.param}"))
    if request.param == "sqlite":
        uri = f"sqlite:///{instance}/regions.db"
    else:
        uri = request.getfixturevalue("pg_uri")
    app = make_app(uri, instance)
    with app.app_context():
        db.session.execute(sa.text("DELETE FROM regions"))
        load_regions(db.session, only_under=DEMO_CODE)
        db.session.commit()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(loaded_app):
    return loaded_app.test_client()
