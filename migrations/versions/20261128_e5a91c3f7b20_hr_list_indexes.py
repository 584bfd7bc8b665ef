"""indexes for the HR lists: an organisation's agents by name, the validation queue

Revision ID: e5a91c3f7b20
Revises: ddcd0182dbd1
Create Date: 2026-11-28 00:10:00

The HR team view pages an organisation's agents by name; the validation queue reads, per
organisation, the submitted entries in submission order (partial indexes: submitted entries only).
"""
from alembic import op


revision = 'e5a91c3f7b20'
down_revision = 'ddcd0182dbd1'
branch_labels = None
depends_on = None

SUBMITTED = "status = 'submitted'"
SUBMITTED_VALIDATED_BY = "status = 'submitted' AND validated_by_org_id IS NOT NULL"


def upgrade():
    op.execute("CREATE INDEX ix_users_organisation_id_role_full_name ON users (organisation_id, role, full_name, id)")
    op.execute(
        "CREATE INDEX ix_passport_entries_queue_submitted_to ON passport_entries "
        f"(submitted_to_org_id, submitted_at, id) WHERE {SUBMITTED}"
    )
    op.execute(
        "CREATE INDEX ix_passport_entries_queue_validated_by ON passport_entries "
        f"(validated_by_org_id, submitted_at, id) WHERE {SUBMITTED_VALIDATED_BY}"
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ANALYZE users")
        op.execute("ANALYZE passport_entries")


def downgrade():
    op.execute("DROP INDEX IF EXISTS ix_passport_entries_queue_validated_by")
    op.execute("DROP INDEX IF EXISTS ix_passport_entries_queue_submitted_to")
    op.execute("DROP INDEX IF EXISTS ix_users_organisation_id_role_full_name")
