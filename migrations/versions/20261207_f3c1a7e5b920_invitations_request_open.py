"""invitations: request_open; the expert board's indexes on the invitations of open requests and on open requests

Revision ID: f3c1a7e5b920
Revises: e2b9d4f6a031
Create Date: 2026-12-07 12:20:00

support_invitations.request_open says whether the invitation's request is open (not closed); the back office
keeps it when a request closes or reopens. The existing invitations take it from their request's status here.
ix_support_requests_open_by_id lets the board read the invited open requests from an index alone.
"""
from alembic import op
import sqlalchemy as sa


revision = 'f3c1a7e5b920'
down_revision = 'e2b9d4f6a031'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('support_invitations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('request_open', sa.Boolean(), server_default=sa.text('true'), nullable=False))
    op.execute("UPDATE support_invitations SET request_open = false WHERE request_id IN "
               "(SELECT id FROM support_requests WHERE status = 'closed')")
    with op.batch_alter_table('support_invitations', schema=None) as batch_op:
        batch_op.create_index('ix_support_invitations_open_group', ['group_id', 'request_id'], unique=False,
                              postgresql_where=sa.text('request_open'), sqlite_where=sa.text('request_open'))
        batch_op.create_index('ix_support_invitations_open_user', ['user_id', 'request_id'], unique=False,
                              postgresql_where=sa.text('request_open'), sqlite_where=sa.text('request_open'))
    with op.batch_alter_table('support_requests', schema=None) as batch_op:
        batch_op.create_index('ix_support_requests_open_by_id', ['id'], unique=False,
                              postgresql_where=sa.text("status <> 'closed'"), sqlite_where=sa.text("status <> 'closed'"),
                              postgresql_include=['group_id', 'status', 'urgency', 'created_at', 'department',
                                                  'procedure_id', 'assignee_id', 'first_answer_at', 'due_at'])


def downgrade():
    with op.batch_alter_table('support_requests', schema=None) as batch_op:
        batch_op.drop_index('ix_support_requests_open_by_id')
    with op.batch_alter_table('support_invitations', schema=None) as batch_op:
        batch_op.drop_index('ix_support_invitations_open_user')
        batch_op.drop_index('ix_support_invitations_open_group')
        batch_op.drop_column('request_open')
