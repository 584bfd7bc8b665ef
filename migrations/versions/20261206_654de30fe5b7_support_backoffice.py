"""Appui expert (back office): groups, members, requests, messages, invitations, attachments, events, fiches, debriefs

Revision ID: 654de30fe5b7
Revises: b3e8f1c2d4a6
Create Date: 2026-12-06 10:54:42.572078

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '654de30fe5b7'
down_revision = 'b3e8f1c2d4a6'
branch_labels = None
depends_on = None


def upgrade():

    op.create_table('support_groups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('operator', sa.String(length=30), nullable=False),
    sa.Column('is_national', sa.Boolean(), nullable=False),
    sa.Column('departments', sa.String(length=400), nullable=False),
    sa.Column('public_note', sa.Text(), nullable=False),
    sa.Column('mailbox', sa.String(length=254), nullable=True),
    sa.Column('target_days', sa.Integer(), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_support_groups')),
    sa.UniqueConstraint('code', name=op.f('uq_support_groups_code'))
    )
    with op.batch_alter_table('support_groups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_support_groups_operator'), ['operator'], unique=False)

    op.create_table('support_group_members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['group_id'], ['support_groups.id'], name=op.f('fk_support_group_members_group_id_support_groups')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_support_group_members_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_support_group_members'))
    )
    with op.batch_alter_table('support_group_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_support_group_members_group_id'), ['group_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_support_group_members_user_id'), ['user_id'], unique=False)
        batch_op.create_index('ix_support_group_members_user_open', ['user_id', 'ended_at'], unique=False)

    op.create_table('support_preferences',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('email_opt_out', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_support_preferences_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_support_preferences'))
    )
    op.create_table('support_group_procedures',
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('procedure_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['support_groups.id'], name=op.f('fk_support_group_procedures_group_id_support_groups'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['procedure_id'], ['catalog_procedures.id'], name=op.f('fk_support_group_procedures_procedure_id_catalog_procedures'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('group_id', 'procedure_id', name=op.f('pk_support_group_procedures'))
    )
    op.create_table('support_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=20), nullable=True),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('department', sa.String(length=3), nullable=True),
    sa.Column('operator', sa.String(length=30), nullable=False),
    sa.Column('procedure_id', sa.Integer(), nullable=True),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('assignee_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('subject', sa.String(length=150), nullable=False),
    sa.Column('situation', sa.Text(), nullable=False),
    sa.Column('tried', sa.Text(), nullable=False),
    sa.Column('redaction_counts', sa.JSON(), nullable=True),
    sa.Column('urgency', sa.String(length=20), nullable=False),
    sa.Column('urgency_date', sa.Date(), nullable=True),
    sa.Column('shared_with_site', sa.Boolean(), nullable=False),
    sa.Column('citizen_block', sa.LargeBinary(), nullable=True),
    sa.Column('consent_kind', sa.String(length=20), nullable=True),
    sa.Column('consent_date', sa.Date(), nullable=True),
    sa.Column('consent_withdrawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('citizen_wiped_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('operator_case_number', sa.String(length=60), nullable=True),
    sa.Column('handoffs', sa.Integer(), nullable=False),
    sa.Column('escalated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('first_answer_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('transferred_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('useful', sa.String(length=10), nullable=True),
    sa.Column('agent_read_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('late_notified_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('report_reference', sa.String(length=20), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['assignee_id'], ['users.id'], name=op.f('fk_support_requests_assignee_id_users')),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_support_requests_author_id_users')),
    sa.ForeignKeyConstraint(['group_id'], ['support_groups.id'], name=op.f('fk_support_requests_group_id_support_groups')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_support_requests_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['procedure_id'], ['catalog_procedures.id'], name=op.f('fk_support_requests_procedure_id_catalog_procedures')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_support_requests')),
    sa.UniqueConstraint('reference', name=op.f('uq_support_requests_reference'))
    )
    with op.batch_alter_table('support_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_support_requests_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_support_requests_closed_at'), ['closed_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_support_requests_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_support_requests_group_id'), ['group_id'], unique=False)
        batch_op.create_index('ix_support_requests_group_status', ['group_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_support_requests_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_support_requests_procedure_id'), ['procedure_id'], unique=False)

    op.create_table('support_attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('download_name', sa.String(length=120), nullable=False),
    sa.Column('content_type', sa.String(length=40), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['request_id'], ['support_requests.id'], name=op.f('fk_support_attachments_request_id_support_requests'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_support_attachments'))
    )
    with op.batch_alter_table('support_attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_support_attachments_request_id'), ['request_id'], unique=False)

    op.create_table('support_debriefs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('expert_id', sa.Integer(), nullable=True),
    sa.Column('slot_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('place', sa.String(length=300), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('competency_code', sa.String(length=20), nullable=True),
    sa.Column('level', sa.Integer(), nullable=True),
    sa.Column('module_slug', sa.String(length=120), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['expert_id'], ['users.id'], name=op.f('fk_support_debriefs_expert_id_users')),
    sa.ForeignKeyConstraint(['request_id'], ['support_requests.id'], name=op.f('fk_support_debriefs_request_id_support_requests'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_support_debriefs'))
    )
    with op.batch_alter_table('support_debriefs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_support_debriefs_request_id'), ['request_id'], unique=False)

    op.create_table('support_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=30), nullable=False),
    sa.Column('label', sa.String(length=300), nullable=False),
    sa.Column('is_handoff', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_support_events_actor_id_users')),
    sa.ForeignKeyConstraint(['request_id'], ['support_requests.id'], name=op.f('fk_support_events_request_id_support_requests'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_support_events'))
    )
    with op.batch_alter_table('support_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_support_events_request_id'), ['request_id'], unique=False)

    op.create_table('support_fiches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=150), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('operator', sa.String(length=30), nullable=False),
    sa.Column('procedure_id', sa.Integer(), nullable=True),
    sa.Column('competencies', sa.String(length=200), nullable=False),
    sa.Column('modules', sa.String(length=300), nullable=False),
    sa.Column('review_on', sa.Date(), nullable=True),
    sa.Column('source_request_id', sa.Integer(), nullable=True),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_support_fiches_author_id_users')),
    sa.ForeignKeyConstraint(['procedure_id'], ['catalog_procedures.id'], name=op.f('fk_support_fiches_procedure_id_catalog_procedures')),
    sa.ForeignKeyConstraint(['source_request_id'], ['support_requests.id'], name=op.f('fk_support_fiches_source_request_id_support_requests'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_support_fiches'))
    )
    with op.batch_alter_table('support_fiches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_support_fiches_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_support_fiches_operator'), ['operator'], unique=False)
        batch_op.create_index(batch_op.f('ix_support_fiches_procedure_id'), ['procedure_id'], unique=False)

    op.create_table('support_invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('invited_by_id', sa.Integer(), nullable=True),
    sa.Column('is_automatic', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['support_groups.id'], name=op.f('fk_support_invitations_group_id_support_groups')),
    sa.ForeignKeyConstraint(['invited_by_id'], ['users.id'], name=op.f('fk_support_invitations_invited_by_id_users')),
    sa.ForeignKeyConstraint(['request_id'], ['support_requests.id'], name=op.f('fk_support_invitations_request_id_support_requests'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_support_invitations_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_support_invitations'))
    )
    with op.batch_alter_table('support_invitations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_support_invitations_group_id'), ['group_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_support_invitations_request_id'), ['request_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_support_invitations_user_id'), ['user_id'], unique=False)

    op.create_table('support_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('hidden_from_agent', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_support_messages_author_id_users')),
    sa.ForeignKeyConstraint(['request_id'], ['support_requests.id'], name=op.f('fk_support_messages_request_id_support_requests'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_support_messages'))
    )
    with op.batch_alter_table('support_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_support_messages_request_id'), ['request_id'], unique=False)

    op.create_table('support_fiche_uses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('fiche_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['fiche_id'], ['support_fiches.id'], name=op.f('fk_support_fiche_uses_fiche_id_support_fiches'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_support_fiche_uses_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_support_fiche_uses'))
    )
    with op.batch_alter_table('support_fiche_uses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_support_fiche_uses_fiche_id'), ['fiche_id'], unique=False)




def downgrade():

    with op.batch_alter_table('support_fiche_uses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_support_fiche_uses_fiche_id'))

    op.drop_table('support_fiche_uses')
    with op.batch_alter_table('support_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_support_messages_request_id'))

    op.drop_table('support_messages')
    with op.batch_alter_table('support_invitations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_support_invitations_user_id'))
        batch_op.drop_index(batch_op.f('ix_support_invitations_request_id'))
        batch_op.drop_index(batch_op.f('ix_support_invitations_group_id'))

    op.drop_table('support_invitations')
    with op.batch_alter_table('support_fiches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_support_fiches_procedure_id'))
        batch_op.drop_index(batch_op.f('ix_support_fiches_operator'))
        batch_op.drop_index(batch_op.f('ix_support_fiches_created_at'))

    op.drop_table('support_fiches')
    with op.batch_alter_table('support_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_support_events_request_id'))

    op.drop_table('support_events')
    with op.batch_alter_table('support_debriefs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_support_debriefs_request_id'))

    op.drop_table('support_debriefs')
    with op.batch_alter_table('support_attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_support_attachments_request_id'))

    op.drop_table('support_attachments')
    with op.batch_alter_table('support_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_support_requests_procedure_id'))
        batch_op.drop_index(batch_op.f('ix_support_requests_organisation_id'))
        batch_op.drop_index('ix_support_requests_group_status')
        batch_op.drop_index(batch_op.f('ix_support_requests_group_id'))
        batch_op.drop_index(batch_op.f('ix_support_requests_created_at'))
        batch_op.drop_index(batch_op.f('ix_support_requests_closed_at'))
        batch_op.drop_index(batch_op.f('ix_support_requests_author_id'))

    op.drop_table('support_requests')
    op.drop_table('support_group_procedures')
    op.drop_table('support_preferences')
    with op.batch_alter_table('support_group_members', schema=None) as batch_op:
        batch_op.drop_index('ix_support_group_members_user_open')
        batch_op.drop_index(batch_op.f('ix_support_group_members_user_id'))
        batch_op.drop_index(batch_op.f('ix_support_group_members_group_id'))

    op.drop_table('support_group_members')
    with op.batch_alter_table('support_groups', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_support_groups_operator'))

    op.drop_table('support_groups')

