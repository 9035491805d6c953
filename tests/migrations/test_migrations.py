"""The migrations build exactly the schema the models describe, and undo it, on PostgreSQL."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from app import create_app
from app.extensions import db
from tests.conftest import base_config


@pytest.fixture
def fresh_postgres(postgres_uri, tmp_path):
    """A new, empty database on the session's PostgreSQL server."""
    admin = sa.create_engine(postgres_uri, isolation_level="AUTOCOMMIT")
    name = f"migrations_{tmp_path.name[-8:].lower().replace('-', '_')}"
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.engine.make_url(postgres_uri).set(database=name)
    yield url.render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def empty_database(kind: str, tmp_path, request) -> str:
    """The URL of a new, empty database of KIND: a SQLite file, or a PostgreSQL database
    (`fresh_postgres`, which the calling module must import)."""
    if kind == "sqlite":
        return f"sqlite:///{tmp_path / 'm.db'}"
    return request.getfixturevalue("fresh_postgres")


def rows(query: str, **params) -> list[tuple]:
    found = db.session.execute(sa.text(query), params).all()
    db.session.rollback()  # SQLite: a read left open would keep seeing the old rows
    return [tuple(row) for row in found]


def test_models_and_migrations_agree_and_go_down_and_up(fresh_postgres, tmp_path):
    app = create_app(base_config(tmp_path, fresh_postgres))
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            diff = compare_metadata(
                MigrationContext.configure(connection, opts={"compare_type": True}), db.metadata
            )
        assert diff == [], f"models and migrations differ: {diff}"

        downgrade(revision="base")
        tables = set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"}
        assert tables == set()

        upgrade()
        assert "users" in sa.inspect(db.engine).get_table_names()
        db.engine.dispose()


def test_audit_log_is_append_only(app):
    from app import audit
    from app.models import AuditEntry
    from tests import factories

    user = factories.user()
    audit.record("test.action", user, actor=user)
    db.session.commit()
    with pytest.raises(sa.exc.DBAPIError, match="append-only"):
        db.session.execute(sa.update(AuditEntry).values(action="forged"))
        db.session.flush()
    db.session.rollback()
    with pytest.raises(sa.exc.DBAPIError, match="append-only"):
        db.session.execute(sa.delete(AuditEntry))
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) == 1


def test_database_enforces_constraints(app):
    from app.models import Job
    from tests import factories

    employer = factories.employer()
    db.session.commit()
    with pytest.raises(sa.exc.IntegrityError):
        factories.job(employer, salary_min=20000, salary_max=10000)
    db.session.rollback()
    with pytest.raises(sa.exc.IntegrityError):
        factories.job(employer, region_code="999999")  # no such region: foreign key
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Job)) == 0


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_0011_widens_the_broadcast_status_and_keeps_every_row(kind, tmp_path, request):
    """0011 lets a broadcast be cancelled without touching its questions: on SQLite a copied
    table would cascade-delete them when the old one is dropped (foreign keys are on)."""
    app = create_app(base_config(tmp_path, empty_database(kind, tmp_path, request)))
    with app.app_context():
        upgrade(revision="0010_chat15")
        db.session.execute(
            sa.text(
                "INSERT INTO broadcasts (id, title, description, starts_at, documents, status,"
                " storage_key, peak_viewers, reminders_sent)"
                " VALUES (1, 't', '', CURRENT_TIMESTAMP, '[]', 'scheduled', 'k', 0, false)"
            )
        )
        db.session.execute(
            sa.text(
                "INSERT INTO broadcast_questions (broadcast_id, body, status, answer,"
                " answered_on_air, pinned, votes) VALUES (1, 'q', 'pending', '', false, false, 0)"
            )
        )
        db.session.commit()

        upgrade(revision="0011_bcast_cancel")
        db.session.execute(sa.text("UPDATE broadcasts SET status = 'cancelled'"))
        db.session.commit()
        with pytest.raises(sa.exc.IntegrityError):
            db.session.execute(sa.text("UPDATE broadcasts SET status = 'postponed'"))
            db.session.flush()
        db.session.rollback()
        assert db.session.execute(sa.text("SELECT count(*) FROM broadcast_questions")).scalar() == 1
        db.session.rollback()  # SQLite: a read left open would keep seeing the old rows

        downgrade(revision="0010_chat15")
        assert db.session.execute(sa.text("SELECT status FROM broadcasts")).scalar() == "ended"
        with pytest.raises(sa.exc.IntegrityError):
            db.session.execute(sa.text("UPDATE broadcasts SET status = 'cancelled'"))
            db.session.flush()
        db.session.rollback()
        assert db.session.execute(sa.text("SELECT count(*) FROM broadcast_questions")).scalar() == 1
        db.session.remove()
        db.engine.dispose()
