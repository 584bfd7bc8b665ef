"""Read audits commit without waiting for the WAL flush (PostgreSQL `SET LOCAL synchronous_commit TO off`),
and only when the transaction wrote nothing but audit rows: any other write keeps the durable commit."""
import pytest
from sqlalchemy import event

from app.audit.models import AuditLog
from app.audit.services import audit, audit_now, commit_read_audit
from app.extensions import db
from tests.factories import OrganisationFactory, UserFactory

ASYNC = "SET LOCAL synchronous_commit TO off"


@pytest.fixture
def statements(app):
    seen = []

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    yield seen
    event.remove(engine, "before_cursor_execute", record)


def _postgres():
    return db.engine.dialect.name == "postgresql"


def _actions():
    return list(db.session.scalars(db.select(AuditLog.action).where(AuditLog.action.like("test.%"))
                                   .order_by(AuditLog.id)))


def test_an_audit_only_transaction_commits_asynchronously_and_exactly(app, db, statements):
    reader = UserFactory(role="hr")
    db.session.commit()
    audit_now(reader, "test.core_read", reader, {})
    commit_read_audit()
    audit(reader, "test.orm_read", reader, {})
    commit_read_audit()
    assert statements.count(ASYNC) == (2 if _postgres() else 0)
    assert _actions() == ["test.core_read", "test.orm_read"]  # both rows committed, none lost


def test_a_transaction_that_wrote_anything_else_commits_durably(app, db, statements):
    reader = UserFactory(role="hr")
    db.session.commit()
    # A Core statement on another table.
    db.session.execute(db.update(type(reader)).where(type(reader).id == reader.id).values(full_name="Autre nom"))
    audit_now(reader, "test.after_update", reader, {})
    commit_read_audit()
    # An ORM object added (flushed by a query before the commit) beside the audit row.
    db.session.add(OrganisationFactory.build(name="Structure écrite"))
    db.session.flush()
    audit(reader, "test.after_flush", reader, {})
    commit_read_audit()
    # A pending change of a loaded object.
    reader.full_name = "Encore un autre"
    audit(reader, "test.with_dirty", reader, {})
    commit_read_audit()
    assert ASYNC not in statements
    assert _actions() == ["test.after_update", "test.after_flush", "test.with_dirty"]
    # The next audit-only transaction is fast again: the mark does not outlive its transaction.
    audit_now(reader, "test.next_read", reader, {})
    commit_read_audit()
    assert statements.count(ASYNC) == (1 if _postgres() else 0)
