"""organisation-month incident totals: the cross-readings pick the busiest organisation-months by index

Revision ID: c4e8b2d6f913
Revises: c3f8a2e6d915
Create Date: 2026-12-07 03:00:00

workplace_incident_org_months holds, per organisation and month, the incidents of every kind and severity,
with the organisation's département. The incident use cases keep it up to date with
workplace_incident_months; the existing figures are added up here from that table's organisation rows (one
INSERT ... SELECT, the same on SQLite and PostgreSQL).
"""
from alembic import op
import sqlalchemy as sa


revision = 'c4e8b2d6f913'
down_revision = 'c3f8a2e6d915'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('workplace_incident_org_months',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('department', sa.String(length=3), nullable=True),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('incidents', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'],
                            name=op.f('fk_workplace_incident_org_months_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_workplace_incident_org_months')),
    sa.UniqueConstraint('organisation_id', 'month', name='uq_workplace_incident_org_months_key')
    )
    with op.batch_alter_table('workplace_incident_org_months', schema=None) as batch_op:
        batch_op.create_index('ix_workplace_incident_org_months_month_incidents', ['month', 'incidents'],
                              unique=False)
        batch_op.create_index('ix_workplace_incident_org_months_department', ['department', 'month', 'incidents'],
                              unique=False)
    op.execute(
        "INSERT INTO workplace_incident_org_months (organisation_id, department, month, incidents) "
        "SELECT m.organisation_id, o.department, m.month, SUM(m.incidents) "
        "FROM workplace_incident_months m JOIN organisations o ON o.id = m.organisation_id "
        "WHERE m.organisation_id IS NOT NULL "
        "GROUP BY m.organisation_id, o.department, m.month HAVING SUM(m.incidents) > 0")


def downgrade():
    with op.batch_alter_table('workplace_incident_org_months', schema=None) as batch_op:
        batch_op.drop_index('ix_workplace_incident_org_months_department')
        batch_op.drop_index('ix_workplace_incident_org_months_month_incidents')
    op.drop_table('workplace_incident_org_months')
