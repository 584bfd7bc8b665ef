"""reports.submission_key: the confirmation form posted twice files one report

Revision ID: c3e8a1f9d274
Revises: b1d4c8e2f907
Create Date: 2026-12-06 11:00:00

A random key set on the preview page travels with the confirmation; (author_id, submission_key) is
unique, so a double click or a resend after Back finds the report already filed.
"""
import sqlalchemy as sa
from alembic import op


revision = 'c3e8a1f9d274'
down_revision = 'b1d4c8e2f907'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("reports", sa.Column("submission_key", sa.String(length=64), nullable=True))
    op.create_index("uq_reports_author_submission_key", "reports", ["author_id", "submission_key"], unique=True)


def downgrade():
    op.drop_index("uq_reports_author_submission_key", table_name="reports")
    op.drop_column("reports", "submission_key")  # SQLite 3.35+ drops a column in place
