"""expert board at national scale: a partial index of the open support requests in board order

Revision ID: b5d2e8f4a917
Revises: f3c8a1d7e254
Create Date: 2026-12-06 17:40:00

A national group holds thousands of open requests: the board reads one page of them per urgency, oldest
first, along this index, instead of sorting the group's whole backlog on every view.
"""
from alembic import op
import sqlalchemy as sa


revision = 'b5d2e8f4a917'
down_revision = 'f3c8a1d7e254'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_support_requests_open_board', 'support_requests', ['group_id', 'urgency', 'created_at', 'id'],
                    unique=False, postgresql_where=sa.text("status <> 'closed'"),
                    sqlite_where=sa.text("status <> 'closed'"), postgresql_include=['department', 'procedure_id'])


def downgrade():
    op.drop_index('ix_support_requests_open_board', table_name='support_requests')
