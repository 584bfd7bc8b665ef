"""PostgreSQL: what the README's backup procedure promises (pg_dump, then pg_restore into a new database)."""
import shutil
import subprocess

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from tests.conftest import PG_URL, create_pg_database, drop_pg_database

pytestmark = pytest.mark.postgres


def _libpq(url):
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _contents(url):
    """Every row of every table (ordered), and where each sequence stands."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            tables = sorted(inspect(conn).get_table_names())
            rows = {
                name: sorted(repr(tuple(row)) for row in conn.execute(text(f'SELECT * FROM "{name}"')))  # noqa: S608
                for name in tables
            }
            sequences = {
                name: conn.execute(text(f'SELECT last_value, is_called FROM "{name}"')).one()  # noqa: S608
                for name in conn.execute(text(
                    "SELECT sequence_name FROM information_schema.sequences WHERE sequence_schema = 'public'"
                )).scalars()
            }
    finally:
        engine.dispose()
    return rows, sequences


@pytest.mark.skipif(shutil.which("pg_dump") is None or shutil.which("pg_restore") is None,
                    reason="pg_dump and pg_restore are not installed")
def test_pg_dump_then_pg_restore_gives_the_same_rows(app, db, tmp_path):
    assert app.test_cli_runner().invoke(args=["seed", "demo"]).exit_code == 0
    db.session.remove()
    source = app.config["SQLALCHEMY_DATABASE_URI"]
    dump = tmp_path / "passerelle.dump"
    subprocess.run(["pg_dump", "-Fc", "-f", str(dump), _libpq(source)], check=True, timeout=300)  # noqa: S603,S607
    target = create_pg_database(PG_URL, "passerelle_restore")
    try:
        subprocess.run(["pg_restore", "--no-owner", "--exit-on-error", "-d", _libpq(target), str(dump)],  # noqa: S603,S607
                       check=True, timeout=300)
        before_rows, before_sequences = _contents(source)
        after_rows, after_sequences = _contents(target)
        assert sum(len(r) for r in before_rows.values()) > 100  # the demo data: the comparison proves something
        assert before_rows["reports"] and before_rows["users"] and before_rows["alembic_version"]
        assert after_rows == before_rows
        assert after_sequences == before_sequences
    finally:
        drop_pg_database(target)
