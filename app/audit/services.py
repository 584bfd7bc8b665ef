"""The one way to write to the audit log."""
from app.audit.models import AuditLog
from app.extensions import db


def audit(actor, action, target=None, details=None):
    """Append an audit row (no personal content in details); the caller commits."""
    target_type = target_id = None
    if target is not None:
        target_type = getattr(target, "__tablename__", type(target).__name__)
        target_id = str(getattr(target, "id", ""))
    row = AuditLog(
        actor_id=getattr(actor, "id", None),
        action=action,
        target_type=target_type,
        target_id=target_id,
        details=details or {},
    )
    db.session.add(row)
    return row


def search_audit(action=None, actor_email=None, target_type=None):
    """Query of audit rows matching the filters, newest first."""
    from app.accounts.models import User, normalise_email

    query = db.select(AuditLog).order_by(AuditLog.at.desc(), AuditLog.id.desc())
    if action:
        query = query.where(AuditLog.action.contains(action.strip()))
    if target_type:
        query = query.where(AuditLog.target_type == target_type)
    if actor_email:
        query = query.join(User, AuditLog.actor_id == User.id).where(
            User.email.contains(normalise_email(actor_email))
        )
    return query


def recent_actions(action, target, limit=3):
    """The latest `limit` audit rows of one action on one target (for home pages), newest first."""
    return db.session.scalars(
        db.select(AuditLog)
        .where(AuditLog.action == action, AuditLog.target_type == getattr(target, "__tablename__", None),
               AuditLog.target_id == str(target.id))
        .order_by(AuditLog.at.desc(), AuditLog.id.desc()).limit(limit)
    ).all()
