"""chat: each side's block is its own (blocked_by_candidate, blocked_by_employer)

Revision ID: 0016_chat_blocks
Revises: 0015_export_revoked
Create Date: 2026-12-04 18:40:00

`conversations.blocked_by` held one side: a block by the second side was lost, so when the
first lifted its own the conversation reopened although the second had blocked it too. Each
side now has a flag of its own; a conversation is blocked while either stands. The old
column's side carries over to its flag.

No table is copied (Alembic's batch mode): with SQLite's foreign keys on, dropping the old
table would cascade-delete every message. Columns are added and dropped in place (SQLite
3.35+ drops a column itself); SQLite refuses to drop a column a table-level CHECK names, so
`blocked_by`'s CHECK (table-level as 0008 made it) is first taken out of the table's stored
definition, as 0015 edits one.
"""

import re

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0016_chat_blocks"
down_revision = "0015_export_revoked"
branch_labels = None
depends_on = None

TABLE = "conversations"
TABLE_CHECK = re.compile(
    r",\s*CONSTRAINT ck_conversations_blocked_by CHECK \(blocked_by IN \('candidate', 'employer'\)\)"
)

conversations = sa.table(
    TABLE,
    sa.column("blocked_by", sa.String),
    sa.column("blocked_by_candidate", sa.Boolean),
    sa.column("blocked_by_employer", sa.Boolean),
)


def _drop_sqlite_check(check: re.Pattern) -> None:
    bind = op.get_bind()
    table_sql = bind.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (TABLE,)
    ).scalar_one()
    without, found = check.subn("", table_sql)
    if not found:  # the column's own CHECK (this revision's downgrade): it goes with the column
        return
    version = bind.exec_driver_sql("PRAGMA schema_version").scalar_one()
    bind.exec_driver_sql("PRAGMA writable_schema = ON")
    bind.exec_driver_sql(
        "UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = ?",
        (without, TABLE),
    )
    # This and other connections re-read the schema when its version moves.
    bind.exec_driver_sql(f"PRAGMA schema_version = {int(version) + 1}")
    bind.exec_driver_sql("PRAGMA writable_schema = OFF")


def upgrade():
    for column in ("blocked_by_candidate", "blocked_by_employer"):
        op.add_column(
            TABLE, sa.Column(column, sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    for side in ("candidate", "employer"):
        op.execute(
            conversations.update()
            .where(conversations.c.blocked_by == side)
            .values({f"blocked_by_{side}": True})
        )
    if op.get_bind().dialect.name == "sqlite":
        _drop_sqlite_check(TABLE_CHECK)
    op.drop_column(TABLE, "blocked_by")


def downgrade():
    # One statement both databases speak; SQLite accepts a CHECK on an added column.
    op.execute(
        "ALTER TABLE conversations ADD COLUMN blocked_by VARCHAR(24)"
        " CONSTRAINT ck_conversations_blocked_by CHECK (blocked_by IN ('candidate', 'employer'))"
    )
    # The old column holds one side: when both blocked, the candidate's block is kept (the
    # employer's members then cannot lift it, as before this revision).
    for side in ("employer", "candidate"):
        op.execute(
            conversations.update()
            .where(conversations.c[f"blocked_by_{side}"].is_(True))
            .values(blocked_by=side)
        )
    op.drop_column(TABLE, "blocked_by_employer")
    op.drop_column(TABLE, "blocked_by_candidate")
