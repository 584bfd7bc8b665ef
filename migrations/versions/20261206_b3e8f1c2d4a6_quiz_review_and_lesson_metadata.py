"""per-choice explanations and lesson review metadata (issue 14)

Revision ID: b3e8f1c2d4a6
Revises: c3e8a1f9d274
Create Date: 2026-12-06 11:00:00

choices.explanation says why a choice is right or wrong (the result page falls back to the question's
explanation); lessons carry the front matter of their file: updated_on, reviewed_by and whether a fact is
still being verified.
"""
import sqlalchemy as sa
from alembic import op


revision = 'b3e8f1c2d4a6'
down_revision = 'c3e8a1f9d274'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("choices") as batch:
        batch.add_column(sa.Column("explanation", sa.Text(), nullable=True))
    with op.batch_alter_table("lessons") as batch:
        batch.add_column(sa.Column("updated_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("reviewed_by", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("verification_pending", sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table("lessons") as batch:
        batch.drop_column("verification_pending")
        batch.drop_column("reviewed_by")
        batch.drop_column("updated_on")
    with op.batch_alter_table("choices") as batch:
        batch.drop_column("explanation")
