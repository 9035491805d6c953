"""0017 turns the cancellation reasons stored as sentences into codes: an interview's
notification in English or Chinese gets its code (and a take-down's loses the official's
name), a take-down's grounds told to the employer get theirs, words a person typed stay as
they are; a cancelled interview gets its reason from the audit log, a closed job its close
time; the way back gives the Chinese sentences again."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from app import create_app
from app.extensions import db
from app.models import AuditEntry, Interview, Notification, Region
from tests.app.interviews.helpers import world
from tests.conftest import REGIONS, base_config
from tests.migrations.test_migrations import (  # fresh_postgres: the fixture
    empty_database,
    fresh_postgres,  # noqa: F401
    rows,
)

BEFORE = "0016_chat_blocks"
STORED = [  # (kind, params as stored before 0017, params after)
    (
        "interview_cancelled",
        {"job": "叉车司机", "by": "招聘经理", "reason": "The job was closed."},
        {"job": "叉车司机", "by": "招聘经理", "reason": "job_closed"},
    ),
    (
        "interview_cancelled",
        {"job": "叉车司机", "by": "审核员王", "reason": "该职位经地区主管部门审查后已下架。"},
        {"job": "叉车司机", "reason": "job_taken_down"},
    ),
    (
        "interview_cancelled",
        {"job": "叉车司机", "by": "李雷", "reason": "生病了"},
        {"job": "叉车司机", "by": "李雷", "reason": "生病了"},
    ),
    (
        "posting_taken_down",
        {"job": "叉车司机", "reason": "Asks candidates for money or deposits"},
        {"job": "叉车司机", "reason": "fees"},
    ),
    (
        "posting_taken_down",
        {"job": "叉车司机", "reason": "其他"},
        {"job": "叉车司机", "reason": "other"},
    ),
    (
        "job_closed",
        {"job": "叉车司机", "employer": "云聘"},
        {"job": "叉车司机", "employer": "云聘"},
    ),
]


def old_rows() -> tuple[int, int, list[int]]:
    """As 0016 stored them: notifications with sentences, a cancelled interview whose reason
    only the audit log kept, a closed job without a close time (0016's tables: the job and
    the interview are made at 0017's, then the way back drops what is new)."""
    db.session.add_all(
        Region(code=code, name=name, level=level, parent_code=parent)
        for code, name, level, parent in REGIONS
    )
    w = world()
    interview = Interview(application=w["application"])
    db.session.add(interview)
    db.session.commit()
    interview_id, job_id = interview.id, w["job"].id
    owner_id, candidate_id = w["owner"].id, w["candidate"].id
    db.session.remove()
    downgrade(revision=BEFORE)
    db.session.execute(
        sa.text("UPDATE interviews SET status = 'cancelled' WHERE id = :id"), {"id": interview_id}
    )
    db.session.execute(sa.text("UPDATE jobs SET status = 'closed' WHERE id = :id"), {"id": job_id})
    db.session.add(
        AuditEntry(
            actor_id=owner_id,
            action="interview.cancel",
            object_type="interviews",
            object_id=str(interview_id),
            data={"reason": "职位已关闭。"},
        )
    )
    notes = [
        Notification(user_id=candidate_id, kind=kind, params=before) for kind, before, _ in STORED
    ]
    db.session.add_all(notes)
    db.session.commit()
    note_ids = [note.id for note in notes]
    db.session.remove()  # SQLite: a read left open would keep seeing the rows as they are
    return interview_id, job_id, note_ids


def stored_params() -> dict[int, dict]:
    """Each notification's parameters (SQLite hands JSON back as text)."""
    return {
        note_id: params if isinstance(params, dict) else json.loads(params)
        for note_id, params in rows("SELECT id, params FROM notifications")
    }


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_0017_stores_codes_and_keeps_typed_words(kind, tmp_path, request):
    app = create_app(base_config(tmp_path, empty_database(kind, tmp_path, request)))
    with app.app_context():
        upgrade()
        interview_id, job_id, note_ids = old_rows()
        upgrade()

        params = stored_params()
        assert [params[note_id] for note_id in note_ids] == [after for _, _, after in STORED]
        assert rows(
            "SELECT cancel_reason, cancel_note FROM interviews WHERE id = :id", id=interview_id
        ) == [("job_closed", "")]
        ((closed_at, updated_at),) = rows(
            "SELECT closed_at, updated_at FROM jobs WHERE id = :id", id=job_id
        )
        assert closed_at is not None and closed_at == updated_at

        downgrade(revision=BEFORE)
        params = stored_params()
        assert params[note_ids[0]]["reason"] == "职位已关闭。"
        assert params[note_ids[1]]["reason"] == "该职位经地区主管部门审查后已下架。"
        assert params[note_ids[3]]["reason"] == "向求职者收取费用或押金"
        assert params[note_ids[2]]["reason"] == "生病了"
        columns = {c["name"] for c in sa.inspect(db.engine).get_columns("interviews")}
        assert "cancel_reason" not in columns
        db.session.remove()
        db.engine.dispose()
