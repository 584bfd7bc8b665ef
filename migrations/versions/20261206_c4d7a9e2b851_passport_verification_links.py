"""passport verification links the holder can withdraw and renew

Revision ID: c4d7a9e2b851
Revises: b8e2f4a1c630
Create Date: 2026-12-06 11:00:00

A document's /verify/<token> link names a generation; the holder withdrawing or renewing their links
moves to the next one, and the links made before stop working. No row: generation 0, links active.
"""
import sqlalchemy as sa
from alembic import op


revision = 'c4d7a9e2b851'
down_revision = 'b8e2f4a1c630'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "passport_verification_links",
        sa.Column("holder_id", sa.Integer(), sa.ForeignKey("users.id"), primary_key=True),
        sa.Column("generation", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade():
    op.drop_table("passport_verification_links")
