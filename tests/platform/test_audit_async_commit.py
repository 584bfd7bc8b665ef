"""Read audits commit without waiting for the WAL flush (PostgreSQL `SET LOCAL synchronous_commit TO off`),
and only when the transaction wrote nothing but audit rows: any other write keeps the durable commit."""
import pytest
from sqlalchemy import event

from app.audit.models import AuditLog
from app.audit.services import (
    audit,
    audit_now,
    audited_read,
    commit_read_audit,
    end_audited_read,
    record_read_audit,
)
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


def test_a_read_audit_is_one_statement_that_commits_asynchronously_and_exactly(app, db, statements):
    """record_read_audit: on PostgreSQL the INSERT sets synchronous_commit for its own transaction, and runs
    alone when no transaction is open (no BEGIN, SET LOCAL or COMMIT of its own); the row is committed."""
    reader = UserFactory(role="hr")
    db.session.commit()
    assert reader.id  # loaded again after the commit, as a request's user is before its reads
    statements.clear()
    record_read_audit(reader, "test.read_in_one", reader, {"page": "1"})
    [insert] = [s for s in statements if s.lstrip().startswith("INSERT INTO audit_log")]
    if _postgres():
        assert statements == [insert]
    assert ("set_config('synchronous_commit', 'off', true)" in insert) == _postgres()
    db.session.rollback()  # nothing pending: the row was committed
    assert _actions() == ["test.read_in_one"]
    row = db.session.scalars(db.select(AuditLog).where(AuditLog.action == "test.read_in_one")).one()
    assert (row.actor_id, row.target_type, row.target_id, row.details) == (reader.id, "users", str(reader.id),
                                                                           {"page": "1"})


def test_a_read_audit_after_another_write_commits_durably(app, db, statements):
    reader = UserFactory(role="hr")
    db.session.commit()
    statements.clear()
    reader.full_name = "Un autre nom"
    record_read_audit(reader, "test.read_after_write", reader, {})
    assert ASYNC not in statements and not [s for s in statements if "set_config" in s]
    db.session.rollback()
    assert _actions() == ["test.read_after_write"]
    assert db.session.get(type(reader), reader.id).full_name == "Un autre nom"


def test_an_audited_read_writes_its_row_in_the_reads_statement_on_postgresql(app, db, statements):
    """audited_read: on PostgreSQL the read and its audit row are one statement run alone (no BEGIN, no COMMIT),
    whose commit does not wait for the WAL flush, and the row is written even when the read finds nothing;
    elsewhere (or after another write) the caller reads alone and record_read_audit writes the row."""
    reader = UserFactory(role="hr")
    db.session.commit()
    assert reader.id
    statements.clear()
    read = db.select(type(reader).id).where(type(reader).id == -1)
    along = audited_read(read, reader, "test.read_along", reader, {"page": "2"})
    if not _postgres():
        assert along is None
        return
    statement, values = along
    assert db.session.connection().execute(statement, values).all() == []
    end_audited_read()
    [sent] = statements
    assert " ".join(sent.split()).startswith("WITH read_audit AS (INSERT INTO audit_log") and "set_config" in sent
    db.session.rollback()  # nothing pending: the row was committed
    row = db.session.scalars(db.select(AuditLog).where(AuditLog.action == "test.read_along")).one()
    assert (row.actor_id, row.target_type, row.target_id, row.details) == (reader.id, "users", str(reader.id),
                                                                           {"page": "2"})
    reader.full_name = "Un autre nom"  # another write pending: not along the read
    assert audited_read(read, reader, "test.read_after_write", reader, {}) is None
    db.session.rollback()
