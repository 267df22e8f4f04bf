"""report jobs: a CHECK on the status (queued, running, done, failed)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04 15:30:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('report_jobs', schema=None) as batch_op:
        batch_op.create_check_constraint(
            op.f('ck_report_jobs_status_allowed'), "status IN ('queued', 'running', 'done', 'failed')"
        )


def downgrade():
    with op.batch_alter_table('report_jobs', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_report_jobs_status_allowed'), type_='check')
