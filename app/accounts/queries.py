"""Read side of the accounts pages: the queries the admin views list."""
from app.accounts.models import User, normalise_email
from app.audit.models import AuditLog
from app.extensions import db


def search_audit(action=None, actor_email=None, target_type=None):
    """Query of audit rows matching the filters, newest first."""
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
