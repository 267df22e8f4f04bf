"""assessments: the yearly band tables and dimensions, and the regions' published results

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 19:09:26.289390

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('assessment_bands',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('era', sa.String(length=2), nullable=False),
    sa.Column('category', sa.String(length=1), nullable=True),
    sa.Column('lower', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('upper', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('opinion', sa.String(length=80), nullable=False),
    sa.Column('zone', sa.String(length=10), nullable=False),
    sa.CheckConstraint("zone IN ('hijau', 'kuning', 'merah')", name=op.f('ck_assessment_bands_zone_allowed')),
    sa.CheckConstraint('lower <= upper', name=op.f('ck_assessment_bands_lower_not_above_upper')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessment_bands')),
    sa.UniqueConstraint('year', 'lower', name=op.f('uq_assessment_bands_year_lower'))
    )
    op.create_table('assessment_dimensions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('label', sa.String(length=120), nullable=False),
    sa.Column('weight_percent', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('what_is_measured', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessment_dimensions')),
    sa.UniqueConstraint('year', 'code', name=op.f('uq_assessment_dimensions_year_code'))
    )
    op.create_table('assessments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('score', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('stated_zone', sa.String(length=10), nullable=True),
    sa.Column('stated_category', sa.String(length=1), nullable=True),
    sa.Column('rank_province', sa.Integer(), nullable=True),
    sa.Column('rank_national', sa.Integer(), nullable=True),
    sa.Column('source', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('score >= 0 AND score <= 100', name=op.f('ck_assessments_score_range')),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_assessments_region_id_regions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessments')),
    sa.UniqueConstraint('region_id', 'year', name=op.f('uq_assessments_region_id_year'))
    )
    with op.batch_alter_table('assessments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assessments_region_id'), ['region_id'], unique=False)



def downgrade():
    with op.batch_alter_table('assessments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assessments_region_id'))

    op.drop_table('assessments')
    op.drop_table('assessment_dimensions')
    op.drop_table('assessment_bands')
