"""résumés: an uploaded file remembers when its draft was copied into the résumé

Revision ID: 0014_resume_file_used
Revises: 0013_coop_answer
Create Date: 2026-12-04 15:30:00

A file confirmed once said "Ready to review" for ever and could be confirmed again, adding its
jobs and schools a second time; the page now says it was used, and a second confirm adds only
what the résumé lacks. Files confirmed before this revision cannot be told apart (NULL).
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0014_resume_file_used"
down_revision = "0013_coop_answer"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("resume_files") as batch_op:
        batch_op.add_column(sa.Column("confirmed_at", sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("resume_files") as batch_op:
        batch_op.drop_column("confirmed_at")
