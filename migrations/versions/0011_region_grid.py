"""regions: their tile on the province's dashboard grid (grid_row, grid_column), filled by the seed

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04 15:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    # No data here: `flask seed` fills the tiles of regions that have none, from complaints/seed/regions_*.csv.
    with op.batch_alter_table('regions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('grid_row', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('grid_column', sa.Integer(), nullable=True))
        batch_op.create_check_constraint(
            op.f('ck_regions_grid_row_with_column'), '(grid_row IS NULL) = (grid_column IS NULL)'
        )
        batch_op.create_unique_constraint(
            batch_op.f('uq_regions_province_id_grid_row_grid_column'), ['province_id', 'grid_row', 'grid_column']
        )


def downgrade():
    with op.batch_alter_table('regions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_regions_province_id_grid_row_grid_column'), type_='unique')
        batch_op.drop_constraint(op.f('ck_regions_grid_row_with_column'), type_='check')
        batch_op.drop_column('grid_column')
        batch_op.drop_column('grid_row')
