"""working conditions: incidents, staff_rep mandates, site checklist, barometer, discussion space

Revision ID: d5f1a7c3e920
Revises: e7a2c9d4f1b3
Create Date: 2026-12-06 11:30:00

Barometer answers carry a random UUID key, the day only, no person, session, address or token; on
SQLite the table is WITHOUT ROWID so that rows are stored in the order of their random ids.
"""
from alembic import op
import sqlalchemy as sa


revision = 'd5f1a7c3e920'
down_revision = 'e7a2c9d4f1b3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('workplace_barometer_campaigns',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('quarter', sa.String(length=7), nullable=False),
    sa.Column('opens_on', sa.Date(), nullable=False),
    sa.Column('closes_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('opened_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['opened_by_id'], ['users.id'], name=op.f('fk_workplace_barometer_campaigns_opened_by_id_users')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_workplace_barometer_campaigns_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_workplace_barometer_campaigns'))
    )
    op.create_index(op.f('ix_workplace_barometer_campaigns_organisation_id'), 'workplace_barometer_campaigns', ['organisation_id'], unique=False)
    op.create_index(op.f('ix_workplace_barometer_campaigns_quarter'), 'workplace_barometer_campaigns', ['quarter'], unique=False)
    op.create_table('workplace_checklist_actions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('item_code', sa.String(length=40), nullable=True),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reminded', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_workplace_checklist_actions_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_workplace_checklist_actions_owner_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_workplace_checklist_actions'))
    )
    op.create_index('ix_workplace_actions_open_due', 'workplace_checklist_actions', ['done_at', 'due_on'], unique=False)
    op.create_index(op.f('ix_workplace_checklist_actions_organisation_id'), 'workplace_checklist_actions', ['organisation_id'], unique=False)
    op.create_table('workplace_checklist_assessments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('assessed_by_id', sa.Integer(), nullable=True),
    sa.Column('assessed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('scores', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['assessed_by_id'], ['users.id'], name=op.f('fk_workplace_checklist_assessments_assessed_by_id_users')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_workplace_checklist_assessments_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_workplace_checklist_assessments'))
    )
    op.create_index('ix_workplace_checklist_org_at', 'workplace_checklist_assessments', ['organisation_id', 'assessed_at'], unique=False)
    op.create_table('workplace_discussion_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('quarter', sa.String(length=7), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_workplace_discussion_items_author_id_users')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_workplace_discussion_items_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_workplace_discussion_items'))
    )
    op.create_index('ix_workplace_discussion_org_quarter', 'workplace_discussion_items', ['organisation_id', 'quarter'], unique=False)
    op.create_table('workplace_staff_rep_mandates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('department', sa.String(length=3), nullable=True),
    sa.Column('granted_by_id', sa.Integer(), nullable=True),
    sa.Column('granted_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['granted_by_id'], ['users.id'], name=op.f('fk_workplace_staff_rep_mandates_granted_by_id_users')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_workplace_staff_rep_mandates_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_workplace_staff_rep_mandates_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_workplace_staff_rep_mandates'))
    )
    op.create_index(op.f('ix_workplace_staff_rep_mandates_user_id'), 'workplace_staff_rep_mandates', ['user_id'], unique=False)
    op.create_table('workplace_barometer_answers',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('department', sa.String(length=3), nullable=True),
    sa.Column('answered_on', sa.Date(), nullable=False),
    sa.Column('workload', sa.SmallInteger(), nullable=False),
    sa.Column('handling_time', sa.SmallInteger(), nullable=False),
    sa.Column('autonomy', sa.SmallInteger(), nullable=False),
    sa.Column('peer_help', sa.SmallInteger(), nullable=False),
    sa.Column('manager_help', sa.SmallInteger(), nullable=False),
    sa.Column('backoffice_help', sa.SmallInteger(), nullable=False),
    sa.Column('tools', sa.SmallInteger(), nullable=False),
    sa.Column('training', sa.SmallInteger(), nullable=False),
    sa.Column('recognition', sa.SmallInteger(), nullable=False),
    sa.Column('tension', sa.SmallInteger(), nullable=False),
    sa.Column('safety', sa.SmallInteger(), nullable=False),
    sa.Column('comfort', sa.SmallInteger(), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['workplace_barometer_campaigns.id'], name=op.f('fk_workplace_barometer_answers_campaign_id_workplace_barometer_campaigns')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_workplace_barometer_answers_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_workplace_barometer_answers')),
    sqlite_with_rowid=False
    )
    op.create_index('ix_workplace_barometer_answers_campaign_org', 'workplace_barometer_answers', ['campaign_id', 'organisation_id'], unique=False)
    op.create_table('workplace_barometer_participations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['workplace_barometer_campaigns.id'], name=op.f('fk_workplace_barometer_participations_campaign_id_workplace_barometer_campaigns')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_workplace_barometer_participations_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_workplace_barometer_participations')),
    sa.UniqueConstraint('campaign_id', 'user_id', name='uq_workplace_participation')
    )
    op.create_index(op.f('ix_workplace_barometer_participations_user_id'), 'workplace_barometer_participations', ['user_id'], unique=False)
    op.create_table('workplace_checklist_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('item_code', sa.String(length=40), nullable=False),
    sa.Column('value', sa.String(length=20), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['assessment_id'], ['workplace_checklist_assessments.id'], name=op.f('fk_workplace_checklist_answers_assessment_id_workplace_checklist_assessments')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_workplace_checklist_answers'))
    )
    op.create_index(op.f('ix_workplace_checklist_answers_assessment_id'), 'workplace_checklist_answers', ['assessment_id'], unique=False)
    op.create_table('workplace_incidents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('reporter_id', sa.Integer(), nullable=False),
    sa.Column('anonymous_to_hr', sa.Boolean(), nullable=False),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('severity', sa.String(length=1), nullable=False),
    sa.Column('context', sa.String(length=20), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=True),
    sa.Column('narrative', sa.Text(), nullable=False),
    sa.Column('redaction_counts', sa.JSON(), nullable=True),
    sa.Column('consequences', sa.JSON(), nullable=True),
    sa.Column('support_wanted', sa.JSON(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('taken_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('support_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_workplace_incidents_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['report_id'], ['reports.id'], name=op.f('fk_workplace_incidents_report_id_reports')),
    sa.ForeignKeyConstraint(['reporter_id'], ['users.id'], name=op.f('fk_workplace_incidents_reporter_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_workplace_incidents'))
    )
    op.create_index('ix_workplace_incidents_org_occurred', 'workplace_incidents', ['organisation_id', 'occurred_at'], unique=False)
    op.create_index('ix_workplace_incidents_reporter', 'workplace_incidents', ['reporter_id', 'id'], unique=False)
    op.create_table('workplace_incident_actions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_workplace_incident_actions_actor_id_users')),
    sa.ForeignKeyConstraint(['incident_id'], ['workplace_incidents.id'], name=op.f('fk_workplace_incident_actions_incident_id_workplace_incidents')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_workplace_incident_actions'))
    )
    op.create_index(op.f('ix_workplace_incident_actions_incident_id'), 'workplace_incident_actions', ['incident_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_workplace_incident_actions_incident_id'), table_name='workplace_incident_actions')
    op.drop_table('workplace_incident_actions')
    op.drop_index('ix_workplace_incidents_reporter', table_name='workplace_incidents')
    op.drop_index('ix_workplace_incidents_org_occurred', table_name='workplace_incidents')
    op.drop_table('workplace_incidents')
    op.drop_index(op.f('ix_workplace_checklist_answers_assessment_id'), table_name='workplace_checklist_answers')
    op.drop_table('workplace_checklist_answers')
    op.drop_index(op.f('ix_workplace_barometer_participations_user_id'), table_name='workplace_barometer_participations')
    op.drop_table('workplace_barometer_participations')
    op.drop_index('ix_workplace_barometer_answers_campaign_org', table_name='workplace_barometer_answers')
    op.drop_table('workplace_barometer_answers')
    op.drop_index(op.f('ix_workplace_staff_rep_mandates_user_id'), table_name='workplace_staff_rep_mandates')
    op.drop_table('workplace_staff_rep_mandates')
    op.drop_index('ix_workplace_discussion_org_quarter', table_name='workplace_discussion_items')
    op.drop_table('workplace_discussion_items')
    op.drop_index('ix_workplace_checklist_org_at', table_name='workplace_checklist_assessments')
    op.drop_table('workplace_checklist_assessments')
    op.drop_index(op.f('ix_workplace_checklist_actions_organisation_id'), table_name='workplace_checklist_actions')
    op.drop_index('ix_workplace_actions_open_due', table_name='workplace_checklist_actions')
    op.drop_table('workplace_checklist_actions')
    op.drop_index(op.f('ix_workplace_barometer_campaigns_quarter'), table_name='workplace_barometer_campaigns')
    op.drop_index(op.f('ix_workplace_barometer_campaigns_organisation_id'), table_name='workplace_barometer_campaigns')
    op.drop_table('workplace_barometer_campaigns')
