"""0016 gives each side of a conversation a block of its own: the old `blocked_by` carries
over, no message is lost (on SQLite a copied table would cascade-delete them when the old one
is dropped), and the way back keeps one side per conversation."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from app import create_app
from app.extensions import db
from app.models import Message, Region, Role
from tests import factories
from tests.conftest import REGIONS, base_config
from tests.migrations.test_migrations import (  # fresh_postgres: the fixture
    empty_database,
    fresh_postgres,  # noqa: F401
    rows,
)

BEFORE = "0015_export_revoked"


def old_conversations(blocked_by: list[str | None]) -> list[int]:
    """Conversations as 0015 stored them, one per BLOCKED_BY, each with a message; their ids.
    The people and jobs are made by the models at the head, then the schema goes back to
    0015 (whose tables lack later columns), where the conversations are written in SQL."""
    db.session.add_all(
        Region(code=code, name=name, level=level, parent_code=parent)
        for code, name, level, parent in REGIONS
    )
    candidate = factories.user(Role.SEEKER)
    employer = factories.employer()
    jobs = [factories.job(employer) for _ in blocked_by]
    db.session.commit()
    candidate_id, employer_id, job_ids = candidate.id, employer.id, [job.id for job in jobs]
    db.session.remove()
    downgrade(revision=BEFORE)
    ids = []
    for side, job_id in zip(blocked_by, job_ids, strict=True):
        ids.append(
            db.session.execute(
                sa.text(
                    "INSERT INTO conversations (job_id, candidate_id, employer_id, started_by,"
                    " last_message_at, candidate_read_up_to, employer_read_up_to,"
                    " candidate_shares_contact, employer_shares_contact, report_reason,"
                    " blocked_by) VALUES (:job, :candidate, :employer, 'candidate',"
                    " CURRENT_TIMESTAMP, 0, 0, :no, :no, '', :side) RETURNING id"
                ),
                {
                    "job": job_id,
                    "candidate": candidate_id,
                    "employer": employer_id,
                    "no": False,
                    "side": side,
                },
            ).scalar_one()
        )
        db.session.add(
            Message(conversation_id=ids[-1], sender_id=candidate_id, side="candidate", text="您好")
        )
    db.session.commit()
    return ids


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_0016_carries_each_block_over_and_back(kind, tmp_path, request):
    app = create_app(base_config(tmp_path, empty_database(kind, tmp_path, request)))
    flags = "SELECT id, blocked_by_candidate, blocked_by_employer FROM conversations"
    with app.app_context():
        upgrade()
        ids = old_conversations(["candidate", "employer", None, None])

        upgrade()
        assert sorted(rows(flags)) == [
            (ids[0], True, False),
            (ids[1], False, True),
            (ids[2], False, False),
            (ids[3], False, False),
        ]
        assert rows("SELECT count(*) FROM messages") == [(4,)]
        columns = {c["name"] for c in sa.inspect(db.engine).get_columns("conversations")}
        assert "blocked_by" not in columns
        # The other CHECKs stand (SQLite: only blocked_by's left the stored table).
        with pytest.raises(sa.exc.IntegrityError):
            db.session.execute(sa.text("UPDATE conversations SET reported_by = 'official'"))
            db.session.flush()
        db.session.rollback()
        if kind == "sqlite":
            assert rows("PRAGMA integrity_check") == [("ok",)]

        # Both sides block the third; on the way back one side is kept for it.
        db.session.execute(
            sa.text(
                "UPDATE conversations SET blocked_by_candidate = :yes, blocked_by_employer = :yes"
                " WHERE id = :id"
            ),
            {"yes": True, "id": ids[2]},
        )
        db.session.commit()
        downgrade(revision=BEFORE)
        assert sorted(rows("SELECT id, blocked_by FROM conversations")) == [
            (ids[0], "candidate"),
            (ids[1], "employer"),
            (ids[2], "candidate"),
            (ids[3], None),
        ]
        assert rows("SELECT count(*) FROM messages") == [(4,)]
        with pytest.raises(sa.exc.IntegrityError):
            db.session.execute(sa.text("UPDATE conversations SET blocked_by = 'official'"))
            db.session.flush()
        db.session.rollback()

        # And up again from the downgraded table (on SQLite its CHECK is now the column's).
        upgrade()
        assert sorted(rows(flags))[2] == (ids[2], True, False)
        assert rows("SELECT count(*) FROM messages") == [(4,)]
        db.session.remove()
        db.engine.dispose()
