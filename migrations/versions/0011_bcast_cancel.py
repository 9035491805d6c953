"""broadcasts: a scheduled broadcast can be cancelled (status 'cancelled')

Revision ID: 0011_bcast_cancel
Revises: 0010_chat15
Create Date: 2026-12-01 23:00:00

The status is a string column with a CHECK constraint (app.models.base.enum_column), so the
new value widens the constraint. PostgreSQL drops and adds it. SQLite cannot alter a
constraint, and Alembic's batch mode would copy the table and drop the old one: with foreign
keys on (app/database.py turns them on, and a migration's transaction cannot turn them off)
that DROP deletes every question, viewer, pin and reminder through ON DELETE CASCADE. So on
SQLite the table's stored definition is edited instead, SQLite's own procedure for changes
that leave the stored rows valid (https://sqlite.org/lang_altertable.html, "simpler
procedure"): every existing row satisfies the wider constraint.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0011_bcast_cancel"
down_revision = "0010_chat15"
branch_labels = None
depends_on = None

CONSTRAINT = "ck_broadcasts_broadcaststatus"
BEFORE = "status IN ('scheduled', 'live', 'ended')"
AFTER = "status IN ('scheduled', 'live', 'ended', 'cancelled')"


def _replace_check(old: str, new: str) -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        op.drop_constraint(op.f(CONSTRAINT), "broadcasts", type_="check")
        op.create_check_constraint(op.f(CONSTRAINT), "broadcasts", new)
        return
    table_sql = bind.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'broadcasts'"
    ).scalar_one()
    if table_sql.count(old) != 1:
        raise RuntimeError(f"broadcasts: expected the constraint {old!r} in {table_sql!r}")
    version = bind.exec_driver_sql("PRAGMA schema_version").scalar_one()
    bind.exec_driver_sql("PRAGMA writable_schema = ON")
    bind.exec_driver_sql(
        "UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = 'broadcasts'",
        (table_sql.replace(old, new),),
    )
    # Other connections re-read the schema when its version moves.
    bind.exec_driver_sql(f"PRAGMA schema_version = {int(version) + 1}")
    bind.exec_driver_sql("PRAGMA writable_schema = OFF")


def upgrade():
    _replace_check(BEFORE, AFTER)


def downgrade():
    # The narrower constraint has no place for cancelled broadcasts: they count as ended.
    op.execute(sa.text("UPDATE broadcasts SET status = 'ended' WHERE status = 'cancelled'"))
    _replace_check(AFTER, BEFORE)
