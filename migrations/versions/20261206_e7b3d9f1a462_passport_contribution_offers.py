"""passport_contribution_offers: verified contributions offered as passport lines (A7.2, A7.3, A7.5)

Revision ID: e7b3d9f1a462
Revises: d5a1c7e3b920
Create Date: 2026-12-06 12:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = 'e7b3d9f1a462'
down_revision = 'd5a1c7e3b920'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "passport_contribution_offers",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("holder_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("competency_code", sa.String(length=10), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("source_key", sa.String(length=60), nullable=False),
        sa.Column("reference", sa.String(length=60), nullable=False),
        sa.Column("label", sa.String(length=300), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("entry_id", sa.Integer(), sa.ForeignKey("passport_entries.id"), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("holder_id", "source_key"),
    )
    op.create_index("ix_passport_contribution_offers_holder_id", "passport_contribution_offers", ["holder_id"])


def downgrade():
    op.drop_table("passport_contribution_offers")
