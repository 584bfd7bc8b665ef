"""Demo states of the test database, built once per session and put back in milliseconds.

Seeding the demo takes seconds, importing the shipped curricula several more, and about a hundred
browser tests start from one of these states. On SQLite the first test to ask for a state builds it
from empty tables and keeps a copy in memory; the next ones get the copy back with SQLite's backup API
(the whole file, sequences included, about 30 ms). On other databases each state is built again.
"""
import sqlite3

from app.extensions import db

_saved = {}  # (database path, state name) -> an in-memory SQLite copy
_saved_pg = {}  # (database URL, state name) -> ({table: COPY binary data}, {sequence: last value or None})


def _seed_demo():
    from app.seed import seed_demo

    seed_demo()


def _import_curricula():
    from app.training.curricula.importer import import_curricula

    import_curricula("curricula")


def _import_fixture_curricula():
    from tests.training.learning_helpers import import_fixture_curricula

    import_fixture_curricula()


# Each state as built from empty tables.
STATES = {
    "demo": (_seed_demo,),
    "demo+fixture curricula": (_seed_demo, _import_fixture_curricula),
    "demo+curricula": (_seed_demo, _import_curricula),
    "curricula+demo": (_import_curricula, _seed_demo),
}


def _database_path():
    url = db.engine.url
    return url.database if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:") else None


def _is_postgresql():
    return db.engine.url.get_backend_name() == "postgresql"


def _save_pg():
    """Every non-empty table's rows (COPY, binary) and every sequence's value."""
    tables, sequences = {}, {}
    with db.engine.begin() as conn:
        cursor = conn.connection.driver_connection.cursor()
        for table in db.metadata.sorted_tables:
            if conn.exec_driver_sql(f'SELECT EXISTS (SELECT FROM "{table.name}")').scalar():
                with cursor.copy(f'COPY "{table.name}" TO STDOUT (FORMAT BINARY)') as copy:
                    tables[table.name] = b"".join(bytes(block) for block in copy)
        for schema, name, value in conn.exec_driver_sql(
            "SELECT schemaname, sequencename, last_value FROM pg_sequences"
        ):
            sequences[f'"{schema}"."{name}"'] = value
    return tables, sequences


def _restore_pg(saved):
    """Put a copy of _save_pg back into the emptied tables (foreign-key triggers off while it loads)."""
    tables, sequences = saved
    with db.engine.begin() as conn:
        conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
        cursor = conn.connection.driver_connection.cursor()
        for name, data in tables.items():
            with cursor.copy(f'COPY "{name}" FROM STDIN (FORMAT BINARY)') as copy:
                copy.write(data)
        for sequence, value in sequences.items():
            if value is not None:
                conn.exec_driver_sql("SELECT setval(%s::regclass, %s, true)", (sequence, value))


def enter(name):
    """Replace whatever the tables hold by the state `name` (see STATES)."""
    from tests.conftest import _clear_tables

    path = _database_path()
    key = (path, name)
    db.session.remove()
    if _is_postgresql():
        key = (db.engine.url.render_as_string(hide_password=False), name)
        _clear_tables(db)
        if key in _saved_pg:
            _restore_pg(_saved_pg[key])
        else:
            for step in STATES[name]:
                step()
            db.session.commit()
            db.session.remove()
            _saved_pg[key] = _save_pg()
        return
    if path and key in _saved:
        target = sqlite3.connect(path)
        try:
            _saved[key].backup(target)
        finally:
            target.close()
        return
    _clear_tables(db)
    for step in STATES[name]:
        step()
    db.session.commit()
    if path:
        db.session.remove()
        source, copy = sqlite3.connect(path), sqlite3.connect(":memory:")
        try:
            source.backup(copy)
        finally:
            source.close()
        _saved[key] = copy
