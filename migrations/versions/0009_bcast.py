"""broadcasts: the publisher's latest connection, the replay's expiry

Revision ID: 0009_bcast
Revises: 0008_chat
Create Date: 2026-12-01 16:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0009_bcast"
down_revision = "0008_chat"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("broadcasts") as batch_op:
        batch_op.add_column(sa.Column("connected_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("replay_expired_at", sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("broadcasts") as batch_op:
        batch_op.drop_column("replay_expired_at")
        batch_op.drop_column("connected_at")
