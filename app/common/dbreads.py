"""On PostgreSQL, plain reads run outside a transaction until the first write (psycopg's autocommit).

Every request used to pay two extra round trips for its transaction: the BEGIN psycopg sends before the
first statement and the ROLLBACK at teardown; the ROLLBACK also makes psycopg forget its prepared
statements, so a page's queries were parsed and planned again on every request. Now a SELECT (or a
WITH query none of whose parts writes) that finds no transaction open runs on its own (autocommit), and
the connection goes back to transactions right after it: the first statement that is not a plain read (INSERT, UPDATE, DELETE, SET LOCAL, SAVEPOINT, a
SELECT ... FOR UPDATE, a server-side cursor) opens the transaction as before, and what follows it, reads
included, runs inside it until the commit or the rollback. A page that only reads opens none.

What a page sees is unchanged: under READ COMMITTED (PostgreSQL's default, the only level Passerelle
uses) each statement takes its own snapshot anyway, inside a transaction or not. A read that locks rows
or takes a transaction-scoped lock is never run this way. A connection used with an explicit
isolation level (e.g. AUTOCOMMIT for VACUUM) is left alone.

A write that is a whole transaction by itself may ask the same (execution option COMMITS_ALONE, e.g. a read's
audit row): when no transaction is open, it runs on its own and is committed with it, without the BEGIN and
COMMIT round trips; inside an open transaction it runs there as any statement.
"""
import re
from functools import lru_cache

from sqlalchemy import event

# Reads that need the transaction: row locks, transaction-scoped locks and settings, SELECT INTO.
_NEEDS_TRANSACTION = re.compile(r"\bFOR\s+(UPDATE|SHARE|NO\s+KEY|KEY\s+SHARE)\b|ADVISORY|SET_CONFIG|\bINTO\b",
                                re.IGNORECASE)
# A WITH query is a plain read only when none of its parts writes (a data-modifying CTE); any of these words
# anywhere in it, even in a name or a string, sends it to a transaction: a doubt costs a BEGIN, never a lost write.
_WRITES = re.compile(r"\b(INSERT|UPDATE|DELETE|MERGE|TRUNCATE)\b", re.IGNORECASE)
_AUTOCOMMIT_HERE = "passerelle_read_in_autocommit"
COMMITS_ALONE = "passerelle_commits_alone"  # execution option: a one-statement transaction when none is open


@lru_cache(maxsize=1024)  # the statements come from SQLAlchemy's compiled cache: the same strings again
def is_plain_read(statement):
    """A SELECT, or a WITH query whose parts only read, that neither locks nor writes (anything else, or a
    doubt, runs in a transaction)."""
    head = statement.lstrip()[:6].upper()
    if head == "SELECT":
        return _NEEDS_TRANSACTION.search(statement) is None
    if head[:4] == "WITH" and head[4:5].isspace():
        return _NEEDS_TRANSACTION.search(statement) is None and _WRITES.search(statement) is None
    return False


def install_reads_outside_transaction(engine):
    from psycopg import ServerCursor
    from psycopg.pq import TransactionStatus

    idle = TransactionStatus.IDLE

    @event.listens_for(engine, "before_cursor_execute")
    def _before(connection, cursor, statement, parameters, context, executemany):
        dbapi = cursor.connection
        if (executemany or dbapi.autocommit or dbapi.pgconn.transaction_status != idle
                or isinstance(cursor, ServerCursor) or "isolation_level" in connection.get_execution_options()
                or not (is_plain_read(statement) or context.execution_options.get(COMMITS_ALONE))):
            return
        dbapi.autocommit = True
        connection.info[_AUTOCOMMIT_HERE] = True

    def _back_to_transactions(connection, dbapi):
        if connection.info.pop(_AUTOCOMMIT_HERE, False):
            try:
                dbapi.autocommit = False
            except Exception:  # noqa: BLE001 - a broken connection: SQLAlchemy discards it
                connection.invalidate()

    @event.listens_for(engine, "after_cursor_execute")
    def _after(connection, cursor, statement, parameters, context, executemany):
        _back_to_transactions(connection, cursor.connection)

    @event.listens_for(engine, "handle_error")
    def _error(context):
        connection = context.connection
        if connection is not None and not connection.invalidated and connection.info.get(_AUTOCOMMIT_HERE):
            _back_to_transactions(connection, connection.connection.dbapi_connection)
