"""observation grids, the tutor capability, observations, and the passport entry's observation

Revision ID: 79586bd7efda
Revises: d5f1a7c3e920
Create Date: 2026-12-06 14:03:25
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '79586bd7efda'
down_revision = 'd5f1a7c3e920'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('training_tutors',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('granted_by_id', sa.Integer(), nullable=True),
    sa.Column('granted_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['granted_by_id'], ['users.id'], name=op.f('fk_training_tutors_granted_by_id_users')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_training_tutors_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_training_tutors_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_tutors')),
    sa.UniqueConstraint('user_id', name=op.f('uq_training_tutors_user_id'))
    )
    with op.batch_alter_table('training_tutors', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_training_tutors_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('observation_grids',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('competency_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['competency_id'], ['competencies.id'], name=op.f('fk_observation_grids_competency_id_competencies')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_observation_grids')),
    sa.UniqueConstraint('competency_id', name=op.f('uq_observation_grids_competency_id'))
    )
    op.create_table('training_observations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('agent_id', sa.Integer(), nullable=False),
    sa.Column('observer_id', sa.Integer(), nullable=True),
    sa.Column('observer_role', sa.String(length=10), nullable=False),
    sa.Column('competency_id', sa.Integer(), nullable=False),
    sa.Column('grid_version', sa.Integer(), nullable=False),
    sa.Column('context', sa.String(length=20), nullable=False),
    sa.Column('observed_on', sa.Date(), nullable=False),
    sa.Column('snapshot', sa.JSON(), nullable=False),
    sa.Column('level', sa.SmallInteger(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agent_id'], ['users.id'], name=op.f('fk_training_observations_agent_id_users')),
    sa.ForeignKeyConstraint(['competency_id'], ['competencies.id'], name=op.f('fk_training_observations_competency_id_competencies')),
    sa.ForeignKeyConstraint(['observer_id'], ['users.id'], name=op.f('fk_training_observations_observer_id_users')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_training_observations_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_observations'))
    )
    with op.batch_alter_table('training_observations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_training_observations_agent_id'), ['agent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_training_observations_observer_id'), ['observer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_training_observations_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('observation_behaviours',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('grid_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.SmallInteger(), nullable=False),
    sa.Column('position', sa.SmallInteger(), nullable=False),
    sa.Column('text', sa.String(length=300), nullable=False),
    sa.ForeignKeyConstraint(['grid_id'], ['observation_grids.id'], name=op.f('fk_observation_behaviours_grid_id_observation_grids')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_observation_behaviours')),
    sa.UniqueConstraint('grid_id', 'level', 'position', name=op.f('uq_observation_behaviours_grid_id'))
    )
    with op.batch_alter_table('observation_behaviours', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_observation_behaviours_grid_id'), ['grid_id'], unique=False)

    with op.batch_alter_table('passport_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('observation_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_passport_entries_observation_id_training_observations'), 'training_observations', ['observation_id'], ['id'])



def downgrade():
    with op.batch_alter_table('passport_entries', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_passport_entries_observation_id_training_observations'), type_='foreignkey')
        batch_op.drop_column('observation_id')

    with op.batch_alter_table('observation_behaviours', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_observation_behaviours_grid_id'))

    op.drop_table('observation_behaviours')
    with op.batch_alter_table('training_observations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_training_observations_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_training_observations_observer_id'))
        batch_op.drop_index(batch_op.f('ix_training_observations_agent_id'))

    op.drop_table('training_observations')
    op.drop_table('observation_grids')
    with op.batch_alter_table('training_tutors', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_training_tutors_organisation_id'))

    op.drop_table('training_tutors')
