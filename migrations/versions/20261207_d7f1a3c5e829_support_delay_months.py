"""monthly first-answer delays per organisation: one row per organisation-month for the cross-readings

Revision ID: d7f1a3c5e829
Revises: c4e8b2d6f913
Create Date: 2026-12-07 03:10:00

support_delay_months holds, per organisation and UTC month of the request, the number of answered requests
and the median of their stored first-answer delays (support_requests.first_answer_business_hours). The
back office keeps it up to date; the existing requests are counted here (PostgreSQL's percentile_cont, or
the same linear interpolation in Python on SQLite; self-contained).
"""
import math
from collections import defaultdict
from datetime import UTC, date

from alembic import op
import sqlalchemy as sa


revision = 'd7f1a3c5e829'
down_revision = 'c4e8b2d6f913'
branch_labels = None
depends_on = None


def _median(values):
    values = sorted(values)
    rank = 0.5 * (len(values) - 1)
    low, high = math.floor(rank), math.ceil(rank)
    return values[low] + (values[high] - values[low]) * (rank - low)


def _backfill(summary):
    bind = op.get_bind()
    answered = ("organisation_id IS NOT NULL AND first_answer_at IS NOT NULL "
                "AND first_answer_business_hours IS NOT NULL")
    if bind.dialect.name == 'postgresql':
        op.execute(
            "INSERT INTO support_delay_months (organisation_id, month, answered, median_hours) "
            "SELECT organisation_id, CAST(date_trunc('month', created_at AT TIME ZONE 'UTC') AS DATE), count(*), "
            "percentile_cont(0.5) WITHIN GROUP (ORDER BY first_answer_business_hours) "
            f"FROM support_requests WHERE {answered} "
            "GROUP BY organisation_id, CAST(date_trunc('month', created_at AT TIME ZONE 'UTC') AS DATE)")
        return
    requests = sa.table('support_requests', sa.column('organisation_id', sa.Integer),
                        sa.column('created_at', sa.DateTime(timezone=True)),
                        sa.column('first_answer_business_hours', sa.Float))
    hours = defaultdict(list)
    for org_id, created_at, value in bind.execute(
            sa.select(requests.c.organisation_id, requests.c.created_at, requests.c.first_answer_business_hours)
            .where(sa.text(answered))):
        created_at = created_at.replace(tzinfo=UTC) if created_at.tzinfo is None else created_at.astimezone(UTC)
        hours[(org_id, date(created_at.year, created_at.month, 1))].append(value)
    values = [{'organisation_id': org_id, 'month': month, 'answered': len(found), 'median_hours': _median(found)}
              for (org_id, month), found in hours.items()]
    for start in range(0, len(values), 5000):
        op.bulk_insert(summary, values[start:start + 5000])


def upgrade():
    summary = op.create_table('support_delay_months',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('answered', sa.Integer(), nullable=False),
    sa.Column('median_hours', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'],
                            name=op.f('fk_support_delay_months_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_support_delay_months')),
    sa.UniqueConstraint('organisation_id', 'month', name='uq_support_delay_months_key')
    )
    with op.batch_alter_table('support_delay_months', schema=None) as batch_op:
        batch_op.create_index('ix_support_delay_months_month_org', ['month', 'organisation_id'], unique=False,
                              postgresql_include=['median_hours'])
    _backfill(summary)


def downgrade():
    with op.batch_alter_table('support_delay_months', schema=None) as batch_op:
        batch_op.drop_index('ix_support_delay_months_month_org')
    op.drop_table('support_delay_months')
