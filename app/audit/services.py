"""The one way to write to the audit log."""
from app.audit.models import AuditLog
from app.common.retention import months
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
