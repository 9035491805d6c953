"""résumés: the occupations a candidate looks for (CSCO codes, chosen by name)

Revision ID: 0006_ui
Revises: 0005_privacy
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_ui"
down_revision = "0005_privacy"
branch_labels = None
depends_on = None


def upgrade():
    # A server default fills the rows that exist; SQLite adds a NOT NULL column only with one.
    op.add_column(
        "resumes",
        sa.Column(
            "expected_occupations", sa.JSON(), nullable=False, server_default=sa.text("'[]'")
        ),
    )


def downgrade():
    with op.batch_alter_table("resumes") as batch:
        batch.drop_column("expected_occupations")
