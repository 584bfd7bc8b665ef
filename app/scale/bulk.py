"""Bulk writes: PostgreSQL COPY, executemany in large batches elsewhere."""
import json
from datetime import date, datetime

from app.extensions import db

BATCH = 20_000


class IdSequence:
    """Hand out primary keys ourselves so that child rows can point at parents before COPY."""

    def __init__(self, table):
        self.table = table
        # Table names come from this module's own constants, never from input.
        self.next = (db.session.execute(db.text(f'SELECT max(id) FROM "{table}"')).scalar() or 0) + 1  # noqa: S608  # nosec B608

    def take(self):
        value = self.next
        self.next += 1
        return value


def _plain(value):
    if isinstance(value, dict | list):
        return json.dumps(value)
    return value


def insert_rows(table, columns, rows, bar=None):
    """Insert an iterable of tuples into a table (columns in order); returns the row count."""
    connection = db.session.connection()
    names = ", ".join(f'"{c}"' for c in columns)
    count = 0
    if connection.dialect.name == "postgresql":
        raw = connection.connection.driver_connection
        with raw.cursor() as cursor, cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row([_plain(v) for v in row])
                count += 1
                if bar is not None and count % BATCH == 0:
                    bar.update(BATCH)
        if bar is not None:
            bar.update(count % BATCH)
        return count
    marks = ", ".join("?" for _c in columns)
    sql = f'INSERT INTO "{table}" ({names}) VALUES ({marks})'  # noqa: S608  # nosec B608
    batch = []
    for row in rows:
        batch.append(tuple(_sqlite_value(v) for v in row))
        if len(batch) >= BATCH:
            connection.exec_driver_sql(sql, batch)
            count += len(batch)
            if bar is not None:
                bar.update(len(batch))
            batch = []
    if batch:
        connection.exec_driver_sql(sql, batch)
        count += len(batch)
        if bar is not None:
            bar.update(len(batch))
    return count


def _sqlite_value(value):
    # Same text as SQLAlchemy's SQLite DateTime (naive UTC, microseconds); the seed writes UTC only.
    if isinstance(value, datetime):
        return value.replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    return _plain(value)


def reset_sequences(tables):
    """After explicit ids, move PostgreSQL sequences past them."""
    connection = db.session.connection()
    if connection.dialect.name != "postgresql":
        return
    for table in tables:
        connection.exec_driver_sql(
            f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "  # noqa: S608  # nosec B608
            f'coalesce((SELECT max(id) FROM "{table}"), 1))'
        )


def analyse():
    """VACUUM ANALYZE on PostgreSQL, as autovacuum would do after a while in production: fresh planner
    statistics (after a bulk load they describe empty tables, and the planner picks nested loops over
    100,000s of rows) and a visibility map, without which no index-only scan is possible."""
    if db.engine.dialect.name != "postgresql":
        return
    db.session.commit()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("VACUUM ANALYZE")


def skip_foreign_key_checks():
    """On PostgreSQL as superuser, skip the per-row foreign-key triggers for this transaction:
    the seed builds every reference itself, and the checks would cost about a third of the load."""
    connection = db.session.connection()
    if connection.dialect.name != "postgresql":
        return
    if connection.exec_driver_sql("SELECT current_setting('is_superuser')").scalar() == "on":
        connection.exec_driver_sql("SET LOCAL session_replication_role = replica")
