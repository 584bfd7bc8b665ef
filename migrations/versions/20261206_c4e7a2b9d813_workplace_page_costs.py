"""working-conditions pages at national scale: barometer sums of closed campaigns, period indexes

Indexes for the incidents of a period and for the reports of a site and period.

Revision ID: c4e7a2b9d813
Revises: 79586bd7efda
Create Date: 2026-12-06 14:20:00

workplace_barometer_totals holds, for each closed campaign, the sums of its answers per organisation and
per département (organisation_id NULL; a closed campaign's answers never change); the barometer results
read it instead of every answer.
The existing closed campaigns are summed here.
"""
from alembic import op
import sqlalchemy as sa


revision = 'c4e7a2b9d813'
down_revision = '79586bd7efda'
branch_labels = None
depends_on = None

ITEMS = ('workload', 'handling_time', 'autonomy', 'peer_help', 'manager_help', 'backoffice_help', 'tools',
         'training', 'recognition', 'tension', 'safety', 'comfort')


def upgrade():
    op.create_table('workplace_barometer_totals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('quarter', sa.String(length=7), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('department', sa.String(length=3), nullable=True),
    sa.Column('respondents', sa.Integer(), nullable=False),
    *[sa.Column(item, sa.Integer(), nullable=False) for item in ITEMS],
    sa.ForeignKeyConstraint(['campaign_id'], ['workplace_barometer_campaigns.id'],
                            name=op.f('fk_workplace_barometer_totals_campaign_id_workplace_barometer_campaigns')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'],
                            name=op.f('fk_workplace_barometer_totals_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_workplace_barometer_totals'))
    )
    with op.batch_alter_table('workplace_barometer_totals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_workplace_barometer_totals_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index('ix_workplace_barometer_totals_quarter_department', ['quarter', 'department'],
                              unique=False)
        batch_op.create_index('ix_workplace_barometer_totals_quarter_organisation', ['quarter', 'organisation_id'],
                              unique=False)
    sums = ', '.join(f'SUM(a.{item})' for item in ITEMS)
    for organisation in ('a.organisation_id', 'NULL'):  # per organisation, then per département
        group = ', a.organisation_id' if organisation != 'NULL' else ''
        op.execute(
            f"INSERT INTO workplace_barometer_totals (campaign_id, quarter, organisation_id, department, respondents, "
            f"{', '.join(ITEMS)}) "
            f"SELECT a.campaign_id, c.quarter, {organisation}, a.department, COUNT(*), {sums} "
            "FROM workplace_barometer_answers a JOIN workplace_barometer_campaigns c ON c.id = a.campaign_id "
            f"WHERE c.status = 'closed' GROUP BY a.campaign_id, c.quarter, a.department{group}"
        )
    with op.batch_alter_table('workplace_incidents', schema=None) as batch_op:
        batch_op.create_index('ix_workplace_incidents_occurred', ['occurred_at', 'organisation_id'], unique=False,
                              postgresql_include=['kind', 'severity', 'created_at', 'taken_at', 'support_at'])
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.create_index('ix_reports_organisation_created', ['organisation_id', 'created_at'], unique=False)


def downgrade():
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_index('ix_reports_organisation_created')
    with op.batch_alter_table('workplace_incidents', schema=None) as batch_op:
        batch_op.drop_index('ix_workplace_incidents_occurred')
    with op.batch_alter_table('workplace_barometer_totals', schema=None) as batch_op:
        batch_op.drop_index('ix_workplace_barometer_totals_quarter_organisation')
        batch_op.drop_index('ix_workplace_barometer_totals_quarter_department')
        batch_op.drop_index(batch_op.f('ix_workplace_barometer_totals_campaign_id'))
    op.drop_table('workplace_barometer_totals')
