"""first-answer delays per site: a partial covering index of the answered support requests by organisation

Revision ID: c4e8b2f6a193
Revises: e4b7c2a9f618
Create Date: 2026-12-06 20:15:00

The working-conditions cross-readings and the reception quality pages take the median first-answer delay of
the sites' requests per month: with this index the answered requests of a site and period, with their delay,
are read from the index alone instead of from the rows of every request of the period.
"""
from alembic import op
import sqlalchemy as sa


revision = 'c4e8b2f6a193'
down_revision = "e4b7c2a9f618"
branch_labels = None
depends_on = None

ANSWERED = "first_answer_at IS NOT NULL AND first_answer_business_hours IS NOT NULL"


def upgrade():
    op.create_index('ix_support_requests_answered_by_organisation', 'support_requests',
                    ['organisation_id', 'created_at'], unique=False, postgresql_where=sa.text(ANSWERED),
                    sqlite_where=sa.text(ANSWERED), postgresql_include=['first_answer_business_hours'])


def downgrade():
    op.drop_index('ix_support_requests_answered_by_organisation', table_name='support_requests')
