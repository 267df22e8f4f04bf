"""service-unit portal: unit submissions, daily digests, joint reviews; units may attach documents

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 18:37:15.588901

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('clocks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('met_on', sa.Date(), nullable=True))
    op.create_table('digests_sent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('items', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_digests_sent_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_digests_sent')),
    sa.UniqueConstraint('user_id', 'day', name=op.f('uq_digests_sent_user_id_day'))
    )
    op.create_table('joint_reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agreement_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('pdf_name', sa.String(length=32), nullable=False),
    sa.Column('xlsx_name', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['agreement_id'], ['agreements.id'], name=op.f('fk_joint_reviews_agreement_id_agreements'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_joint_reviews')),
    sa.UniqueConstraint('agreement_id', 'period', name=op.f('uq_joint_reviews_agreement_id_period'))
    )
    with op.batch_alter_table('joint_reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_joint_reviews_agreement_id'), ['agreement_id'], unique=False)

    op.create_table('unit_submissions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('complaint_id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=True),
    sa.Column('action_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('done_on', sa.Date(), nullable=True),
    sa.Column('submitted_by_id', sa.Integer(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('answer', 'supplement', 'action_report')", name=op.f('ck_unit_submissions_kind_allowed')),
    sa.ForeignKeyConstraint(['action_id'], ['corrective_actions.id'], name=op.f('fk_unit_submissions_action_id_corrective_actions')),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaints.id'], name=op.f('fk_unit_submissions_complaint_id_complaints'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['request_id'], ['clarification_requests.id'], name=op.f('fk_unit_submissions_request_id_clarification_requests')),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['users.id'], name=op.f('fk_unit_submissions_submitted_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unit_submissions'))
    )
    with op.batch_alter_table('unit_submissions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_unit_submissions_action_id'), ['action_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_unit_submissions_complaint_id'), ['complaint_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_unit_submissions_request_id'), ['request_id'], unique=False)

    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('submission_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_attachments_submission_id'), ['submission_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_attachments_submission_id_unit_submissions'), 'unit_submissions', ['submission_id'], ['id'])
        batch_op.drop_constraint(op.f('ck_attachments_kind_allowed'), type_='check')
        batch_op.create_check_constraint(
            op.f('ck_attachments_kind_allowed'),
            "kind IN ('id_card', 'power_of_attorney', 'evidence', 'supplement', 'notice_response', 'unit_document')",
        )



def downgrade():
    with op.batch_alter_table('clocks', schema=None) as batch_op:
        batch_op.drop_column('met_on')
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_attachments_kind_allowed'), type_='check')
        batch_op.create_check_constraint(
            op.f('ck_attachments_kind_allowed'),
            "kind IN ('id_card', 'power_of_attorney', 'evidence', 'supplement', 'notice_response')",
        )
        batch_op.drop_constraint(batch_op.f('fk_attachments_submission_id_unit_submissions'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_attachments_submission_id'))
        batch_op.drop_column('submission_id')

    with op.batch_alter_table('unit_submissions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_unit_submissions_request_id'))
        batch_op.drop_index(batch_op.f('ix_unit_submissions_complaint_id'))
        batch_op.drop_index(batch_op.f('ix_unit_submissions_action_id'))

    op.drop_table('unit_submissions')
    with op.batch_alter_table('joint_reviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_joint_reviews_agreement_id'))

    op.drop_table('joint_reviews')
    op.drop_table('digests_sent')
