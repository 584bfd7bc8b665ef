"""report labels (team-defined, DSFR colour) and team members' triage preferences (keyboard shortcuts)

Revision ID: d6f1b3a8c592
Revises: e7b3d9f1a462
Create Date: 2026-12-06 11:30:00
"""
import sqlalchemy as sa
from alembic import op


revision = 'd6f1b3a8c592'
down_revision = 'e7b3d9f1a462'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "report_labels",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("team_id", sa.Integer(), sa.ForeignKey("teams.id"), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("colour", sa.String(length=30), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("team_id", "name", name="uq_report_labels_team_name"),
    )
    op.create_index("ix_report_labels_team_id", "report_labels", ["team_id"])
    op.create_table(
        "report_label_links",
        sa.Column("report_id", sa.Integer(), sa.ForeignKey("reports.id"), primary_key=True),
        sa.Column("label_id", sa.Integer(), sa.ForeignKey("report_labels.id"), primary_key=True),
    )
    op.create_index("ix_report_label_links_label_id", "report_label_links", ["label_id"])
    op.create_table(
        "triage_preferences",
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), primary_key=True),
        sa.Column("keyboard_shortcuts", sa.Boolean(), nullable=False, server_default=sa.true()),
    )


def downgrade():
    op.drop_table("triage_preferences")
    op.drop_index("ix_report_label_links_label_id", table_name="report_label_links")
    op.drop_table("report_label_links")
    op.drop_index("ix_report_labels_team_id", table_name="report_labels")
    op.drop_table("report_labels")
