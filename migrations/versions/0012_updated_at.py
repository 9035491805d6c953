"""matching: jobs, résumés and embeddings indexed by updated_at

Revision ID: 0012_updated_at
Revises: 0011_bcast_cancel
Create Date: 2026-12-03 07:00:00

Each web process syncs its large-region retriever with what changed since it last looked
(app/ranking/stage_one.py): without these indexes every sync read whole tables.
"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0012_updated_at"
down_revision = "0011_bcast_cancel"
branch_labels = None
depends_on = None

TABLES = ("jobs", "resumes")


def upgrade():
    for table in TABLES:
        op.create_index(op.f(f"ix_{table}_updated_at"), table, ["updated_at"], unique=False)
    op.create_index("ix_embeddings_kind_updated_at", "embeddings", ["kind", "updated_at"])


def downgrade():
    op.drop_index("ix_embeddings_kind_updated_at", table_name="embeddings")
    for table in TABLES:
        op.drop_index(op.f(f"ix_{table}_updated_at"), table_name=table)
