"""Queue every xAPI statement Passerelle produces, in the same transaction as the row it describes.

Domains register a builder per model class (training: quiz attempts, lessons read, package results,
completions; passports: validations, as « achieved »). After each flush the new or changed rows of
those classes are turned into statements and queued, when LRS_ENDPOINT is set. A statement's id is a
uuid5 of the row it describes, so a row queued twice is one statement.
"""
import uuid

from flask import current_app, has_app_context
from sqlalchemy import event

from app.extensions import db
from app.training.lrs.models import LrsStatement

_BUILDERS = {}  # model class -> builder(obj) -> statement dict or None


def register_statement_builder(model, builder):
    """`builder(obj)` returns the xAPI statement for a new or changed row, or None (nothing to say)."""
    _BUILDERS[model] = builder


def statement_id(kind, *parts):
    base = current_app.config["BASE_URL"].rstrip("/")
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{base}/xapi/{kind}/" + "/".join(map(str, parts))))


def is_enabled():
    return has_app_context() and bool(current_app.config.get("LRS_ENDPOINT"))


def _queue_statements(session, _flush_context):
    if not _BUILDERS or not is_enabled():
        return
    pending = session.info.setdefault("lrs_queued", set())
    statements = []
    for obj in list(session.new) + list(session.dirty):
        builder = _BUILDERS.get(type(obj))
        if builder is None:
            continue
        statement = builder(obj)
        if statement is None or statement["id"] in pending:
            continue
        pending.add(statement["id"])
        statements.append(statement)
    if not statements:
        return
    ids = [s["id"] for s in statements]
    with session.no_autoflush:
        known = set(session.scalars(db.select(LrsStatement.statement_id).where(LrsStatement.statement_id.in_(ids))))
    for statement in statements:
        if statement["id"] not in known:
            session.add(LrsStatement(statement_id=statement["id"], statement=statement))
    from app.common import jobs

    jobs.after_commit(session, "lrs")


def _forget(session, *_args):
    session.info.pop("lrs_queued", None)


def init_queue():
    """Listen to the session's flushes (once per process, the session is shared by all apps)."""
    if not event.contains(db.session, "after_flush", _queue_statements):
        event.listen(db.session, "after_flush", _queue_statements)
        event.listen(db.session, "after_commit", _forget)
        event.listen(db.session, "after_soft_rollback", _forget)
