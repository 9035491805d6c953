"""interviews and notifications keep why as a code; jobs remember when they closed

Revision ID: 0017_cancel_reasons
Revises: 0016_chat_blocks
Create Date: 2026-12-04 22:00:00

A cancelled interview's reason was stored as a sentence in the language of whoever closed
the job ("…取消：The job was closed." on a Chinese candidate's notification), and so was the
ground of a take-down told to the employer. They are now codes (`app.labels.CANCEL_REASONS`,
`REPORT_REASONS`) said in each reader's language; what a person typed stays as written.
Stored notifications holding one of the known sentences, in English or Chinese, get its code
(a take-down's notice also loses the official's name: it says "the regional officials");
other text is left as it is. Cancelled interviews get their reason (and typed words) from the
audit log. A closed job's `closed_at` is its last change, which for a closed job is the close
(a closed job is not edited).
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0017_cancel_reasons"
down_revision = "0016_chat_blocks"
branch_labels = None
depends_on = None

CANCEL_SENTENCES = {
    "The job was closed.": "job_closed",
    "职位已关闭。": "job_closed",
    "The posting was removed after a review by the regional officials.": "job_taken_down",
    "该职位经地区主管部门审查后已下架。": "job_taken_down",
}
REPORT_SENTENCES = {
    "The employer is not who it claims to be": "fake_employer",
    "招聘方身份不实": "fake_employer",
    "Asks candidates for money or deposits": "fees",
    "向求职者收取费用或押金": "fees",
    "Pay or conditions are misleading": "misleading",
    "薪资或待遇信息虚假、误导": "misleading",
    "Asks for ID, bank or other personal data up front": "personal_data",
    "提前索要身份证、银行卡等个人信息": "personal_data",
    "Something else": "other",
    "其他": "other",
}
SENTENCES = {"interview_cancelled": CANCEL_SENTENCES, "posting_taken_down": REPORT_SENTENCES}
"""Per notification kind, the sentences its `reason` held and their codes."""
CHINESE = {
    "interview_cancelled": {
        code: text for text, code in CANCEL_SENTENCES.items() if not text.isascii()
    },
    "posting_taken_down": {
        code: text for text, code in REPORT_SENTENCES.items() if not text.isascii()
    },
}
"""The way back: each code as the Chinese sentence (the site's default language)."""

notifications = sa.table(
    "notifications", sa.column("id", sa.Integer), sa.column("kind"), sa.column("params", sa.JSON)
)
interviews = sa.table(
    "interviews",
    sa.column("id", sa.Integer),
    sa.column("application_id", sa.Integer),
    sa.column("status"),
    sa.column("cancel_reason", sa.String),
    sa.column("cancel_note", sa.String),
)
applications = sa.table(
    "applications", sa.column("id", sa.Integer), sa.column("candidate_id", sa.Integer)
)
audit_log = sa.table(
    "audit_log",
    sa.column("id", sa.Integer),
    sa.column("actor_id", sa.Integer),
    sa.column("action"),
    sa.column("object_id"),
    sa.column("data", sa.JSON),
)
jobs = sa.table(
    "jobs",
    sa.column("status"),
    sa.column("updated_at", sa.DateTime),
    sa.column("closed_at", sa.DateTime),
)


def _rewrite_notifications(change) -> None:
    """Apply CHANGE(kind, params) -> new params or None (unchanged) to the two kinds."""
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(notifications.c.id, notifications.c.kind, notifications.c.params).where(
            notifications.c.kind.in_(list(SENTENCES))
        )
    ).all()
    for row in rows:
        params = change(row.kind, dict(row.params or {}))
        if params is not None:
            bind.execute(
                notifications.update().where(notifications.c.id == row.id).values(params=params)
            )


def _to_code(kind: str, params: dict) -> dict | None:
    code = SENTENCES[kind].get(str(params.get("reason", "")).strip())
    if code is None:
        return None
    params["reason"] = code
    if code == "job_taken_down":
        params.pop("by", None)
    return params


def _to_chinese(kind: str, params: dict) -> dict | None:
    text = CHINESE[kind].get(params.get("reason", ""))
    if text is None:
        return None
    if kind == "interview_cancelled" and params["reason"] == "job_taken_down":
        params.setdefault("by", "地区主管部门")
    params["reason"] = text
    return params


def _backfill_interviews() -> None:
    bind = op.get_bind()
    cancelled = bind.execute(
        sa.select(interviews.c.id, applications.c.candidate_id)
        .join(applications, applications.c.id == interviews.c.application_id)
        .where(interviews.c.status == "cancelled")
    ).all()
    candidate_of = {str(row.id): row.candidate_id for row in cancelled}
    if not candidate_of:
        return
    entries = bind.execute(
        sa.select(audit_log.c.actor_id, audit_log.c.object_id, audit_log.c.data)
        .where(audit_log.c.action == "interview.cancel")
        .order_by(audit_log.c.id)
    ).all()
    for entry in entries:
        if entry.object_id not in candidate_of:
            continue
        typed = str((entry.data or {}).get("reason", "")).strip()
        code = CANCEL_SENTENCES.get(typed)
        if code is None:
            code = (
                "candidate_cancelled"
                if entry.actor_id == candidate_of[entry.object_id]
                else "employer_cancelled"
            )
        note = "" if typed in CANCEL_SENTENCES else typed[:500]
        bind.execute(
            interviews.update()
            .where(interviews.c.id == int(entry.object_id))
            .values(cancel_reason=code, cancel_note=note)
        )


def upgrade():
    for name, size in (("cancel_reason", 30), ("cancel_note", 500)):
        op.add_column(
            "interviews",
            sa.Column(name, sa.String(size), server_default="", nullable=False),
        )
    op.add_column("jobs", sa.Column("closed_at", sa.DateTime(), nullable=True))
    op.execute(jobs.update().where(jobs.c.status == "closed").values(closed_at=jobs.c.updated_at))
    _backfill_interviews()
    _rewrite_notifications(_to_code)


def downgrade():
    _rewrite_notifications(_to_chinese)
    op.drop_column("jobs", "closed_at")
    for name in ("cancel_note", "cancel_reason"):
        op.drop_column("interviews", name)
