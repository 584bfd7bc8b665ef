"""psycopg builds `cursor.description` (one Column object per column, each looking up its type) every time it is
read, and SQLAlchemy reads it after every SELECT only to learn that rows came back: once a statement has run,
SQLAlchemy keeps its result layout with the compiled statement and never looks at the columns again. The
signed-in user's row alone has 27 columns (~0.05 ms a request); a page's UNION of parts has more.

Here the cursor's description is the same list, built when something first looks inside it (its length, an
item, an iteration), from the result it described when it was read: `None` and non-`None` are decided at once,
as before, and what a reader finds in it is what psycopg would have given.
"""
from collections.abc import Sequence


class _ResultSnapshot:
    """What psycopg's Column reads from a cursor, as it was when the description was asked for."""

    __slots__ = ("pgresult", "_encoding", "adapters")

    def __init__(self, cursor):
        self.pgresult, self._encoding, self.adapters = cursor.pgresult, cursor._encoding, cursor.adapters


class ColumnsOnDemand(Sequence):
    """A cursor's description, its Column objects built on first use."""

    __slots__ = ("_snapshot", "_columns")

    def __init__(self, cursor):
        self._snapshot, self._columns = _ResultSnapshot(cursor), None

    def _built(self):
        columns = self._columns
        if columns is None:
            from psycopg import Column

            snapshot = self._snapshot
            columns = self._columns = [Column(snapshot, i) for i in range(snapshot.pgresult.nfields)]
            self._snapshot = None
        return columns

    def __len__(self):
        return len(self._built())

    def __getitem__(self, index):
        return self._built()[index]

    def __iter__(self):
        return iter(self._built())

    def __eq__(self, other):
        return self._built() == (list(other) if isinstance(other, ColumnsOnDemand) else other)

    __hash__ = None  # a list's

    def __repr__(self):
        return repr(self._built())


def cursor_class():
    """psycopg's Cursor whose description is a ColumnsOnDemand (None when psycopg's is None)."""
    from psycopg import Cursor

    describe = Cursor.description.fget

    class DescribedOnDemandCursor(Cursor):
        __slots__ = ()

        @property
        def description(self):
            res = self.pgresult
            if res and res.nfields:
                return ColumnsOnDemand(self)
            return describe(self)  # no column: psycopg's own answer (None, or [] for "SELECT ;")

    return DescribedOnDemandCursor


def install_columns_on_demand(engine):
    """Every new connection of the engine makes its (client-side) cursors with a description built on demand."""
    from sqlalchemy import event

    factory = cursor_class()

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, connection_record):
        dbapi_connection.cursor_factory = factory
