"""workflow: registration, clarification requests, final reports, corrective actions, recommendations

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 18:00:44.864895

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('registration_counters',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('office_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('series', sa.String(length=10), nullable=False),
    sa.Column('last_number', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['office_id'], ['offices.id'], name=op.f('fk_registration_counters_office_id_offices')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_registration_counters')),
    sa.UniqueConstraint('office_id', 'year', 'series', name=op.f('uq_registration_counters_office_id_year_series'))
    )
    op.create_table('final_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('complaint_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=10), nullable=False),
    sa.Column('conclusion', sa.String(length=20), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('issued_by_id', sa.Integer(), nullable=False),
    sa.CheckConstraint("conclusion IN ('found', 'not_found', 'stopped')", name=op.f('ck_final_reports_conclusion_allowed')),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaints.id'], name=op.f('fk_final_reports_complaint_id_complaints'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['issued_by_id'], ['users.id'], name=op.f('fk_final_reports_issued_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_final_reports')),
    sa.UniqueConstraint('complaint_id', name=op.f('uq_final_reports_complaint_id'))
    )
    op.create_table('recommendations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('complaint_id', sa.Integer(), nullable=False),
    sa.Column('addressed_to', sa.String(length=200), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('issued_by_id', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.String(length=20), nullable=True),
    sa.Column('outcome_note', sa.Text(), nullable=True),
    sa.Column('outcome_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("outcome IN ('implemented', 'partly', 'not_implemented')", name=op.f('ck_recommendations_outcome_allowed')),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaints.id'], name=op.f('fk_recommendations_complaint_id_complaints'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['issued_by_id'], ['users.id'], name=op.f('fk_recommendations_issued_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recommendations')),
    sa.UniqueConstraint('complaint_id', name=op.f('uq_recommendations_complaint_id'))
    )
    op.create_table('clarification_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('complaint_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('questions', sa.Text(), nullable=False),
    sa.Column('clock_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_by_id', sa.Integer(), nullable=True),
    sa.Column('answer', sa.Text(), nullable=True),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("status IN ('open', 'answered', 'unanswered')", name=op.f('ck_clarification_requests_status_allowed')),
    sa.ForeignKeyConstraint(['answered_by_id'], ['users.id'], name=op.f('fk_clarification_requests_answered_by_id_users')),
    sa.ForeignKeyConstraint(['clock_id'], ['clocks.id'], name=op.f('fk_clarification_requests_clock_id_clocks')),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaints.id'], name=op.f('fk_clarification_requests_complaint_id_complaints'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sent_by_id'], ['users.id'], name=op.f('fk_clarification_requests_sent_by_id_users')),
    sa.ForeignKeyConstraint(['unit_id'], ['service_units.id'], name=op.f('fk_clarification_requests_unit_id_service_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_clarification_requests')),
    sa.UniqueConstraint('complaint_id', 'round', name=op.f('uq_clarification_requests_complaint_id_round'))
    )
    with op.batch_alter_table('clarification_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_clarification_requests_complaint_id'), ['complaint_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_clarification_requests_unit_id'), ['unit_id'], unique=False)

    op.create_table('corrective_actions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('final_report_id', sa.Integer(), nullable=False),
    sa.Column('complaint_id', sa.Integer(), nullable=False),
    sa.Column('addressee', sa.String(length=20), nullable=False),
    sa.Column('addressee_name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('clock_id', sa.Integer(), nullable=False),
    sa.Column('report', sa.Text(), nullable=True),
    sa.Column('reported_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('verdict', sa.String(length=20), nullable=True),
    sa.Column('verdict_reason', sa.Text(), nullable=True),
    sa.Column('verdict_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('verdict_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("addressee IN ('unit', 'superior', 'related_agency')", name=op.f('ck_corrective_actions_addressee_allowed')),
    sa.CheckConstraint("verdict IN ('implemented', 'partly', 'not_implemented')", name=op.f('ck_corrective_actions_verdict_allowed')),
    sa.ForeignKeyConstraint(['clock_id'], ['clocks.id'], name=op.f('fk_corrective_actions_clock_id_clocks')),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaints.id'], name=op.f('fk_corrective_actions_complaint_id_complaints'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['final_report_id'], ['final_reports.id'], name=op.f('fk_corrective_actions_final_report_id_final_reports'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['verdict_by_id'], ['users.id'], name=op.f('fk_corrective_actions_verdict_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_corrective_actions'))
    )
    with op.batch_alter_table('corrective_actions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_corrective_actions_complaint_id'), ['complaint_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_corrective_actions_final_report_id'), ['final_report_id'], unique=False)

    op.create_table('final_report_forms',
    sa.Column('final_report_id', sa.Integer(), nullable=False),
    sa.Column('form_code', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['final_report_id'], ['final_reports.id'], name=op.f('fk_final_report_forms_final_report_id_final_reports'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['form_code'], ['maladministration_forms.code'], name=op.f('fk_final_report_forms_form_code_maladministration_forms')),
    sa.PrimaryKeyConstraint('final_report_id', 'form_code', name=op.f('pk_final_report_forms'))
    )
    with op.batch_alter_table('clocks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reminded_at', sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table('complaints', schema=None) as batch_op:
        # Existing rows are public reports with no checks recorded yet.
        batch_op.add_column(sa.Column('kind', sa.String(length=20), nullable=False, server_default='report'))
        batch_op.add_column(sa.Column('verification_checks', sa.JSON(), nullable=False, server_default='{}'))
        batch_op.add_column(sa.Column('registration_number', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('registered_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('examiner_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('summons_count', sa.Integer(), nullable=False, server_default='0'))
        batch_op.create_index(batch_op.f('ix_complaints_examiner_id'), ['examiner_id'], unique=False)
        batch_op.create_unique_constraint(batch_op.f('uq_complaints_registration_number'), ['registration_number'])
        batch_op.create_foreign_key(batch_op.f('fk_complaints_examiner_id_users'), 'users', ['examiner_id'], ['id'])
        batch_op.create_check_constraint(
            op.f('ck_complaints_kind_allowed'), "kind IN ('report', 'quick_response', 'own_motion')"
        )
        batch_op.create_check_constraint(
            op.f('ck_complaints_registered_has_number'),
            "status NOT IN ('registered', 'examination', 'pre_report_notice', 'corrective_monitoring', 'resolution', "
            "'recommendation') OR registration_number IS NOT NULL",
        )
        batch_op.create_check_constraint(
            op.f('ck_complaints_examination_has_examiner'), "status != 'examination' OR examiner_id IS NOT NULL"
        )

    with op.batch_alter_table('complaints', schema=None) as batch_op:
        # The defaults served the existing rows; from now on the application always sets these.
        batch_op.alter_column('kind', server_default=None)
        batch_op.alter_column('verification_checks', server_default=None)
        batch_op.alter_column('summons_count', server_default=None)



def downgrade():
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_complaints_examination_has_examiner'), type_='check')
        batch_op.drop_constraint(op.f('ck_complaints_registered_has_number'), type_='check')
        batch_op.drop_constraint(op.f('ck_complaints_kind_allowed'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_complaints_examiner_id_users'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_complaints_registration_number'), type_='unique')
        batch_op.drop_index(batch_op.f('ix_complaints_examiner_id'))
        batch_op.drop_column('summons_count')
        batch_op.drop_column('examiner_id')
        batch_op.drop_column('registered_at')
        batch_op.drop_column('registration_number')
        batch_op.drop_column('verification_checks')
        batch_op.drop_column('kind')

    with op.batch_alter_table('clocks', schema=None) as batch_op:
        batch_op.drop_column('reminded_at')

    op.drop_table('final_report_forms')
    with op.batch_alter_table('corrective_actions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_corrective_actions_final_report_id'))
        batch_op.drop_index(batch_op.f('ix_corrective_actions_complaint_id'))

    op.drop_table('corrective_actions')
    with op.batch_alter_table('clarification_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_clarification_requests_unit_id'))
        batch_op.drop_index(batch_op.f('ix_clarification_requests_complaint_id'))

    op.drop_table('clarification_requests')
    op.drop_table('recommendations')
    op.drop_table('final_reports')
    op.drop_table('registration_counters')
