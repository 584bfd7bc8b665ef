"""consultations: teams consult agents (questions, targets, prototype images, participations, answers, screenshots)

Revision ID: d5a1c7e3b920
Revises: d5e1a7b3c942
Create Date: 2026-12-06 11:30:00
"""
import sqlalchemy as sa
from alembic import op


revision = 'd5a1c7e3b920'
down_revision = 'd5e1a7b3c942'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "consultations",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("team_id", sa.Integer(), sa.ForeignKey("teams.id"), nullable=False),
        sa.Column("application_id", sa.Integer(), sa.ForeignKey("catalog_applications.id"), nullable=False),
        sa.Column("procedure_id", sa.Integer(), sa.ForeignKey("catalog_procedures.id"), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("prototype_url", sa.String(length=500), nullable=False),
        sa.Column("place", sa.String(length=300), nullable=False),
        sa.Column("event_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=True),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column("targeting", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("release_on", sa.Date(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_consultations_team_id", "consultations", ["team_id"])
    op.create_index("ix_consultations_application_id", "consultations", ["application_id"])
    op.create_index("ix_consultations_status", "consultations", ["status"])
    op.create_table(
        "consultation_targets",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("consultation_id", sa.Integer(), sa.ForeignKey("consultations.id"), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("value", sa.String(length=30), nullable=False),
        sa.UniqueConstraint("consultation_id", "kind", "value"),
    )
    op.create_index("ix_consultation_targets_consultation_id", "consultation_targets", ["consultation_id"])
    op.create_table(
        "consultation_questions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("consultation_id", sa.Integer(), sa.ForeignKey("consultations.id"), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("text", sa.String(length=300), nullable=False),
        sa.Column("choices", sa.JSON(), nullable=True),
    )
    op.create_index("ix_consultation_questions_consultation_id", "consultation_questions", ["consultation_id"])
    op.create_table(
        "consultation_participations",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("consultation_id", sa.Integer(), sa.ForeignKey("consultations.id"), nullable=False),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("organisation_kind", sa.String(length=30), nullable=True),
        sa.Column("department", sa.String(length=3), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("signed", sa.Boolean(), nullable=False),
        sa.Column("citizen_view", sa.Text(), nullable=False),
        sa.Column("redaction_counts", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("consultation_id", "user_id"),
    )
    op.create_index("ix_consultation_participations_consultation_id", "consultation_participations",
                    ["consultation_id"])
    op.create_index("ix_consultation_participations_user_id", "consultation_participations", ["user_id"])
    op.create_table(
        "consultation_answers",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("participation_id", sa.Integer(), sa.ForeignKey("consultation_participations.id"),
                  nullable=False),
        sa.Column("question_id", sa.Integer(), sa.ForeignKey("consultation_questions.id"), nullable=False),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("choices", sa.JSON(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.UniqueConstraint("participation_id", "question_id"),
    )
    op.create_index("ix_consultation_answers_participation_id", "consultation_answers", ["participation_id"])
    op.create_index("ix_consultation_answers_question_id", "consultation_answers", ["question_id"])
    op.create_table(
        "consultation_attachments",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("participation_id", sa.Integer(), sa.ForeignKey("consultation_participations.id"),
                  nullable=False),
        sa.Column("stored_name", sa.String(length=80), nullable=False, unique=True),
        sa.Column("download_name", sa.String(length=80), nullable=False),
        sa.Column("content_type", sa.String(length=20), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_consultation_attachments_participation_id", "consultation_attachments",
                    ["participation_id"])
    op.create_table(
        "consultation_images",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("consultation_id", sa.Integer(), sa.ForeignKey("consultations.id"), nullable=False),
        sa.Column("stored_name", sa.String(length=80), nullable=False, unique=True),
        sa.Column("download_name", sa.String(length=80), nullable=False),
        sa.Column("content_type", sa.String(length=20), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_consultation_images_consultation_id", "consultation_images", ["consultation_id"])
    op.create_table(
        "consultation_fixed_reports",
        sa.Column("consultation_id", sa.Integer(), sa.ForeignKey("consultations.id"), primary_key=True),
        sa.Column("report_id", sa.Integer(), sa.ForeignKey("reports.id"), primary_key=True),
    )


def downgrade():
    op.drop_table("consultation_fixed_reports")
    op.drop_table("consultation_images")
    op.drop_table("consultation_attachments")
    op.drop_table("consultation_answers")
    op.drop_table("consultation_participations")
    op.drop_table("consultation_questions")
    op.drop_table("consultation_targets")
    op.drop_table("consultations")
