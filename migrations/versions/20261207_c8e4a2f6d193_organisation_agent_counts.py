"""organisation_agent_counts: each organisation's number of agents, kept by triggers on users

Revision ID: c8e4a2f6d193
Revises: b5d9e3a7c142
Create Date: 2026-12-07 21:10:00

The HR follow-up counts the rows of its list up to a cap; without a filter, every agent has a row, so it
first counted the organisation's agents up to the cap, walking up to 1,001 entries of the users index on
every view of a large organisation (most of the page's time in the database). Each organisation's number of
agents (active or not, as that count was) is now a row kept exact by triggers on users: an insert, a delete,
a change of organisation or of role. Triggers, not application code: a seed, an import or a SQL repair keeps
it exact too. Existing organisations are counted here.
"""
from alembic import op
import sqlalchemy as sa


revision = 'c8e4a2f6d193'
down_revision = 'b5d9e3a7c142'
branch_labels = None
depends_on = None

POSTGRESQL_UP = (
    """
    CREATE FUNCTION users_count_agents() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP <> 'INSERT' THEN
            IF OLD.role = 'agent' AND OLD.organisation_id IS NOT NULL THEN
                UPDATE organisation_agent_counts SET agents = agents - 1
                WHERE organisation_id = OLD.organisation_id;
            END IF;
        END IF;
        IF TG_OP <> 'DELETE' THEN
            IF NEW.role = 'agent' AND NEW.organisation_id IS NOT NULL THEN
                INSERT INTO organisation_agent_counts (organisation_id, agents) VALUES (NEW.organisation_id, 1)
                ON CONFLICT (organisation_id) DO UPDATE SET agents = organisation_agent_counts.agents + 1;
            END IF;
        END IF;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER users_agent_counts AFTER INSERT OR DELETE ON users
    FOR EACH ROW EXECUTE FUNCTION users_count_agents()
    """,
    """
    CREATE TRIGGER users_agent_counts_update AFTER UPDATE OF organisation_id, role ON users
    FOR EACH ROW WHEN (OLD.organisation_id IS DISTINCT FROM NEW.organisation_id OR OLD.role IS DISTINCT FROM NEW.role)
    EXECUTE FUNCTION users_count_agents()
    """,
)
POSTGRESQL_DOWN = (
    "DROP TRIGGER IF EXISTS users_agent_counts_update ON users",
    "DROP TRIGGER IF EXISTS users_agent_counts ON users",
    "DROP FUNCTION IF EXISTS users_count_agents()",
)
_SQLITE_ADD = """
        INSERT OR IGNORE INTO organisation_agent_counts (organisation_id, agents)
        SELECT NEW.organisation_id, 0 WHERE NEW.role = 'agent' AND NEW.organisation_id IS NOT NULL;
        UPDATE organisation_agent_counts SET agents = agents + 1
        WHERE NEW.role = 'agent' AND organisation_id = NEW.organisation_id;"""
_SQLITE_REMOVE = """
        UPDATE organisation_agent_counts SET agents = agents - 1
        WHERE OLD.role = 'agent' AND organisation_id = OLD.organisation_id;"""
SQLITE_UP = (
    f"CREATE TRIGGER users_agent_counts_insert AFTER INSERT ON users FOR EACH ROW BEGIN{_SQLITE_ADD}\n    END",
    f"CREATE TRIGGER users_agent_counts_delete AFTER DELETE ON users FOR EACH ROW BEGIN{_SQLITE_REMOVE}\n    END",
    f"""CREATE TRIGGER users_agent_counts_update AFTER UPDATE OF organisation_id, role ON users
    FOR EACH ROW WHEN OLD.organisation_id IS NOT NEW.organisation_id OR OLD.role IS NOT NEW.role
    BEGIN{_SQLITE_REMOVE}{_SQLITE_ADD}
    END""",
)
SQLITE_DOWN = (
    "DROP TRIGGER IF EXISTS users_agent_counts_update",
    "DROP TRIGGER IF EXISTS users_agent_counts_delete",
    "DROP TRIGGER IF EXISTS users_agent_counts_insert",
)


def upgrade():
    postgresql = op.get_bind().dialect.name == "postgresql"
    op.create_table(
        'organisation_agent_counts',
        sa.Column('organisation_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('agents', sa.Integer(), server_default='0', nullable=False),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'],
                                name=op.f('fk_organisation_agent_counts_organisation_id_organisations'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('organisation_id', name=op.f('pk_organisation_agent_counts')),
    )
    op.execute("INSERT INTO organisation_agent_counts (organisation_id, agents) "
               "SELECT organisation_id, count(*) FROM users WHERE role = 'agent' AND organisation_id IS NOT NULL "
               "GROUP BY organisation_id")
    for statement in POSTGRESQL_UP if postgresql else SQLITE_UP:
        op.execute(statement)


def downgrade():
    postgresql = op.get_bind().dialect.name == "postgresql"
    for statement in POSTGRESQL_DOWN if postgresql else SQLITE_DOWN:
        op.execute(statement)
    op.drop_table('organisation_agent_counts')
