"""cooperation: agreements are proposed by one region and accepted by the other

Revision ID: 0013_coop_answer
Revises: 0012_updated_at
Create Date: 2026-12-04 12:00:00

New states (proposed, declined, withdrawn), the region a proposal waits for, and who
answered or ended an agreement and when. Nothing references this table, so SQLite's batch
copy of it cannot cascade anywhere (unlike 0011's broadcasts).

An agreement already stored stays in force when its author spoke for both ends (an official
covering both regions, an administrator, or the platform); one entered by one side alone
becomes a proposal to the other side, as the app now makes it.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0013_coop_answer"
down_revision = "0012_updated_at"
branch_labels = None
depends_on = None

TABLE = "cooperation_agreements"
STATUS = "agreementstatus"
BEFORE = ("active", "ended")
AFTER = ("proposed", "active", "declined", "withdrawn", "ended")
USERS = ("answered_by_id", "ended_by_id")


def _status_check(batch_op, values) -> None:
    listed = ", ".join(f"'{value}'" for value in values)
    batch_op.drop_constraint(op.f(f"ck_{TABLE}_{STATUS}"), type_="check")
    batch_op.create_check_constraint(op.f(f"ck_{TABLE}_{STATUS}"), sa.text(f"status IN ({listed})"))


def upgrade():
    with op.batch_alter_table(TABLE) as batch_op:
        batch_op.add_column(sa.Column("awaiting_code", sa.String(length=12), nullable=True))
        batch_op.add_column(sa.Column("answered_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("answered_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("ended_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("ended_at", sa.DateTime(), nullable=True))
        batch_op.create_foreign_key(
            op.f(f"fk_{TABLE}_awaiting_code_regions"), "regions", ["awaiting_code"], ["code"]
        )
        for column in USERS:
            batch_op.create_foreign_key(
                op.f(f"fk_{TABLE}_{column}_users"),
                "users",
                [column],
                ["id"],
                ondelete="SET NULL",
            )
        _status_check(batch_op, AFTER)

    bind = op.get_bind()
    rows = bind.execute(
        sa.text(
            f"SELECT a.id, a.origin_code, a.destination_code, a.created_by_id, a.created_at,"
            f" u.role, u.region_code FROM {TABLE} a LEFT JOIN users u ON u.id = a.created_by_id"
            f" WHERE a.status = 'active'"
        )
    ).all()
    for row in rows:
        region = "" if row.role in (None, "admin") else (row.region_code or "-")
        covers_origin = row.origin_code.startswith(region)
        covers_destination = row.destination_code.startswith(region)
        if covers_origin and covers_destination:
            bind.execute(
                sa.text(
                    f"UPDATE {TABLE} SET answered_by_id = :author, answered_at = :at WHERE id = :id"
                ),
                {"author": row.created_by_id, "at": row.created_at, "id": row.id},
            )
        else:
            awaiting = row.origin_code if covers_destination else row.destination_code
            bind.execute(
                sa.text(
                    f"UPDATE {TABLE} SET status = 'proposed', awaiting_code = :awaiting"
                    " WHERE id = :id"
                ),
                {"awaiting": awaiting, "id": row.id},
            )


def downgrade():
    # The narrower states: a proposal counts as in force (as before this revision), a
    # declined or withdrawn one as ended.
    op.execute(sa.text(f"UPDATE {TABLE} SET status = 'active' WHERE status = 'proposed'"))
    op.execute(
        sa.text(f"UPDATE {TABLE} SET status = 'ended' WHERE status IN ('declined', 'withdrawn')")
    )
    with op.batch_alter_table(TABLE) as batch_op:
        _status_check(batch_op, BEFORE)
        for column in reversed(USERS):
            batch_op.drop_constraint(op.f(f"fk_{TABLE}_{column}_users"), type_="foreignkey")
        batch_op.drop_constraint(op.f(f"fk_{TABLE}_awaiting_code_regions"), type_="foreignkey")
        for column in ("ended_at", "ended_by_id", "answered_at", "answered_by_id", "awaiting_code"):
            batch_op.drop_column(column)
