"""enrolments in personal paths are private: HR see them only when the agent shares them

Revision ID: b8e2f4a1c630
Revises: a7c4e9d05b13
Create Date: 2026-12-06 10:50:00

The personal paths built from a gap analysis (« Mon parcours vers le métier… », training_paths with an
owner) say which job the agent is aiming at: their enrolments become private, and the agent may share
one with their organisation.
"""
import sqlalchemy as sa
from alembic import op


revision = 'b8e2f4a1c630'
down_revision = 'a7c4e9d05b13'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("enrolments") as batch:
        batch.add_column(sa.Column("is_private", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.execute(
        "UPDATE enrolments SET is_private = TRUE "
        "WHERE path_id IN (SELECT id FROM training_paths WHERE owner_id IS NOT NULL)"
    )


def downgrade():
    with op.batch_alter_table("enrolments") as batch:
        batch.drop_column("is_private")
