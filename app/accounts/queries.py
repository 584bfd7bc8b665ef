"""Read side of accounts: the audit search, the agents an HR user may see (out of scope: 404)."""
from flask import abort

from app.accounts.models import Role, User, normalise_email
from app.audit.models import AuditLog
from app.common.sql import is_id
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


def agents_of(hr_user):
    """The agents of the HR user's current organisation (a query)."""
    return db.select(User).where(User.organisation_id == hr_user.organisation_id, User.role == Role.AGENT)


def agent_of(hr_user, user_id):
    """An agent of the HR user's current organisation, or None (an id out of the 32-bit range names nobody)."""
    if hr_user.organisation_id is None or not is_id(user_id):
        return None
    return db.session.scalar(agents_of(hr_user).where(User.id == user_id))


def agent_or_404(hr_user, user_id):
    """The agent of the HR user's organisation, or a 404 (out of scope answers as if it did not exist)."""
    agent = agent_of(hr_user, user_id)
    if agent is None:
        abort(404)
    return agent
