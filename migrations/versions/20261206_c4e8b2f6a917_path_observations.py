"""path observation steps: where a training path has the agent observed at work, with the grids

Revision ID: c4e8b2f6a917
Revises: a9d3e6f2c481
Create Date: 2026-12-06 20:10:00

path_observations holds, per shipped path, the competencies observed after one of its modules and the level
aimed (curricula/paths.yaml, `observations`); `flask curricula import` fills it.
"""
from alembic import op
import sqlalchemy as sa


revision = 'c4e8b2f6a917'
down_revision = 'a9d3e6f2c481'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'path_observations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('path_id', sa.Integer(), nullable=False),
        sa.Column('after_module_id', sa.Integer(), nullable=False),
        sa.Column('competency_id', sa.Integer(), nullable=False),
        sa.Column('level', sa.SmallInteger(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['path_id'], ['training_paths.id'], name=op.f('fk_path_observations_path_id_training_paths')),
        sa.ForeignKeyConstraint(['after_module_id'], ['modules.id'], name=op.f('fk_path_observations_after_module_id_modules')),
        sa.ForeignKeyConstraint(['competency_id'], ['competencies.id'], name=op.f('fk_path_observations_competency_id_competencies')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_path_observations')),
        sa.UniqueConstraint('path_id', 'competency_id', name=op.f('uq_path_observations_path_id')),
    )
    with op.batch_alter_table('path_observations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_path_observations_path_id'), ['path_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_path_observations_after_module_id'), ['after_module_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_path_observations_competency_id'), ['competency_id'], unique=False)


def downgrade():
    op.drop_table('path_observations')
