"""recommendation lists remember which version of matching's reasons they hold

Revision ID: 0018_reasons_version
Revises: 0017_cancel_reasons
Create Date: 2026-12-05 03:30:00

A stored list keeps the reasons computed with it (codes and parameters: which skills a
reason counts and names). When matching changes those (`matching.reasons.VERSION`), a list
computed before was shown unchanged until the sweep's six-hourly refresh reached it. Lists
now carry the version they were computed under; every stored list starts at 0, older than
any version, so each is recomputed when its candidate next opens the page or by the sweep.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0018_reasons_version"
down_revision = "0017_cancel_reasons"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("recommendation_lists", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("reasons_version", sa.Integer(), server_default="0", nullable=False)
        )


def downgrade():
    with op.batch_alter_table("recommendation_lists", schema=None) as batch_op:
        batch_op.drop_column("reasons_version")
