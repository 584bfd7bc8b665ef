"""LRS forwarding: the queue of xAPI statements and the delivery log

Revision ID: e7a2c9d4f1b3
Revises: d3f5a8c1e2b7
Create Date: 2026-12-06 11:45:00
"""
import sqlalchemy as sa
from alembic import op


revision = 'e7a2c9d4f1b3'
down_revision = 'd3f5a8c1e2b7'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "lrs_statements",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("statement_id", sa.String(length=36), nullable=False, unique=True),
        sa.Column("statement", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("tries", sa.Integer(), nullable=False),
        sa.Column("next_try_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_lrs_statements_sent_at", "lrs_statements", ["sent_at"])
    op.create_table(
        "lrs_deliveries",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("delivered", sa.Boolean(), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("message", sa.Text(), nullable=False),
    )
    op.create_index("ix_lrs_deliveries_started_at", "lrs_deliveries", ["started_at"])


def downgrade():
    op.drop_index("ix_lrs_deliveries_started_at", table_name="lrs_deliveries")
    op.drop_table("lrs_deliveries")
    op.drop_index("ix_lrs_statements_sent_at", table_name="lrs_statements")
    op.drop_table("lrs_statements")
