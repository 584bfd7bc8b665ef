"""support_group_open_counts: each group's number of open requests

Revision ID: a8d2e6f4c317
Revises: f3c1a7e5b920
Create Date: 2026-12-07 12:40:00

The back office keeps, per group, the number of its requests that are not closed (app.backoffice.open_counts);
the expert board reads its plain view's total there. The existing requests are counted here.
"""
from alembic import op
import sqlalchemy as sa


revision = 'a8d2e6f4c317'
down_revision = 'f3c1a7e5b920'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('support_group_open_counts',
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('open_requests', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['support_groups.id'], ondelete='CASCADE',
                            name=op.f('fk_support_group_open_counts_group_id_support_groups')),
    sa.PrimaryKeyConstraint('group_id', name=op.f('pk_support_group_open_counts'))
    )
    op.execute("INSERT INTO support_group_open_counts (group_id, open_requests) "
               "SELECT group_id, count(*) FROM support_requests "
               "WHERE group_id IS NOT NULL AND status <> 'closed' GROUP BY group_id")


def downgrade():
    op.drop_table('support_group_open_counts')
