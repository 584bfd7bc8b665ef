"""app.common.sql.commit_keeping_loaded: a durable commit that leaves what the session loaded as it was."""
from sqlalchemy import event
from sqlalchemy.orm.attributes import instance_state

from app.audit.models import AuditLog
from app.common.sql import commit_keeping_loaded
from tests.factories import UserFactory


def test_the_commit_keeps_the_loaded_objects_and_commits_the_write(db):
    user = UserFactory()
    db.session.commit()
    email = user.email  # loaded again after the factory's commit
    db.session.execute(db.insert(AuditLog.__table__).values(actor_id=user.id, action="test.keep", details={}))
    statements = []

    def sent(connection, cursor, statement, *args):
        statements.append(statement)

    commit_keeping_loaded(db.session())
    event.listen(db.engine, "before_cursor_execute", sent)
    try:
        assert instance_state(user).expired_attributes == set() and user.email == email
        assert statements == []  # reading the user after the commit sent nothing
    finally:
        event.remove(db.engine, "before_cursor_execute", sent)
    assert db.session().expire_on_commit is True  # the session's setting is put back
    db.session.rollback()  # committed: a rollback now does not undo it
    assert db.session.scalar(db.select(db.func.count(AuditLog.id)).where(AuditLog.action == "test.keep")) == 1


def test_a_plain_commit_would_have_expired_them(db):
    """The contrast: what the helper saves (a query to read the user again)."""
    user = UserFactory()
    db.session.commit()
    assert user.email
    db.session.commit()
    assert "email" in instance_state(user).expired_attributes
