"""Reads: requests in the user's scope (out of scope = not found), one request's parts, HR's list (the board and
« Mes demandes » are in lists.py)."""
from sqlalchemy import false, or_
from sqlalchemy.orm import joinedload, selectinload

from app.accounts.models import Role
from app.backoffice.enums import Status
from app.backoffice.groups import my_group_ids_select
from app.backoffice.models import SupportInvitation, SupportMessage, SupportRequest
from app.common.timezones import utcnow
from app.extensions import db

R = SupportRequest


def scope_clause(user):
    """Which requests a user may open: own (or shared by a colleague), their groups', invited, all for admins."""
    if user.role == Role.AGENT:
        own = R.author_id == user.id
        if user.organisation_id is None:
            return own
        return or_(own, (R.shared_with_site.is_(True)) & (R.organisation_id == user.organisation_id))
    if user.role == Role.EXPERT:
        groups = my_group_ids_select(user)
        invited = db.select(SupportInvitation.request_id).where(
            or_(SupportInvitation.group_id.in_(groups), SupportInvitation.user_id == user.id))
        return or_(R.group_id.in_(groups), R.id.in_(invited))
    if user.role == Role.ADMIN:
        return R.id.is_not(None)
    return false()


def visible_requests(user):
    return db.select(R).where(scope_clause(user))


def latest_requests(user, limit=200):
    """The newest requests in the user's scope (the API's list)."""
    return db.session.scalars(visible_requests(user).order_by(R.created_at.desc(), R.id.desc()).limit(limit)).all()


def find_request(user, reference):
    """The request with this reference if the user may open it, else None."""
    key = (reference or "").strip().upper()
    if not key.startswith("A-") or len(key) > 20:
        return None
    # Its group, procedure and messages' authors come with it: the page's queries do not depend on what it holds.
    return db.session.scalar(visible_requests(user).where(R.reference == key).options(
        joinedload(R.group), joinedload(R.procedure), selectinload(R.invitations),
        selectinload(R.messages).joinedload(SupportMessage.author)))


def messages_for(request, user):
    """The messages this user may read: the agent never sees internal notes or hidden invitations."""
    if user.role == Role.ADMIN:
        return []
    if user.role == Role.EXPERT:
        return list(request.messages)
    return [m for m in request.messages if not m.hidden_from_agent]


def procedure_choices():
    """[(procedure, application name)] of the active catalogue, for the request form."""
    from app.reports.catalog_models import Application, Procedure

    return db.session.execute(
        db.select(Procedure, Application.name).join(Application, Procedure.application_id == Application.id)
        .where(Procedure.is_active.is_(True), Application.is_active.is_(True))
        .order_by(Application.name, Procedure.position, Procedure.id)).all()


def procedure_id_by_code(code):
    """The id of the catalogue procedure with this code (as the API names it), or None."""
    from app.reports.catalog_models import Procedure

    return db.session.scalar(db.select(Procedure.id).where(Procedure.code == code[:60]))


def events_of(request):
    from app.backoffice.models import SupportEvent

    return db.session.scalars(db.select(SupportEvent).where(SupportEvent.request_id == request.id)
                              .order_by(SupportEvent.id)).all()


def debriefs_of(request):
    from app.backoffice.knowledge_models import Debrief

    return db.session.scalars(db.select(Debrief).where(Debrief.request_id == request.id).order_by(Debrief.id)).all()


def colleagues(user, exclude=None):
    """Active agents of the user's organisation (to hand a request over), but the user and `exclude`."""
    from app.accounts.models import User

    if user.organisation_id is None:
        return []
    return db.session.scalars(db.select(User).where(
        User.organisation_id == user.organisation_id, User.role == Role.AGENT, User.active.is_(True),
        User.id != user.id, User.id != (exclude or 0)).order_by(User.full_name)).all()


def colleague(user, raw_id, exclude=None):
    """One colleague by id (as typed in a form), or None."""
    if not (raw_id or "").isdigit() or len(raw_id) > 9:
        return None
    return next((u for u in colleagues(user, exclude) if u.id == int(raw_id)), None)


def _organisation_requests(user):
    """Requests asked from the HR user's organisation; nothing for anyone else."""
    if user.role != Role.HR or user.organisation_id is None:
        return db.select(R).where(false())
    return db.select(R).where(R.organisation_id == user.organisation_id)


def organisation_open_requests(user):
    """HR: the open requests of the organisation's agents (metadata only), oldest first."""
    query = _organisation_requests(user).where(R.status != Status.CLOSED.value)
    return db.session.scalars(query.options(selectinload(R.author)).order_by(R.created_at, R.id).limit(500)).all()


def organisation_request(user, reference):
    """HR: one request of the organisation by reference, else None (another organisation's: None)."""
    key = (reference or "").strip().upper()
    if not key.startswith("A-") or len(key) > 20:
        return None
    return db.session.scalar(_organisation_requests(user).where(R.reference == key))


def recurrent_problem(request, now=None):
    """(count, procedure) when the request's group got ≥ SUPPORT_PATTERN_THRESHOLD requests on its
    procedure in the last 30 days (« problème récurrent »), else None."""
    from datetime import timedelta

    from flask import current_app

    if request.procedure_id is None:
        return None
    since = (now or utcnow()) - timedelta(days=30)
    count = db.session.scalar(db.select(db.func.count()).select_from(R).where(
        R.group_id == request.group_id, R.procedure_id == request.procedure_id, R.created_at >= since))
    if count >= current_app.config["SUPPORT_PATTERN_THRESHOLD"]:
        return count, request.procedure
    return None
