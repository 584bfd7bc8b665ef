"""Reads: requests in the user's scope (out of scope = not found), one request's parts, HR's list (the board and
« Mes demandes » are in lists.py)."""
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache
from typing import NamedTuple

from sqlalchemy import false, or_
from sqlalchemy.orm import joinedload, selectinload

from app.accounts.models import Role, User
from app.backoffice.enums import DebriefStatus, MessageKind, Status
from app.backoffice.groups import ACTIVE_GROUPS_KEY, group_ids_select
from app.backoffice.models import (
    RequestFacts,
    SupportAttachment,
    SupportEvent,
    SupportGroup,
    SupportInvitation,
    SupportMessage,
    SupportRequest,
)
from app.common.models import UTCDateTime
from app.common.refcache import fresh, keep
from app.common.sql import Part, PartsUnion, as_tuple, first
from app.common.timezones import utcnow
from app.extensions import db

R = SupportRequest


def scope_clause(user):
    """Which requests a user may open: own (or shared by a colleague), their groups', invited, all for admins."""
    return _scope(user.role, user.organisation_id is not None, user.id, user.organisation_id)


def _scope(role, has_organisation, user_id, organisation_id):
    """scope_clause's condition for a role, on the user's id and organisation (values or bind parameters)."""
    if role == Role.AGENT:
        own = R.author_id == user_id
        if not has_organisation:
            return own
        return or_(own, (R.shared_with_site.is_(True)) & (R.organisation_id == organisation_id))
    if role == Role.EXPERT:
        groups = group_ids_select(user_id)
        invited = db.select(SupportInvitation.request_id).where(
            or_(SupportInvitation.group_id.in_(groups), SupportInvitation.user_id == user_id))
        return or_(R.group_id.in_(groups), R.id.in_(invited))
    if role == Role.ADMIN:
        return R.id.is_not(None)
    return false()


def visible_requests(user):
    return db.select(R).where(scope_clause(user))


def latest_requests(user, limit=200):
    """The newest requests in the user's scope (the API's list)."""
    return db.session.scalars(visible_requests(user).order_by(R.created_at.desc(), R.id.desc()).limit(limit)).all()


def find_request(user, reference, with_messages=True):
    """The request with this reference if the user may open it, else None.

    Its group, procedure and invitations come with it in one query, and (`with_messages`) its messages with
    their authors in a second: the page's queries do not depend on what it holds. The request page reads
    its request and messages as plain rows instead, in one query (read_request_page)."""
    key = _reference_key(reference)
    if key is None:
        return None
    statement = _find_statement(getattr(user.role, "value", user.role), user.organisation_id is not None, with_messages)
    return db.session.execute(statement, {"user_id": user.id, "organisation_id": user.organisation_id,
                                          "reference": key}).unique().scalar_one_or_none()


@lru_cache(maxsize=32)
def _find_statement(role, has_organisation, with_messages):
    """find_request's statement (:user_id, :organisation_id, :reference) for a role, built once."""
    options = [joinedload(R.group), joinedload(R.procedure), joinedload(R.invitations)]
    if with_messages:
        options.append(selectinload(R.messages).joinedload(SupportMessage.author))
    scope = _scope(role, has_organisation, db.bindparam("user_id"), db.bindparam("organisation_id"))
    return db.select(R).where(scope, R.reference == db.bindparam("reference")).options(*options)


class MessageRow(NamedTuple):
    """A message of the conversation as the request page shows it."""

    id: int
    kind: str
    body: str
    hidden_from_agent: bool
    created_at: object
    author_id: int | None
    author_name: str | None

    @property
    def kind_label(self):
        return MessageKind(self.kind).label


class EventRow(NamedTuple):
    created_at: object
    label: str


class AttachmentRow(NamedTuple):
    id: int
    download_name: str
    has_data: bool


class DebriefRow(NamedTuple):
    id: int
    status: str
    slot_at: object
    place: str
    note: str
    competency_code: str | None
    level: int | None
    module_slug: str | None

    @property
    def status_label(self):
        return DebriefStatus(self.status).label


class ColleagueRow(NamedTuple):
    """A colleague the request may be handed over to; the request page reads them as plain (id, full name)."""

    id: int
    full_name: str


class GroupChoiceRow(NamedTuple):
    id: int
    code: str
    name: str
    is_national: bool
    departments: str


@dataclass(frozen=True)
class RequestPage:
    """What the request page shows besides the request: its conversation (every message: messages_for says
    which the reader sees), steps, attachments, debriefs; for an expert, their groups' ids, the active groups
    (reroute and invite) and the count of the group's recent requests on the procedure; for the asking agent,
    the colleagues it may be handed over to."""

    messages: list
    events: list
    attachments: list
    debriefs: list
    group_ids: set
    groups: tuple
    recent_count: int | None
    colleagues: list  # of (id, full name)


class GroupRef(NamedTuple):
    """The request's group as its page names it."""

    name: str
    code: str


