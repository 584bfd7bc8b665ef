"""reception quality: desk log, citizens' answers, monthly summaries, reception tokens

Revision ID: d5e1a7b3c942
Revises: 654de30fe5b7
Create Date: 2026-12-06 11:15:00

Roles and organisation kinds are plain strings (no constraint): manager_network and the new
kinds need no schema change.
"""
import sqlalchemy as sa
from alembic import op


revision = 'd5e1a7b3c942'
down_revision = '654de30fe5b7'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "reception_site_tokens",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("organisation_id", sa.Integer(), sa.ForeignKey("organisations.id"), nullable=False),
        sa.Column("label", sa.String(100), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("prefix", sa.String(12), nullable=False),
        sa.Column("created_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_reception_site_tokens_organisation_id", "reception_site_tokens", ["organisation_id"])
    op.create_table(
        "reception_visits",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("organisation_id", sa.Integer(), sa.ForeignKey("organisations.id"), nullable=False),
        sa.Column("agent_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("site_token_id", sa.Integer(), sa.ForeignKey("reception_site_tokens.id"), nullable=True),
        sa.Column("visited_on", sa.Date(), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("operators", sa.String(300), nullable=False),
        sa.Column("procedure_id", sa.Integer(), sa.ForeignKey("catalog_procedures.id"), nullable=True),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("support_request", sa.String(40), nullable=True),
        sa.Column("duration", sa.String(10), nullable=False),
        sa.Column("waiting", sa.String(10), nullable=True),
        sa.Column("needs", sa.String(100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_reception_visits_org_day", "reception_visits", ["organisation_id", "visited_on"])
    op.create_index("ix_reception_visits_agent_created", "reception_visits", ["agent_id", "created_at"])
    op.create_table(
        "reception_answers",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("organisation_id", sa.Integer(), sa.ForeignKey("organisations.id"), nullable=False),
        sa.Column("handled", sa.SmallInteger(), nullable=True),
        sa.Column("welcome", sa.SmallInteger(), nullable=True),
        sa.Column("waiting", sa.SmallInteger(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("application_id", sa.Integer(), sa.ForeignKey("catalog_applications.id"), nullable=True),
        sa.Column("problem", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_reception_answers_org_created", "reception_answers", ["organisation_id", "created_at"])
    op.create_index("ix_reception_answers_application_id", "reception_answers", ["application_id"])
    op.create_table(
        "reception_quality_months",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("scope", sa.String(20), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("scope", "month", name="uq_reception_quality_months_scope_month"),
    )
    op.create_table(
        "reception_voice_links",
        sa.Column("organisation_id", sa.Integer(), sa.ForeignKey("organisations.id"), primary_key=True),
        sa.Column("token", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "reception_idempotent_requests",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("principal", sa.String(40), nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("body_hash", sa.String(64), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("response", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("principal", "key", name="uq_reception_idempotent_principal_key"),
    )
    op.create_table(
        "reception_network_departments",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("department", sa.String(3), nullable=False),
        sa.UniqueConstraint("user_id", "department", name="uq_reception_network_user_department"),
    )
    op.create_index("ix_reception_network_departments_user_id", "reception_network_departments", ["user_id"])


def downgrade():
    op.drop_table("reception_network_departments")
    op.drop_table("reception_idempotent_requests")
    op.drop_table("reception_voice_links")
    op.drop_table("reception_quality_months")
    op.drop_table("reception_answers")
    op.drop_table("reception_visits")
    op.drop_table("reception_site_tokens")
