"""The one way to write to the audit log."""
import functools

from sqlalchemy import event

from app.audit.models import AuditLog
from app.common.dbreads import COMMITS_ALONE
from app.common.models import utcnow
from app.common.retention import months
from app.common.sql import BuiltOnce, commit_keeping_loaded
from app.extensions import db


def _values(actor, action, target, details):
    # An actor that is a team token (no person behind it) is recorded by its token: id and label.
    details = dict(details or {})
    token_id = getattr(actor, "token_id", None)
    if token_id is not None:
        details["actor_token"] = {"id": token_id, "label": getattr(actor, "token_label", "")}
    target_type = target_id = None
    if target is not None:
        target_type = getattr(target, "__tablename__", type(target).__name__)
        target_id = str(getattr(target, "id", ""))
    return {"actor_id": getattr(actor, "id", None), "action": action, "target_type": target_type,
            "target_id": target_id, "details": details}


def audit(actor, action, target=None, details=None):
    """Append an audit row (no personal content in details); the caller commits."""
    row = AuditLog(**_values(actor, action, target, details))
    db.session.add(row)
    return row


_INSERT = db.insert(AuditLog.__table__)


def audit_now(actor, action, target=None, details=None):
    """The same row as audit(), sent at once as one INSERT (no unit of work, nothing loaded is expired):
    for reads audited after the page's queries. The caller commits."""
    db.session.execute(_INSERT, _values(actor, action, target, details))


def insert_audited(table, values, actor, action, details=None):
    """PostgreSQL: INSERT one row of `table` (`values`: all its columns but the id) and its audit line in one
    statement (a data-modifying WITH); returns the new row's id. When no transaction is open it is a
    transaction by itself (dbreads.COMMITS_ALONE): one round trip instead of BEGIN, two INSERTs and COMMIT,
    committed as durably as any other write (synchronous_commit is left as it is). The caller still commits
    (nothing left to send when it ran on its own). No ORM object is made: no unit of work, no flush events; the
    statement runs on the session's connection, its compiled form found without hashing it (sql.BuiltOnce)."""
    session = db.session()
    line = _values(actor, action, None, details)
    params = dict(values, **{f"audit_{name}": value for name, value in line.items() if name != "target_id"})
    params.update(audit_target_type=table.name, audit_at=utcnow())
    new_id = _audited_insert(table, tuple(sorted(values))).run(session.connection(), params).scalar_one()
    session.info[WROTE_OTHER] = True  # not only an audit row: the commit is a durable one
    return int(new_id)


@functools.lru_cache(maxsize=16)
def _audited_insert(table, names):
    """WITH new_row AS (INSERT INTO table ... RETURNING id) INSERT INTO audit_log ... SELECT ... FROM new_row
    RETURNING target_id (built once per table and set of columns; values bound when it runs)."""
    new_row = (db.insert(table).values({name: db.bindparam(name, type_=table.c[name].type) for name in names})
               .returning(table.c.id).cte("new_row"))
    audit_table = AuditLog.__table__
    columns = ("at", "actor_id", "action", "target_type", "target_id", "details")
    line = db.select(*[
        db.cast(new_row.c.id, audit_table.c.target_id.type) if name == "target_id"
        else db.bindparam(f"audit_{name}", type_=audit_table.c[name].type)
        for name in columns
    ]).select_from(new_row)
    return BuiltOnce(db.insert(audit_table).from_select(columns, line).returning(audit_table.c.target_id)
                     .add_cte(new_row, nest_here=True).execution_options(**{COMMITS_ALONE: True}))


# Read audits (« who read my passport », report and support reads) commit a transaction that wrote
# nothing else. On PostgreSQL such a commit does not wait for the write-ahead log to reach the disk
# (`SET LOCAL synchronous_commit TO off`, that transaction only): the row is committed and visible at
# once, the server writes it out within a fraction of a second (wal_writer_delay, 3 x 200 ms at most).
# What it risks: a crash of the database server (not of the application) in that fraction of a second
# loses the last read-audit rows; it never loses nor half-writes anything else. A transaction that
# wrote anything other than audit rows commits as usual (see _note_write).
WROTE_OTHER = "wrote_other_than_audit"


def commit_read_audit():
    """Commit a transaction whose only writes are read-audit rows, without expiring what the request
    loaded (nothing else changed: reloading the acting user would cost a query) and, on PostgreSQL,
    without waiting for the WAL flush. Anything else written in the transaction: a durable commit."""
    session = db.session()
    durable = (session.info.pop(WROTE_OTHER, False) or session.dirty or session.deleted
               or any(not isinstance(row, AuditLog) for row in session.new))
    if not durable and session.get_bind().dialect.name == "postgresql":
        session.execute(_ASYNC_COMMIT)
    commit_keeping_loaded(session)


_ASYNC_COMMIT = db.text("SET LOCAL synchronous_commit TO off")