class ProcedureRef(NamedTuple):
    """The request's procedure as its page names it."""

    title: str


class InvitationRow(NamedTuple):
    group_id: int | None
    user_id: int | None


_UTC = UTCDateTime()
_AS_READ = db.DateTime(timezone=True)  # the page's timestamps, read without UTCDateTime's processing per row
# The request's columns its page reads, in RequestView's order (the timestamps as _AS_READ: see _page_request).
_REQUEST_COLUMNS = ("id", "reference", "author_id", "department", "operator", "procedure_id", "group_id",
                    "assignee_id", "status", "subject", "situation", "tried", "urgency", "urgency_date",
                    "shared_with_site", "consent_kind", "consent_date", "consent_withdrawn_at", "citizen_wiped_at",
                    "operator_case_number", "handoffs", "due_at", "first_answer_at", "useful", "agent_read_at",
                    "report_reference", "created_at")
_TIMESTAMPS = ("consent_withdrawn_at", "citizen_wiped_at", "due_at", "first_answer_at", "agent_read_at",
               "created_at")


class RequestView(RequestFacts):
    """The request as its page shows it, read with the page's parts (read_request_page): its columns, whether
    it holds a citizen block (not the block), its group's name and code, its procedure's title and its
    invitations; it answers what SupportRequest answers about itself (RequestFacts) the same way."""

    __slots__ = (*_REQUEST_COLUMNS, "has_citizen_block", "group", "procedure", "invitations")
    __tablename__ = SupportRequest.__tablename__  # what an audit row names as its target type (audit._values)

    def __init__(self, *values):
        *columns, self.has_citizen_block, group_name, group_code, procedure_title = values
        for name, value in zip(_REQUEST_COLUMNS, columns, strict=True):
            setattr(self, name, value)
        for name in _TIMESTAMPS:  # as UTCDateTime gives them
            setattr(self, name, _UTC.process_result_value(getattr(self, name), None))
        self.group = GroupRef(group_name, group_code)
        self.procedure = ProcedureRef(procedure_title) if self.procedure_id is not None else None
        self.invitations = []

    def __repr__(self):
        return f"<RequestView {self.reference}>"


def _page_request(role, has_organisation):
    """The request the page is about (:reference), if the reader may open it (scope_clause on :user_id,
    :organisation_id), with what RequestView holds: the WITH query every other part of the page reads its
    request from, so that none reads anything of a request out of the reader's scope."""
    from app.reports.catalog_models import Procedure

    G, P = SupportGroup, Procedure
    columns = [db.type_coerce(R.__table__.c[name], _AS_READ).label(name) if name in _TIMESTAMPS
               else R.__table__.c[name] for name in _REQUEST_COLUMNS]
    scope = _scope(role, has_organisation, db.bindparam("user_id"), db.bindparam("organisation_id"))
    return (db.select(*columns, R.citizen_block.is_not(None).label("has_citizen_block"),
                      G.name.label("group_name"), G.code.label("group_code"), P.title.label("procedure_title"))
            .join(G, G.id == R.group_id).outerjoin(P, P.id == R.procedure_id)
            .where(scope, R.reference == db.bindparam("reference")).cte("page_request"))


@lru_cache(maxsize=16)
def _page_union(role, has_organisation, with_request=True, groups=True):
    """The request page in one query, built once per kind of page: the request with this :reference if the
    reader may open it (`with_request`: the request itself and its invitations) and its parts, each read for
    that request only (:user_id, :organisation_id; an expert's :since for the recurrent problem); an expert's
    page reads the active groups too (`groups`) when this process does not have them. An administrator's
    reads the request only (the metadata: its conversation is not even read)."""
    from app.backoffice.knowledge_models import Debrief

    target = _page_request(role, has_organisation)
    request_id = db.select(target.c.id).scalar_subquery()
    M, E, A, D, V = SupportMessage, SupportEvent, SupportAttachment, Debrief, SupportInvitation
    parts = []
    if with_request:
        parts += [
            Part("request", db.select(*target.c), RequestView),
            Part("invitations", db.select(V.group_id, V.user_id).where(V.request_id == request_id), InvitationRow,
                 order_by=(V.id,)),
        ]
    if role == Role.ADMIN:
        return PartsUnion(parts)
    parts += [
        Part("messages", db.select(M.id, M.kind, M.body, M.hidden_from_agent, M.created_at, M.author_id,
                                   User.full_name).outerjoin(User, User.id == M.author_id)
             .where(M.request_id == request_id), MessageRow, order_by=(M.id,)),
        Part("events", db.select(E.created_at, E.label).where(E.request_id == request_id), EventRow,
             order_by=(E.id,)),
        Part("attachments", db.select(A.id, A.download_name, A.data.is_not(None).label("has_data"))
             .where(A.request_id == request_id), AttachmentRow, order_by=(A.id,)),
        Part("debriefs", db.select(D.id, D.status, D.slot_at, D.place, D.note, D.competency_code, D.level,
                                   D.module_slug).where(D.request_id == request_id), DebriefRow, order_by=(D.id,)),
    ]
    user_id = db.bindparam("user_id")
    if role == Role.EXPERT:
        G = SupportGroup
        parts.append(Part("group_ids", group_ids_select(user_id), first))
        if groups:
            parts.append(Part("groups", db.select(G.id, G.code, G.name, G.is_national, G.departments)
                              .where(G.is_active.is_(True)), GroupChoiceRow, order_by=(G.operator, G.code)))
        # « Problème récurrent »: the request's group's requests on its procedure (none without one) since :since.
        parts.append(Part("recent", db.select(db.func.count().label("recent")).select_from(R).where(
            R.group_id == db.select(target.c.group_id).scalar_subquery(),
            R.procedure_id == db.select(target.c.procedure_id).scalar_subquery(),
            R.created_at >= db.bindparam("since", type_=R.created_at.type)), first))
    if role == Role.AGENT and has_organisation:
        # The colleagues the request may be handed over to: only when the reader is the request's author.
        owner = db.exists(db.select(target.c.id).where(target.c.author_id == user_id))
        parts.append(Part("colleagues", db.select(User.id, User.full_name).where(
            User.organisation_id == db.bindparam("organisation_id"), User.role == Role.AGENT,
            User.active.is_(True), User.id != user_id, owner), as_tuple, order_by=(User.full_name,)))
        # as_tuple: (id, full name), as ColleagueRow holds them, without a Python call per colleague (~40 rows).
    return PartsUnion(parts)


