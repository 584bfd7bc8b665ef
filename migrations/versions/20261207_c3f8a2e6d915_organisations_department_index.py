"""quality pages: a département's organisations by name, from an index

Revision ID: c3f8a2e6d915
Revises: b7e1d4a9c362
Create Date: 2026-12-07 03:20:00

The département quality page lists the département's organisations by name on every view: along this index
(their codes included, PostgreSQL) it reads them alone instead of scanning every organisation.
"""
from alembic import op


revision = 'c3f8a2e6d915'
down_revision = 'b7e1d4a9c362'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_organisations_department_name', 'organisations', ['department', 'name'], unique=False,
                    postgresql_include=['code'])
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ANALYZE organisations")


def downgrade():
    op.drop_index('ix_organisations_department_name', table_name='organisations')
