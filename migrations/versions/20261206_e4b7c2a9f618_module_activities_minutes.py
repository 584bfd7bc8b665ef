"""module versions record the minutes of group activities included in their duration (issue 14)

Revision ID: e4b7c2a9f618
Revises: c4e8b2f6a917
Create Date: 2026-12-06 20:30:00

duration_minutes counts reading, quiz and the face-to-face activities of the trainer's kit; the pages, the
API and the attestation show the self-study part (duration − activities) and the group part separately.
Existing rows get 0 (nothing known to be group time); `flask curricula import` fills the current versions
from their module files.
"""
import sqlalchemy as sa
from alembic import op


revision = 'e4b7c2a9f618'
down_revision = "c4e8b2f6a917"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("module_versions") as batch:
        batch.add_column(sa.Column("activities_minutes", sa.Integer(), server_default="0", nullable=False))


def downgrade():
    with op.batch_alter_table("module_versions") as batch:
        batch.drop_column("activities_minutes")
