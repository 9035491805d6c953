"""exports: a data export can be cancelled (status 'revoked')

Revision ID: 0015_export_revoked
Revises: 0014_resume_file_used
Create Date: 2026-12-04 16:30:00

A password change or reset, and "sign out other devices", cancel the account's exports: their
download links work without signing in, and whoever was locked out may hold one. The status
is a string column with a CHECK constraint (app.models.base.enum_column), so the new value
widens the constraint, the way 0011_bcast_cancel widens the broadcasts' one: PostgreSQL drops
and adds it; on SQLite the table's stored definition is edited (every stored row satisfies
the wider constraint), rather than copied by Alembic's batch mode.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0015_export_revoked"
down_revision = "0014_resume_file_used"
branch_labels = None
depends_on = None

TABLE = "data_exports"
CONSTRAINT = "ck_data_exports_exportstatus"
BEFORE = "status IN ('pending', 'ready', 'failed', 'expired')"
AFTER = "status IN ('pending', 'ready', 'failed', 'expired', 'revoked')"


def _replace_check(old: str, new: str) -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        op.drop_constraint(op.f(CONSTRAINT), TABLE, type_="check")
        op.create_check_constraint(op.f(CONSTRAINT), TABLE, new)
        return
    table_sql = bind.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (TABLE,)
    ).scalar_one()
    if table_sql.count(old) != 1:
        raise RuntimeError(f"{TABLE}: expected the constraint {old!r} in {table_sql!r}")
    version = bind.exec_driver_sql("PRAGMA schema_version").scalar_one()
    bind.exec_driver_sql("PRAGMA writable_schema = ON")
    bind.exec_driver_sql(
        "UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = ?",
        (table_sql.replace(old, new), TABLE),
    )
    # Other connections re-read the schema when its version moves.
    bind.exec_driver_sql(f"PRAGMA schema_version = {int(version) + 1}")
    bind.exec_driver_sql("PRAGMA writable_schema = OFF")


def upgrade():
    _replace_check(BEFORE, AFTER)


def downgrade():
    # The narrower constraint has no place for a cancelled export: its file is gone, as an
    # expired one's is.
    op.execute(sa.text("UPDATE data_exports SET status = 'expired' WHERE status = 'revoked'"))
    _replace_check(AFTER, BEFORE)
