"""Reads: requests in the user's scope (out of scope = not found), the board, « Mes demandes »."""
from sqlalchemy import case, false, or_
from sqlalchemy.orm import selectinload

from app.accounts.models import Role
from app.backoffice.enums import URGENCY_RANK, Status
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
    return db.session.scalar(visible_requests(user).where(R.reference == key).options(
        selectinload(R.invitations), selectinload(R.messages)))


def messages_for(request, user):
    """The messages this user may read: the agent never sees internal notes or hidden invitations."""
    if user.role == Role.ADMIN:
        return []
    if user.role == Role.EXPERT:
        return list(request.messages)
    return [m for m in request.messages if not m.hidden_from_agent]


def urgency_order():
    return case({u.value: rank for u, rank in URGENCY_RANK.items()}, value=R.urgency, else_=9)


def board(user, view="all", department=None, procedure_id=None, urgency=None, now=None):
    """The expert board: the groups' requests (and invitations), sorted by urgency then age."""
    now = now or utcnow()
    query = visible_requests(user).where(R.status != Status.CLOSED)
    if view == "new":
        query = query.where(R.status.in_([Status.NEW.value, Status.REROUTED.value]))
    elif view == "mine":
        query = query.where(R.assignee_id == user.id)
    elif view == "late":
        query = query.where(R.first_answer_at.is_(None), R.due_at <= now)
    elif view == "waiting":
        query = query.where(R.status == Status.ANSWERED.value)
    if department:
        query = query.where(R.department == department)
    if procedure_id:
        query = query.where(R.procedure_id == procedure_id)
    if urgency:
        query = query.where(R.urgency == urgency)
    return db.session.scalars(query.order_by(urgency_order(), R.created_at, R.id).limit(500)).all()


def my_requests(user):
    """« Mes demandes d'appui »: the agent's own requests, newest activity first."""
    return db.session.scalars(db.select(R).where(R.author_id == user.id)
                              .order_by(R.updated_at.desc(), R.id.desc()).limit(500)).all()


def unread_answers(user, requests):
    """{request id: number of expert answers since the agent last opened the request}."""
    ids = [r.id for r in requests]
    if not ids:
        return {}
    read = {r.id: r.agent_read_at for r in requests}
    counts = {}
    rows = db.session.execute(db.select(SupportMessage.request_id, SupportMessage.created_at).where(
        SupportMessage.request_id.in_(ids), SupportMessage.kind == "answer"))
    from app.common.timezones import as_utc

    for request_id, created_at in rows:
        seen = read.get(request_id)
        if seen is None or as_utc(created_at) > as_utc(seen):
            counts[request_id] = counts.get(request_id, 0) + 1
    return counts


def board_filters(user):
    """Départements and procedures present in the user's scope, for the filter selects."""
    rows = db.session.execute(db.select(R.department, R.procedure_id).where(scope_clause(user)).distinct()).all()
    return sorted({d for d, _p in rows if d}), sorted({p for _d, p in rows if p})


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
