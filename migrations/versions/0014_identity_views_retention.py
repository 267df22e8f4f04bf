"""identity_views: who was shown a reporter's identity (append-only; PostgreSQL refuses UPDATE and DELETE);
reporter_identities: anonymised_at, and birth date and marital status empty once anonymised

Revision ID: 0014
Revises: 0011
Create Date: 2026-12-04 17:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

# A row of the record is never changed nor removed: the trigger answers any UPDATE or DELETE with an error, whoever
# sends it. (TRUNCATE and DROP need the table's owner; see the README, "Personal data".)
APPEND_ONLY_FUNCTION = """
CREATE FUNCTION identity_views_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'identity_views is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$
"""
APPEND_ONLY_TRIGGER = """
CREATE TRIGGER identity_views_append_only BEFORE UPDATE OR DELETE ON identity_views
FOR EACH ROW EXECUTE FUNCTION identity_views_append_only()
"""


def upgrade():
    op.create_table('identity_views',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('viewed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('complaint_id', sa.Integer(), nullable=False),
    sa.Column('office_id', sa.Integer(), nullable=False),
    sa.Column('shown', sa.String(length=20), nullable=False),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.CheckConstraint("shown IN ('identity', 'contacts', 'id_card', 'power_of_attorney')", name=op.f('ck_identity_views_shown_allowed')),
    sa.CheckConstraint("channel IN ('page', 'api', 'download')", name=op.f('ck_identity_views_channel_allowed')),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaints.id'], name=op.f('fk_identity_views_complaint_id_complaints')),
    sa.ForeignKeyConstraint(['office_id'], ['offices.id'], name=op.f('fk_identity_views_office_id_offices')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_identity_views_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_identity_views'))
    )
    with op.batch_alter_table('identity_views', schema=None) as batch_op:
        batch_op.create_index('ix_identity_views_complaint_id_viewed_at', ['complaint_id', 'viewed_at'], unique=False)
        batch_op.create_index('ix_identity_views_office_id_viewed_at', ['office_id', 'viewed_at'], unique=False)
        batch_op.create_index('ix_identity_views_user_id_viewed_at', ['user_id', 'viewed_at'], unique=False)
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(APPEND_ONLY_FUNCTION)
        op.execute(APPEND_ONLY_TRIGGER)

    with op.batch_alter_table('reporter_identities', schema=None) as batch_op:
        batch_op.add_column(sa.Column('anonymised_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.alter_column('birth_date', existing_type=sa.Date(), nullable=True)
        batch_op.alter_column('marital_status', existing_type=sa.String(length=20), nullable=True)
        batch_op.create_check_constraint(
            op.f('ck_reporter_identities_complete_until_anonymised'),
            'anonymised_at IS NOT NULL OR (birth_date IS NOT NULL AND marital_status IS NOT NULL)',
        )


def downgrade():
    # Anonymised identities have no birth date or marital status to put back: the downgrade refuses to run over
    # them rather than invent values.
    anonymised = op.get_bind().execute(
        sa.text('SELECT count(*) FROM reporter_identities WHERE anonymised_at IS NOT NULL')
    ).scalar()
    if anonymised:
        raise RuntimeError(f'{anonymised} reporter identities are anonymised; 0014 cannot be downgraded over them')
    with op.batch_alter_table('reporter_identities', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_reporter_identities_complete_until_anonymised'), type_='check')
        batch_op.alter_column('marital_status', existing_type=sa.String(length=20), nullable=False)
        batch_op.alter_column('birth_date', existing_type=sa.Date(), nullable=False)
        batch_op.drop_column('anonymised_at')

    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP TRIGGER identity_views_append_only ON identity_views')
        op.execute('DROP FUNCTION identity_views_append_only()')
    with op.batch_alter_table('identity_views', schema=None) as batch_op:
        batch_op.drop_index('ix_identity_views_user_id_viewed_at')
        batch_op.drop_index('ix_identity_views_office_id_viewed_at')
        batch_op.drop_index('ix_identity_views_complaint_id_viewed_at')

    op.drop_table('identity_views')
