"""Demo states of the test database, built once per session and put back in milliseconds.

Seeding the demo takes seconds, importing the shipped curricula several more, and about a hundred
browser tests start from one of these states. On SQLite the first test to ask for a state builds it
from empty tables and keeps a copy in memory; the next ones get the copy back with SQLite's backup API
(the whole file, sequences included, about 30 ms). On other databases each state is built again.
"""
import sqlite3

from app.extensions import db

_saved = {}  # (database path, state name) -> an in-memory SQLite copy


def _seed_demo():
    from app.seed import seed_demo

    seed_demo()


def _import_curricula():
    from app.training.curricula.importer import import_curricula

    import_curricula("curricula")


# Each state as built from empty tables.
STATES = {
    "demo": (_seed_demo,),
    "demo+curricula": (_seed_demo, _import_curricula),
    "curricula+demo": (_import_curricula, _seed_demo),
}


def _database_path():
    url = db.engine.url
    return url.database if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:") else None


def enter(name):
    """Replace whatever the tables hold by the state `name` (see STATES)."""
    from tests.conftest import _clear_tables

    path = _database_path()
    key = (path, name)
    db.session.remove()
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
