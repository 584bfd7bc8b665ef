"""On PostgreSQL, a cursor's description is built on demand: the same columns psycopg gives, the same None."""
import psycopg
import pytest
from sqlalchemy import create_engine, text

from app.common.pgcursor import ColumnsOnDemand, install_columns_on_demand
from tests.conftest import PG_URL, _driver_url


@pytest.fixture()
def engine():
    if not PG_URL:
        pytest.skip("PostgreSQL only: runs in the pass with TEST_DATABASE_URL")
    engine = create_engine(_driver_url(PG_URL), pool_size=1, max_overflow=0)
    install_columns_on_demand(engine)
    yield engine
    engine.dispose()


def _plain_description(dbapi_connection, statement):
    cursor = psycopg.Cursor(dbapi_connection)
    cursor.execute(statement)
    return [(c.name, c.type_code, c.display_size, c.internal_size, c.precision, c.scale, c.null_ok)
            for c in cursor.description]


def test_description_is_psycopgs_own(engine):
    statement = "SELECT 1 AS one, 'a'::varchar(12) AS label, 2.5::numeric(6, 2) AS amount, now() AS at, NULL AS nothing"
    with engine.connect() as conn:
        dbapi = conn.connection.dbapi_connection
        cursor = dbapi.cursor()
        cursor.execute(statement)
        description = cursor.description
        assert isinstance(description, ColumnsOnDemand)
        cursor.execute("SELECT 42 AS other")  # the cursor moves on: the description read before still describes its result
        assert len(description) == 5
        assert [(c.name, c.type_code, c.display_size, c.internal_size, c.precision, c.scale, c.null_ok)
                for c in description] == _plain_description(dbapi, statement)
        assert description[1].name == "label" and description[-1].name == "nothing"
        assert description == list(description) and [c.name for c in cursor.description] == ["other"]


def test_no_rows_no_description(engine):
    with engine.connect() as conn:
        conn.exec_driver_sql("CREATE TEMPORARY TABLE columns_probe (id int)")
        cursor = conn.connection.dbapi_connection.cursor()
        cursor.execute("INSERT INTO columns_probe VALUES (1)")
        assert cursor.description is None
        cursor.execute("SELECT id FROM columns_probe WHERE id = 0")  # no row: still described
        assert [c.name for c in cursor.description] == ["id"]
        cursor.execute("SELECT")  # tuples without a column: psycopg's empty list
        assert cursor.description == []


def test_sqlalchemy_results_read_the_same(engine):
    with engine.connect() as conn:
        for _ in range(3):  # first run builds SQLAlchemy's result layout from the description, later ones reuse it
            result = conn.execute(text("SELECT 1 AS a, 'x' AS b UNION ALL SELECT 2, 'y' ORDER BY 1"))
            assert list(result.keys()) == ["a", "b"]
            assert [tuple(row) for row in result] == [(1, "x"), (2, "y")]
            assert conn.execute(text("SELECT 7 AS seven")).mappings().one() == {"seven": 7}
