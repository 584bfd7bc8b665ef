"""request page at national scale: the group's recent requests on one procedure, read from an index

Revision ID: a9c4e2f7b813
Revises: d8a4f1c7e365
Create Date: 2026-12-06 21:10:00

The « problème récurrent » count (a group's requests on the request's procedure in the last 30 days) read
a bitmap of the group's whole history and one of every recent request; along this index it counts the
matching entries only.
"""
from alembic import op


revision = 'a9c4e2f7b813'
down_revision = 'd8a4f1c7e365'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_support_requests_group_procedure_created', 'support_requests',
                    ['group_id', 'procedure_id', 'created_at'], unique=False)


def downgrade():
    op.drop_index('ix_support_requests_group_procedure_created', table_name='support_requests')