def record_read_audit(actor, action, target=None, details=None):
    """audit_now then commit_read_audit, in one round trip on PostgreSQL when the transaction wrote nothing
    else: one INSERT that turns synchronous_commit off for its own transaction (set_config, local), run on its
    own when no transaction is open (dbreads.COMMITS_ALONE: no BEGIN, no COMMIT, no SET LOCAL sent apart).
    The row and what it risks are those of commit_read_audit; anything else written: a durable commit."""
    session = db.session()
    if (session.get_bind().dialect.name != "postgresql" or session.info.get(WROTE_OTHER) or session.dirty
            or session.deleted or session.new):
        audit_now(actor, action, target, details)
        commit_read_audit()
        return
    session.execute(_async_read_insert(), dict(_values(actor, action, target, details), at=utcnow()))
    commit_keeping_loaded(session)  # nothing left to send when the INSERT ran on its own


def audited_read(statement, actor, action, target=None, details=None):
    """(statement, values) that run the read `statement` and write its audit row in one round trip on
    PostgreSQL: the row of record_read_audit, inserted by a data-modifying WITH of the read (run whatever the read
    returns, committed with it, synchronous_commit off as for record_read_audit). None where it cannot (another
    database, or the transaction wrote something else): then the read runs alone and record_read_audit after
    it. After the read, call end_audited_read()."""
    session = db.session()
    if (session.get_bind().dialect.name != "postgresql" or session.info.get(WROTE_OTHER) or session.dirty
            or session.deleted or session.new):
        return None
    return _with_read_audit(statement), dict(_values(actor, action, target, details), at=utcnow())


@functools.lru_cache(maxsize=64)
def _with_read_audit(statement):
    return (statement.add_cte(_async_read_insert().cte("read_audit"))
            .execution_options(**{COMMITS_ALONE: True}))  # not a plain read: on its own rather than in a BEGIN


def end_audited_read():
    """Close the transaction of an audited_read (nothing left to send when it ran on its own) without
    expiring what the request loaded."""
    commit_keeping_loaded(db.session())


@functools.cache
def _async_read_insert():
    """INSERT INTO audit_log ... SELECT the values FROM (SELECT set_config('synchronous_commit', 'off', true)):
    the setting holds until the end of the statement's transaction, i.e. its commit."""
    table = AuditLog.__table__
    names = ("at", "actor_id", "action", "target_type", "target_id", "details")
    async_commit = (db.text("SELECT set_config('synchronous_commit', 'off', true) AS setting")
                    .columns(setting=db.String).subquery("async_commit"))
    values = db.select(*[db.bindparam(name, type_=table.c[name].type) for name in names]).where(
        async_commit.c.setting.is_not(None))  # always true: refers to the subquery so that it runs
    return db.insert(table).from_select(names, values).execution_options(**{COMMITS_ALONE: True})


def _note_write(orm_execute_state):
    """do_orm_execute: an INSERT, UPDATE or DELETE on a table other than audit_log marks the transaction."""
    if orm_execute_state.is_select or orm_execute_state.statement is _ASYNC_COMMIT:
        return
    statement = orm_execute_state.statement
    table = getattr(statement, "table", None)
    if table is None or getattr(table, "name", None) != AuditLog.__tablename__:
        orm_execute_state.session.info[WROTE_OTHER] = True


def _note_flush(session, flush_context):
    """after_flush: the unit of work wrote rows other than audit rows."""
    if session.dirty or session.deleted or any(not isinstance(row, AuditLog) for row in session.new):
        session.info[WROTE_OTHER] = True


def _forget_writes(session, *args):
    session.info.pop(WROTE_OTHER, None)


def install_write_tracking():
    """Listen once to the application's session: which transactions wrote more than audit rows."""
    if not event.contains(db.session, "do_orm_execute", _note_write):
        event.listen(db.session, "do_orm_execute", _note_write)
        event.listen(db.session, "after_flush", _note_flush)
        event.listen(db.session, "after_commit", _forget_writes)
        event.listen(db.session, "after_soft_rollback", _forget_writes)


def purge_audit_log(now, config):
    """The audit log is append-only for the application; only retention removes old rows."""
    cutoff = now - months(config["RETENTION_AUDIT_MONTHS"])
    return {"audit_log": db.session.execute(db.delete(AuditLog).where(AuditLog.at < cutoff)).rowcount}


def record_purge(counts):
    audit(None, "retention.purge", None, counts)


def recent_actions(action, target, limit=3):
    """The latest `limit` audit rows of one action on one target (for home pages), newest first."""
    return db.session.scalars(
        db.select(AuditLog)
        .where(AuditLog.action == action, AuditLog.target_type == getattr(target, "__tablename__", None),
               AuditLog.target_id == str(target.id))
        .order_by(AuditLog.at.desc(), AuditLog.id.desc()).limit(limit)
    ).all()
