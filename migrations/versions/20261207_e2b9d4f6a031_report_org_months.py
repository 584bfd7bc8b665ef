"""reports per organisation and month: one row per organisation-month for the cross-readings

Revision ID: e2b9d4f6a031
Revises: d7f1a3c5e829
Create Date: 2026-12-07 03:20:00

report_org_months holds, per organisation and UTC month of created_at, the number of reports filed by its
agents. The reports domain keeps it up to date; the existing reports are counted here (in SQL on PostgreSQL,
in Python on SQLite; self-contained).
"""
from collections import Counter
from datetime import UTC, date

from alembic import op
import sqlalchemy as sa


revision = 'e2b9d4f6a031'
down_revision = 'd7f1a3c5e829'
branch_labels = None
depends_on = None


def _backfill(summary):
    bind = op.get_bind()
    if bind.dialect.name == 'postgresql':
        op.execute(
            "INSERT INTO report_org_months (organisation_id, month, reports) "
            "SELECT organisation_id, CAST(date_trunc('month', created_at AT TIME ZONE 'UTC') AS DATE), count(*) "
            "FROM reports WHERE organisation_id IS NOT NULL "
            "GROUP BY organisation_id, CAST(date_trunc('month', created_at AT TIME ZONE 'UTC') AS DATE)")
        return
    reports = sa.table('reports', sa.column('organisation_id', sa.Integer),
                       sa.column('created_at', sa.DateTime(timezone=True)))
    counts = Counter()
    for org_id, created_at in bind.execute(sa.select(reports.c.organisation_id, reports.c.created_at)
                                           .where(reports.c.organisation_id.is_not(None))):
        created_at = created_at.replace(tzinfo=UTC) if created_at.tzinfo is None else created_at.astimezone(UTC)
        counts[(org_id, date(created_at.year, created_at.month, 1))] += 1
    values = [{'organisation_id': org_id, 'month': month, 'reports': n} for (org_id, month), n in counts.items()]
    for start in range(0, len(values), 5000):
        op.bulk_insert(summary, values[start:start + 5000])


def upgrade():
    summary = op.create_table('report_org_months',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('reports', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'],
                            name=op.f('fk_report_org_months_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_org_months')),
    sa.UniqueConstraint('organisation_id', 'month', name='uq_report_org_months_key')
    )
    with op.batch_alter_table('report_org_months', schema=None) as batch_op:
        batch_op.create_index('ix_report_org_months_month_org', ['month', 'organisation_id'], unique=False,
                              postgresql_include=['reports'])
    _backfill(summary)


def downgrade():
    with op.batch_alter_table('report_org_months', schema=None) as batch_op:
        batch_op.drop_index('ix_report_org_months_month_org')
    op.drop_table('report_org_months')
