"""Fixtures for the regions tests: an app on SQLite or PostgreSQL with the demo subset loaded.

The blueprint is registered here until app/__init__.py registers it (url_prefix /regions).
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app import create_app
from app.extensions import db
from app.regions.loader import load_regions

DEMO_CODE = "420102"  # 湖北省武汉市江岸区


FULL_APP: dict[str, bool] = {}


def _minimal_app(config: dict):
    """Only our blueprint and the database: used while another area's module fails to import
    (colleagues edit the same checkout), so these tests still test the regions code."""
    from flask import Flask

    app = Flask("app", instance_path=config["INSTANCE_PATH"])
    app.config.update(config)
    db.init_app(app)
    return app


def make_app(uri: str, instance: str):
    config = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": uri,
        "INSTANCE_PATH": instance,
        "RATELIMIT_ENABLED": False,
        "WTF_CSRF_ENABLED": False,
    }
    try:
        app = create_app(config)
        FULL_APP["ok"] = True
    except ImportError as exc:  # pragma: no cover - depends on the state of other areas
        import warnings

        warnings.warn(f"create_app failed ({exc}); testing regions on a minimal app", stacklevel=2)
        FULL_APP["ok"] = False
        app = _minimal_app(config)
    if "regions" not in app.blueprints:
        from app.regions.views import bp

        app.register_blueprint(bp, url_prefix="/regions")
    if "regions" not in app.cli.commands:
        from app.regions.cli import regions_cli

        app.cli.add_command(regions_cli)
    with app.app_context():
        db.create_all()
    return app


@pytest.fixture(scope="session")
def pg_uri(tmp_path_factory):
    pgserver = pytest.importorskip("pgserver")
    # pgserver runs postgres as its own user when started by root: give it a directory it can enter.
    import os
    import tempfile

    data = tempfile.mkdtemp(prefix="yunpin-regions-pg-")
    os.chmod(data, 0o777)
    srv = pgserver.get_server(data, cleanup_mode="stop")
    yield srv.get_uri().replace("postgresql://", "postgresql+psycopg://", 1)


@pytest.fixture(scope="session", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
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
