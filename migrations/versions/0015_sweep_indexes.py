"""clocks: an index for the sweep's reminders (running, not yet reminded, by due date)

Revision ID: 0015
Revises: 0011
Create Date: 2026-12-04 17:30:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('clocks', schema=None) as batch_op:
        batch_op.create_index('ix_clocks_status_reminded_at_due_on', ['status', 'reminded_at', 'due_on'], unique=False)


def downgrade():
    with op.batch_alter_table('clocks', schema=None) as batch_op:
        batch_op.drop_index('ix_clocks_status_reminded_at_due_on')
