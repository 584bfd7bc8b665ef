"""index of the audit log by action and target ("who read my passport")

Revision ID: f3b8d2a61c45
Revises: e5a91c3f7b20
Create Date: 2026-11-28 00:30:00

The passport page lists the last reads of the holder's passport and entries; without this index the
query walks the whole log backwards (118 ms with 400,000 other reads), with it 0.2 ms.
"""
from alembic import op


revision = 'f3b8d2a61c45'
down_revision = 'e5a91c3f7b20'
branch_labels = None
depends_on = None


def upgrade():
    op.execute("CREATE INDEX ix_audit_log_action_target ON audit_log (action, target_type, target_id, at)")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ANALYZE audit_log")


def downgrade():
    op.execute("DROP INDEX IF EXISTS ix_audit_log_action_target")
