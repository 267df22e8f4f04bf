"""submission keys: the same filing form sent twice files one report

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 18:35:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("complaints", schema=None) as batch_op:
        batch_op.add_column(sa.Column("submission_key", sa.String(length=32), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_complaints_submission_key"), ["submission_key"])


def downgrade():
    with op.batch_alter_table("complaints", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_complaints_submission_key"), type_="unique")
        batch_op.drop_column("submission_key")
