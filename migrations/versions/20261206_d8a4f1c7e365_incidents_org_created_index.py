"""HR's incident list: an index of the incidents by organisation in filing order

Revision ID: d8a4f1c7e365
Revises: c4e8b2f6a193
Create Date: 2026-12-06 20:20:00

The list shows one page of an organisation's incidents, newest filed first: read along this index, the page
costs the same for a site with a few incidents and for the busiest one, instead of sorting all of them.
"""
from alembic import op


revision = 'd8a4f1c7e365'
down_revision = 'c4e8b2f6a193'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_workplace_incidents_org_created', 'workplace_incidents',
                    ['organisation_id', 'created_at', 'id'], unique=False)


def downgrade():
    op.drop_index('ix_workplace_incidents_org_created', table_name='workplace_incidents')
