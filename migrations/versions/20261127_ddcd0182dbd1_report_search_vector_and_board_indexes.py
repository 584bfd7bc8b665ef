"""stored search vector for similar reports, indexes for the triage board's sorts

Revision ID: ddcd0182dbd1
Revises: c7d2e91f4a30
Create Date: 2026-11-27 23:55:00

PostgreSQL: the similar-report search walked the newest reports recomputing
to_tsvector('simple', search_text) for each one; the vector is now a stored generated column with
its own GIN index (the expression index it replaces goes). SQLite keeps its FTS5 table.
Both: one index per sort of the triage board, ending with the id that breaks ties.
"""
from alembic import op


revision = 'ddcd0182dbd1'
down_revision = 'c7d2e91f4a30'
branch_labels = None
depends_on = None

NEXT_DUE = ("CASE WHEN (acknowledged_at IS NULL) THEN acknowledge_due_at "
            "WHEN (answered_at IS NULL) THEN answer_due_at END")


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "ALTER TABLE reports ADD COLUMN search_vector tsvector "
            "GENERATED ALWAYS AS (to_tsvector('simple', search_text)) STORED"
        )
        op.execute("CREATE INDEX ix_reports_search_vector ON reports USING gin (search_vector)")
        op.execute("DROP INDEX IF EXISTS ix_reports_search_text_fts")
        # Without statistics on the new column the planner guesses that a common word is rare, and
        # reads every matching report through the GIN index instead of walking the newest ones.
        op.execute("ANALYZE reports")
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_index('ix_reports_people_total')
        batch_op.create_index('ix_reports_people_total_id', ['people_total', 'id'], unique=False)
        batch_op.create_index('ix_reports_blocked_people_id', ['blocked_total', 'people_total', 'id'], unique=False)
        batch_op.create_index('ix_reports_me_too_count_id', ['me_too_count', 'id'], unique=False)
    op.execute(f"CREATE INDEX ix_reports_next_due_id ON reports (({NEXT_DUE}), id)")


def downgrade():
    op.execute("DROP INDEX IF EXISTS ix_reports_next_due_id")
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_index('ix_reports_me_too_count_id')
        batch_op.drop_index('ix_reports_blocked_people_id')
        batch_op.drop_index('ix_reports_people_total_id')
        batch_op.create_index('ix_reports_people_total', ['people_total'], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE INDEX ix_reports_search_text_fts ON reports "
            "USING gin (to_tsvector('simple', search_text))"
        )
        op.execute("DROP INDEX IF EXISTS ix_reports_search_vector")
        op.execute("ALTER TABLE reports DROP COLUMN IF EXISTS search_vector")
