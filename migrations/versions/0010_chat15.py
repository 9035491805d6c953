"""chat: the WeChat IDs exchanged in a conversation

Revision ID: 0010_chat15
Revises: 0009_bcast
Create Date: 2026-12-01 19:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0010_chat15"
down_revision = "0009_bcast"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("conversations") as batch_op:
        batch_op.add_column(
            sa.Column("candidate_wechat", sa.String(40), server_default="", nullable=False)
        )
        batch_op.add_column(
            sa.Column("employer_wechat", sa.String(40), server_default="", nullable=False)
        )


def downgrade():
    with op.batch_alter_table("conversations") as batch_op:
        batch_op.drop_column("employer_wechat")
        batch_op.drop_column("candidate_wechat")
