"""SCORM package modules: the module format, packages of versions, attempts' CMI data

Revision ID: d3f5a8c1e2b7
Revises: d6f1b3a8c592
Create Date: 2026-12-06 11:30:00
"""
import sqlalchemy as sa
from alembic import op


revision = 'd3f5a8c1e2b7'
down_revision = 'd6f1b3a8c592'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("modules") as batch:
        batch.add_column(sa.Column("format", sa.String(length=20), nullable=False, server_default="lessons"))
    op.create_table(
        "scorm_packages",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("version_id", sa.Integer(), sa.ForeignKey("module_versions.id"), nullable=False, unique=True),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("scorm_version", sa.String(length=10), nullable=False),
        sa.Column("launch_href", sa.String(length=500), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("byte_size", sa.Integer(), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_scorm_packages_sha256", "scorm_packages", ["sha256"])
    op.create_table(
        "scorm_attempts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("version_id", sa.Integer(), sa.ForeignKey("module_versions.id"), nullable=False),
        sa.Column("package_id", sa.Integer(), sa.ForeignKey("scorm_packages.id"), nullable=False),
        sa.Column("cmi", sa.JSON(), nullable=False),
        sa.Column("completion_status", sa.String(length=20), nullable=False),
        sa.Column("success_status", sa.String(length=20), nullable=False),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("total_seconds", sa.Integer(), nullable=False),
        sa.Column("commits", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("user_id", "version_id"),
    )
    op.create_index("ix_scorm_attempts_user_id", "scorm_attempts", ["user_id"])
    op.create_index("ix_scorm_attempts_version_id", "scorm_attempts", ["version_id"])
    op.create_index("ix_scorm_attempts_package_id", "scorm_attempts", ["package_id"])


def downgrade():
    op.drop_index("ix_scorm_attempts_package_id", table_name="scorm_attempts")
    op.drop_index("ix_scorm_attempts_version_id", table_name="scorm_attempts")
    op.drop_index("ix_scorm_attempts_user_id", table_name="scorm_attempts")
    op.drop_table("scorm_attempts")
    op.drop_index("ix_scorm_packages_sha256", table_name="scorm_packages")
    op.drop_table("scorm_packages")
    with op.batch_alter_table("modules") as batch:
        batch.drop_column("format")
