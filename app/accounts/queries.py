"""Read side of accounts: the audit search, the agents an HR user may see (out of scope: 404)."""
from flask import abort

from app.accounts.models import ApiToken, Organisation, Role, Team, User, normalise_email
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


# --- administration: admins see every account, organisation and team ---------------------------------


def by_id(model, object_id):
    """The account, organisation or team with this id, or None (an id out of the 32-bit range names nothing)."""
    return db.session.get(model, object_id) if is_id(object_id) else None


def all_organisations():
    return db.session.scalars(db.select(Organisation).order_by(Organisation.code)).all()


def all_teams():
    return db.session.scalars(db.select(Team).order_by(Team.code)).all()


def search_users(q="", role=""):
    """Query of the accounts whose e-mail or name holds `q` (and of this role), by e-mail."""
    query = db.select(User).order_by(User.email)
    if q:
        like = f"%{q.lower()}%"
        query = query.where(db.or_(User.email.like(like), db.func.lower(User.full_name).like(like)))
    if role in Role.values():
        query = query.where(User.role == role)
    return query


def search_organisations(q=""):
    """Query of the organisations whose code or name holds `q`, by code."""
    query = db.select(Organisation).order_by(Organisation.code)
    if q:
        like = f"%{q.lower()}%"
        query = query.where(
            db.or_(db.func.lower(Organisation.code).like(like), db.func.lower(Organisation.name).like(like))
        )
    return query


def teams_by_code():
    """Query of every team, by code."""
    return db.select(Team).order_by(Team.code)


# --- API tokens -----------------------------------------------------------------------------------------


def tokens_of(user):
    """The user's API tokens, newest first."""
    return db.session.scalars(db.select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id.desc())).all()


def token_of(user, token_id):
    """One of the user's API tokens, or None (someone else's token is nobody's)."""
    if not is_id(token_id):
        return None
    return db.session.scalar(db.select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == user.id))