def _reference_key(reference):
    """A request reference as typed in a URL, normalised, or None when it cannot be one."""
    key = (reference or "").strip().upper()
    return key if key.startswith("A-") and len(key) <= 20 else None


def _read_page(user, key, with_request, now=None):
    """_page_union's rows for this reader and request reference, and the active groups for an expert."""
    role = getattr(user.role, "value", user.role)
    expert = role == Role.EXPERT
    params = {"reference": key, "user_id": user.id, "organisation_id": user.organisation_id}
    if expert:
        params["since"] = (now or utcnow()) - timedelta(days=30)
    # The active groups (the reroute and invite choices, the same for every expert) are reference data: read
    # with the page's parts when this process does not have them, then kept REFERENCE_CACHE_SECONDS.
    groups = fresh(ACTIVE_GROUPS_KEY) if expert else ()
    found = _page_union(role, user.organisation_id is not None, with_request, groups is None).read(params)
    if groups is None:
        groups = keep(ACTIVE_GROUPS_KEY, tuple(found["groups"]))
    return found, groups


def _request_page(user, request, found, groups):
    if user.role == Role.ADMIN:
        return RequestPage([], [], [], [], set(), (), None, [])
    recurrent = user.role == Role.EXPERT and request.procedure_id is not None
    return RequestPage(found["messages"], found["events"], found["attachments"], found["debriefs"],
                       set(found.get("group_ids", ())), groups,
                       found["recent"][0] if recurrent else None, found.get("colleagues", []))


def read_request_page(user, reference, now=None):
    """(the request, its page's parts) if the user may open the request with this reference, else (None, None),
    in one query: the request as a RequestView, and a RequestPage as request_page_parts gives it. Every part
    is read through the request found in the user's scope (scope_clause): none for a request out of it."""
    key = _reference_key(reference)
    if key is None:
        return None, None
    found, groups = _read_page(user, key, True, now)
    if not found["request"]:
        return None, None
    request = found["request"][0]
    request.invitations = found["invitations"]
    return request, _request_page(user, request, found, groups)


def request_page_parts(user, request, now=None):
    """The request page's parts (a RequestPage) of a request found in the user's scope (find_request), in one
    query; none for an administrator, who sees the request's metadata only (its conversation is not even
    read)."""
    if user.role == Role.ADMIN:
        return RequestPage([], [], [], [], set(), (), None, [])
    found, groups = _read_page(user, request.reference, False, now)
    return _request_page(user, request, found, groups)


def messages_for(request, user, messages=None):
    """The messages this user may read (of `messages`, by default the request's): the agent never sees
    internal notes or hidden invitations."""
    messages = request.messages if messages is None else messages
    if user.role == Role.ADMIN:
        return []
    if user.role == Role.EXPERT:
        return list(messages)
    return [m for m in messages if not m.hidden_from_agent]


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


def recurrent_problem(request, now=None, count=None):
    """(count, procedure) when the request's group got ≥ SUPPORT_PATTERN_THRESHOLD requests on its
    procedure in the last 30 days (« problème récurrent »), else None; `count` when the caller read it."""
    from flask import current_app

    if request.procedure_id is None:
        return None
    if count is None:
        since = (now or utcnow()) - timedelta(days=30)
        count = db.session.scalar(db.select(db.func.count()).select_from(R).where(
            R.group_id == request.group_id, R.procedure_id == request.procedure_id, R.created_at >= since))
    if count >= current_app.config["SUPPORT_PATTERN_THRESHOLD"]:
        return count, request.procedure
    return None
