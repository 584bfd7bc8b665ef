"""users.last_home_visit_at: the agent's home lists what changed since the previous visit

Revision ID: f3c8a1d7e254
Revises: c4e7a2b9d813
Create Date: 2026-12-06 14:10:00
"""
from alembic import op
import sqlalchemy as sa


revision = 'f3c8a1d7e254'
down_revision = 'c4e7a2b9d813'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_home_visit_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('last_home_visit_at')
