"""Count the SQL statements a block of code runs."""
from contextlib import contextmanager

from sqlalchemy import event


class Counter:
    def __init__(self):
        self.count = 0
        self.statements = []


@contextmanager
def count_queries(app):
    from app.extensions import db

    counter = Counter()
    engine = db.engine

    def before(conn, cursor, statement, parameters, context, executemany):
        counter.count += 1
        counter.statements.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield counter
    finally:
        event.remove(engine, "before_cursor_execute", before)
