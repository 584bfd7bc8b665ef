"""On PostgreSQL, plain reads run without BEGIN/ROLLBACK; anything else opens the transaction as before."""
import pytest
from psycopg.pq import TransactionStatus
from sqlalchemy import create_engine, text
from sqlalchemy.exc import ProgrammingError

from app.common.dbreads import COMMITS_ALONE, install_reads_outside_transaction, is_plain_read
from tests.conftest import PG_URL, _driver_url


@pytest.mark.parametrize("statement", [
    "SELECT 1",
    "  select users.id FROM users WHERE users.id = %(id)s",
    "SELECT 'part' AS part FROM a UNION ALL SELECT 'other' FROM b",
    # read-only CTEs (the working-conditions indicators, the HR team page): no transaction either
    "WITH per_month AS (SELECT organisation_id, month FROM s GROUP BY 1, 2) SELECT * FROM per_month",
    "with recursive tree(id) AS (SELECT 1 UNION ALL SELECT id + 1 FROM tree WHERE id < 3) SELECT id FROM tree",
])
def test_plain_reads(statement):
    assert is_plain_read(statement)


@pytest.mark.parametrize("statement", [
    "INSERT INTO audit_log (at) VALUES (now())",
    "UPDATE users SET active = false",
    "DELETE FROM notifications",
    "SET LOCAL synchronous_commit TO off",
    "SAVEPOINT sa_savepoint_1",
    "WITH moved AS (DELETE FROM a RETURNING *) SELECT * FROM moved",
    "WITH new AS (INSERT INTO a (id) VALUES (1) RETURNING id) SELECT id FROM new",
    "WITH changed AS (UPDATE a SET n = 1 RETURNING id) SELECT id FROM changed",
    "WITH m AS (SELECT 1) MERGE INTO a USING m ON true WHEN MATCHED THEN DO NOTHING",
    "WITH locked AS (SELECT id FROM jobs FOR UPDATE) SELECT id FROM locked",
    "WITHOUT_A_SPACE_IS_NOT_A_QUERY",
    "SELECT id FROM jobs WHERE done IS NULL FOR UPDATE SKIP LOCKED",
    "SELECT id FROM months WHERE scope = 'x' FOR UPDATE",
    "SELECT id FROM jobs FOR NO KEY UPDATE",
    "SELECT id FROM jobs FOR SHARE",
    "SELECT id FROM jobs FOR KEY SHARE",
    "SELECT pg_advisory_xact_lock(42)",
    "SELECT set_config('app.user', '1', true)",
    "SELECT * INTO copy FROM users",
])
def test_anything_else_runs_in_a_transaction(statement):
    assert not is_plain_read(statement)


@pytest.fixture()
def engine():
    if not PG_URL:
        pytest.skip("PostgreSQL only: runs in the pass with TEST_DATABASE_URL")
    engine = create_engine(_driver_url(PG_URL), pool_size=1, max_overflow=0)
    install_reads_outside_transaction(engine)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TEMPORARY TABLE IF NOT EXISTS reads_probe (id int)")  # per connection
        conn.exec_driver_sql("DELETE FROM reads_probe")
    yield engine
    engine.dispose()


def _status(conn):
    dbapi = conn.connection.dbapi_connection
    return dbapi.pgconn.transaction_status, dbapi.autocommit


@pytest.mark.postgres
def test_a_read_opens_no_transaction_and_leaves_autocommit_off(engine):
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM reads_probe")).scalar() == 0
        assert _status(conn) == (TransactionStatus.IDLE, False)
        conn.rollback()


@pytest.mark.postgres
def test_a_read_only_cte_opens_no_transaction_but_a_writing_one_does(engine):
    with engine.connect() as conn:
        assert conn.execute(text("WITH c AS (SELECT count(*) AS n FROM reads_probe) SELECT n FROM c")).scalar() == 0
        assert _status(conn) == (TransactionStatus.IDLE, False)
        conn.execute(text("WITH new AS (INSERT INTO reads_probe (id) VALUES (7) RETURNING id) SELECT id FROM new"))
        assert _status(conn)[0] == TransactionStatus.INTRANS
        conn.rollback()
        assert conn.execute(text("SELECT count(*) FROM reads_probe")).scalar() == 0


@pytest.mark.postgres
def test_a_write_opens_the_transaction_and_a_rollback_undoes_it(engine):
    with engine.connect() as conn:
        conn.execute(text("SELECT count(*) FROM reads_probe"))
        conn.execute(text("INSERT INTO reads_probe VALUES (1)"))
        assert _status(conn) == (TransactionStatus.INTRANS, False)
        assert conn.execute(text("SELECT count(*) FROM reads_probe")).scalar() == 1  # read inside it
        conn.execute(text("INSERT INTO reads_probe VALUES (2)"))
        conn.rollback()
        assert conn.execute(text("SELECT count(*) FROM reads_probe")).scalar() == 0  # both undone
        conn.execute(text("INSERT INTO reads_probe VALUES (3)"))
        conn.commit()
        assert conn.execute(text("SELECT count(*) FROM reads_probe")).scalar() == 1


@pytest.mark.postgres
def test_a_locking_read_runs_in_a_transaction(engine):
    with engine.connect() as conn:
        conn.execute(text("SELECT id FROM reads_probe FOR UPDATE"))
        assert _status(conn) == (TransactionStatus.INTRANS, False)
        conn.rollback()


@pytest.mark.postgres
def test_a_server_side_cursor_runs_in_a_transaction(engine):
    with engine.connect() as conn:
        conn.execute(text("INSERT INTO reads_probe SELECT generate_series(1, 50)"))
        conn.commit()
        rows = conn.execution_options(yield_per=10).execute(text("SELECT id FROM reads_probe ORDER BY id"))
        assert [row.id for row in rows] == list(range(1, 51))
        conn.rollback()


@pytest.mark.postgres
def test_a_failed_read_leaves_autocommit_off(engine):
    with engine.connect() as conn:
        with pytest.raises(ProgrammingError):
            conn.execute(text("SELECT no_such_column FROM reads_probe"))
        conn.rollback()
        assert _status(conn) == (TransactionStatus.IDLE, False)
        conn.execute(text("INSERT INTO reads_probe VALUES (1)"))
        conn.rollback()
        assert conn.execute(text("SELECT count(*) FROM reads_probe")).scalar() == 0


@pytest.mark.postgres
def test_an_explicit_isolation_level_is_left_alone(engine):
    with engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn:
        conn.execute(text("SELECT count(*) FROM reads_probe"))
        assert _status(conn) == (TransactionStatus.INTRANS, False)
        conn.rollback()


@pytest.mark.postgres
def test_a_write_that_commits_alone_runs_without_a_transaction_only_when_none_is_open(engine):
    alone = text("INSERT INTO reads_probe VALUES (1)").execution_options(**{COMMITS_ALONE: True})
    with engine.connect() as conn:
        conn.execute(alone)
        assert _status(conn) == (TransactionStatus.IDLE, False)  # committed with its statement
        conn.rollback()
        assert conn.execute(text("SELECT count(*) FROM reads_probe")).scalar() == 1
        conn.execute(text("INSERT INTO reads_probe VALUES (2)"))  # a transaction is open: it joins it
        conn.execute(alone)
        assert _status(conn) == (TransactionStatus.INTRANS, False)
        conn.rollback()
        assert conn.execute(text("SELECT count(*) FROM reads_probe")).scalar() == 1
