"""HR validation queue: the submitted entries' index also holds the holder, so the queue's count reads it alone

Revision ID: b7e1d4a9c362
Revises: a9c4e2f7b813
Create Date: 2026-12-07 03:00:00

The queue counts up to 1,000 waiting entries of the organisation's own agents: with the holder in the index
(INCLUDE, PostgreSQL), that count is an index-only scan joined to the organisation's users, instead of a
bitmap scan that visits a heap page per handful of entries.
"""
from alembic import op
import sqlalchemy as sa


revision = 'b7e1d4a9c362'
down_revision = 'a9c4e2f7b813'
branch_labels = None
depends_on = None

NAME = 'ix_passport_entries_queue_submitted_to'
SUBMITTED = "status = 'submitted'"


def _create(include):
    op.create_index(NAME, 'passport_entries', ['submitted_to_org_id', 'submitted_at', 'id'], unique=False,
                    postgresql_where=sa.text(SUBMITTED), sqlite_where=sa.text(SUBMITTED), postgresql_include=include)


def upgrade():
    op.drop_index(NAME, table_name='passport_entries')
    _create(['holder_id'])
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ANALYZE passport_entries")


def downgrade():
    op.drop_index(NAME, table_name='passport_entries')
    _create([])
