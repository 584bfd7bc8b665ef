"""sign-in with ProConnect: organisations' SIRET, linked identities, sign-ins' ID tokens

Revision ID: b1d4c8e2f907
Revises: c4d7a9e2b851
Create Date: 2026-12-06 10:45:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'b1d4c8e2f907'
down_revision = 'c4d7a9e2b851'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('siret', sa.String(length=14), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_organisations_siret'), ['siret'])

    op.create_table('proconnect_identities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('sub', sa.String(length=255), nullable=False),
    sa.Column('uid', sa.String(length=255), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_proconnect_identities_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proconnect_identities')),
    sa.UniqueConstraint('sub', name=op.f('uq_proconnect_identities_sub')),
    sa.UniqueConstraint('user_id', name=op.f('uq_proconnect_identities_user_id'))
    )
    op.create_table('proconnect_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('handle_hash', sa.String(length=64), nullable=False),
    sa.Column('nonce_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('id_token', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_proconnect_sessions_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proconnect_sessions')),
    sa.UniqueConstraint('handle_hash', name=op.f('uq_proconnect_sessions_handle_hash')),
    sa.UniqueConstraint('nonce_hash', name=op.f('uq_proconnect_sessions_nonce_hash'))
    )
    with op.batch_alter_table('proconnect_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proconnect_sessions_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('proconnect_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proconnect_sessions_user_id'))
    op.drop_table('proconnect_sessions')
    op.drop_table('proconnect_identities')
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_organisations_siret'), type_='unique')
        batch_op.drop_column('siret')
