"""passport entries: the holder's organisation, kept by the database, for the HR queue's indexes

Revision ID: b5d9e3a7c142
Revises: a8d2e6f4c317
Create Date: 2026-12-07 18:20:00

The HR validation queue shows the waiting entries of the organisation's own agents (the mobility rule). It
joined each entry to its holder to know that: its capped count hashed every user of the organisation (2,084
in the largest) on every view. Each entry now carries its holder's current organisation, copied by triggers
(on an entry's insert or change of holder, and on a user's move to another organisation or none), so that
the queue's indexes lead with (organisation the entry went to, holder's organisation) and its count and page
read the index alone. Triggers, not application code: a seed, an import or a SQL repair keeps the copy exact
too. Existing entries are filled here.
"""
from alembic import op
import sqlalchemy as sa


revision = 'b5d9e3a7c142'
down_revision = 'a8d2e6f4c317'
branch_labels = None
depends_on = None

SUBMITTED = "status = 'submitted'"
VALIDATED = "status = 'submitted' AND validated_by_org_id IS NOT NULL"

POSTGRESQL_UP = (
    """
    CREATE FUNCTION passport_entries_copy_holder_organisation() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        NEW.holder_organisation_id := (SELECT organisation_id FROM users WHERE id = NEW.holder_id);
        RETURN NEW;
    END
    $$
    """,
    """
    CREATE TRIGGER passport_entries_holder_organisation
    BEFORE INSERT OR UPDATE OF holder_id, holder_organisation_id ON passport_entries
    FOR EACH ROW EXECUTE FUNCTION passport_entries_copy_holder_organisation()
    """,
    """
    CREATE FUNCTION users_move_passport_entries() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE passport_entries SET holder_organisation_id = NEW.organisation_id WHERE holder_id = NEW.id;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER users_passport_entries_organisation
    AFTER UPDATE OF organisation_id ON users
    FOR EACH ROW WHEN (OLD.organisation_id IS DISTINCT FROM NEW.organisation_id)
    EXECUTE FUNCTION users_move_passport_entries()
    """,
)
POSTGRESQL_DOWN = (
    "DROP TRIGGER IF EXISTS users_passport_entries_organisation ON users",
    "DROP FUNCTION IF EXISTS users_move_passport_entries()",
    "DROP TRIGGER IF EXISTS passport_entries_holder_organisation ON passport_entries",
    "DROP FUNCTION IF EXISTS passport_entries_copy_holder_organisation()",
)
# SQLite cannot change NEW in a BEFORE trigger: the row is corrected just after it is written.
SQLITE_UP = (
    """
    CREATE TRIGGER passport_entries_holder_organisation_insert AFTER INSERT ON passport_entries
    FOR EACH ROW BEGIN
        UPDATE passport_entries SET holder_organisation_id = (SELECT organisation_id FROM users WHERE id = NEW.holder_id)
        WHERE id = NEW.id;
    END
    """,
    """
    CREATE TRIGGER passport_entries_holder_organisation_update AFTER UPDATE OF holder_id, holder_organisation_id
    ON passport_entries
    FOR EACH ROW WHEN NEW.holder_organisation_id IS NOT (SELECT organisation_id FROM users WHERE id = NEW.holder_id)
    BEGIN
        UPDATE passport_entries SET holder_organisation_id = (SELECT organisation_id FROM users WHERE id = NEW.holder_id)
        WHERE id = NEW.id;
    END
    """,
    """
    CREATE TRIGGER users_passport_entries_organisation AFTER UPDATE OF organisation_id ON users
    FOR EACH ROW WHEN OLD.organisation_id IS NOT NEW.organisation_id BEGIN
        UPDATE passport_entries SET holder_organisation_id = NEW.organisation_id WHERE holder_id = NEW.id;
    END
    """,
)
SQLITE_DOWN = (
    "DROP TRIGGER IF EXISTS users_passport_entries_organisation",
    "DROP TRIGGER IF EXISTS passport_entries_holder_organisation_update",
    "DROP TRIGGER IF EXISTS passport_entries_holder_organisation_insert",
)


def _indexes(holder_column):
    """The queue's two indexes, led by the organisation the entry went to, then (new) the holder's one."""
    lead = [holder_column] if holder_column else []
    op.create_index('ix_passport_entries_queue_submitted_to', 'passport_entries',
                    ['submitted_to_org_id', *lead, 'submitted_at', 'id'], unique=False,
                    postgresql_where=sa.text(SUBMITTED), sqlite_where=sa.text(SUBMITTED),
                    postgresql_include=[] if holder_column else ['holder_id'])
    op.create_index('ix_passport_entries_queue_validated_by', 'passport_entries',
                    ['validated_by_org_id', *lead, 'submitted_at', 'id'], unique=False,
                    postgresql_where=sa.text(VALIDATED), sqlite_where=sa.text(VALIDATED))


def _drop_indexes():
    op.drop_index('ix_passport_entries_queue_validated_by', table_name='passport_entries')
    op.drop_index('ix_passport_entries_queue_submitted_to', table_name='passport_entries')


def upgrade():
    postgresql = op.get_bind().dialect.name == "postgresql"
    with op.batch_alter_table('passport_entries') as batch_op:
        batch_op.add_column(sa.Column('holder_organisation_id', sa.Integer(), nullable=True))
    op.execute("UPDATE passport_entries SET holder_organisation_id = "
               "(SELECT organisation_id FROM users WHERE users.id = passport_entries.holder_id)")
    for statement in POSTGRESQL_UP if postgresql else SQLITE_UP:
        op.execute(statement)
    _drop_indexes()
    _indexes('holder_organisation_id')
    if postgresql:
        op.execute("ANALYZE passport_entries")


def downgrade():
    postgresql = op.get_bind().dialect.name == "postgresql"
    _drop_indexes()
    _indexes(None)
    for statement in POSTGRESQL_DOWN if postgresql else SQLITE_DOWN:
        op.execute(statement)
    with op.batch_alter_table('passport_entries') as batch_op:
        batch_op.drop_column('holder_organisation_id')
