"""monthly incident summaries: the working-conditions indicators read them instead of the incidents

Revision ID: a9d3e6f2c481
Revises: a3f7c1e9b482
Create Date: 2026-12-06 17:20:00

workplace_incident_months holds, per scope ("org:<id>", "dep:<code>", "nat"), month, kind and severity, the
number of incidents, of those taken in charge within 48 h of filing and of those with support offered. The
incident use cases keep it up to date; the existing incidents are counted here (in Python, the same way on
SQLite and PostgreSQL; self-contained: the application's code may change after this revision).
"""
from collections import Counter
from datetime import UTC, date, timedelta

from alembic import op
import sqlalchemy as sa


revision = 'a9d3e6f2c481'
down_revision = 'a3f7c1e9b482'
branch_labels = None
depends_on = None

COUNTERS = ('incidents', 'taken_within_48h', 'support_given')


def _utc(moment):
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _backfill(summary):
    bind = op.get_bind()
    organisations = sa.table('organisations', sa.column('id', sa.Integer), sa.column('department', sa.String))
    incidents = sa.table('workplace_incidents', sa.column('organisation_id', sa.Integer),
                         sa.column('occurred_at', sa.DateTime(timezone=True)), sa.column('kind', sa.String),
                         sa.column('severity', sa.String), sa.column('created_at', sa.DateTime(timezone=True)),
                         sa.column('taken_at', sa.DateTime(timezone=True)),
                         sa.column('support_at', sa.DateTime(timezone=True)))
    departments = dict(bind.execute(sa.select(organisations.c.id, organisations.c.department)).all())
    totals = {}
    rows = bind.execute(sa.select(incidents.c.organisation_id, incidents.c.occurred_at, incidents.c.kind,
                                  incidents.c.severity, incidents.c.created_at, incidents.c.taken_at,
                                  incidents.c.support_at))
    for org_id, occurred_at, kind, severity, created_at, taken_at, support_at in rows:
        occurred_at = _utc(occurred_at)
        month = date(occurred_at.year, occurred_at.month, 1)
        on_time = taken_at is not None and _utc(taken_at) - _utc(created_at) <= timedelta(hours=48)
        delta = {'incidents': 1, 'taken_within_48h': int(on_time), 'support_given': int(support_at is not None)}
        scopes = [(f'org:{org_id}', org_id), ('nat', None)]
        if departments.get(org_id):
            scopes.append((f'dep:{departments[org_id]}', None))
        for scope, row_org in scopes:
            totals.setdefault((scope, row_org, month, kind, severity), Counter()).update(delta)
    values = [{'scope': scope, 'organisation_id': org_id, 'month': month, 'kind': kind, 'severity': severity,
               **{name: counts.get(name, 0) for name in COUNTERS}}
              for (scope, org_id, month, kind, severity), counts in totals.items()]
    for start in range(0, len(values), 5000):
        op.bulk_insert(summary, values[start:start + 5000])


def upgrade():
    summary = op.create_table('workplace_incident_months',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scope', sa.String(length=20), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('severity', sa.String(length=1), nullable=False),
    sa.Column('incidents', sa.Integer(), nullable=False),
    sa.Column('taken_within_48h', sa.Integer(), nullable=False),
    sa.Column('support_given', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'],
                            name=op.f('fk_workplace_incident_months_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_workplace_incident_months')),
    sa.UniqueConstraint('scope', 'month', 'kind', 'severity', name='uq_workplace_incident_months_key')
    )
    with op.batch_alter_table('workplace_incident_months', schema=None) as batch_op:
        batch_op.create_index('ix_workplace_incident_months_month_org', ['month', 'organisation_id'], unique=False)
    _backfill(summary)


def downgrade():
    with op.batch_alter_table('workplace_incident_months', schema=None) as batch_op:
        batch_op.drop_index('ix_workplace_incident_months_month_org')
    op.drop_table('workplace_incident_months')
