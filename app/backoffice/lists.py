"""The expert board and « Mes demandes d'appui », one page at a time, read as plain rows.

A page is the rows it shows and its total counted only so far (COUNT_CAP rows past the page): the same
few queries, and about the same time, for a national group holding thousands of open requests as for a
local group holding ten. The board's scope is split in two parts that each walk their own index (the
groups' open requests; the requests the groups or the expert were invited on), instead of one OR that
makes the database read every request.
"""
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import or_

from app.backoffice.enums import URGENCY_RANK, Status, Urgency
from app.backoffice.groups import my_group_ids
from app.backoffice.models import SupportInvitation, SupportMessage, SupportRequest
from app.common.sql import capped_page, inline
from app.common.timezones import as_utc, to_local, utcnow
from app.extensions import db
from app.reports.catalog_models import Procedure

R = SupportRequest
PER_PAGE = 50
COUNT_CAP = 1000  # "plus de 1 000" rather than counting a national group's whole backlog
OPEN = [s.value for s in Status if s != Status.CLOSED]
WAITING = [Status.NEW.value, Status.REROUTED.value]
STATUS_LABELS = {s.value: s.label for s in Status}
URGENCY_LABELS = {u.value: u.label for u in Urgency}
BADGES = {"new": "new", "rerouted": "warning", "taken": "info", "transferred": "info", "answered": "success"}
ROW_COLUMNS = (R.id, R.reference, R.subject, R.status, R.urgency, R.urgency_date, R.department, R.handoffs,
               R.created_at, R.due_at, R.first_answer_at)


@dataclass(frozen=True)
class RequestRow:
    """One line of a request list: what the page shows, its dates already in the asking site's calendar."""

    id: int
    reference: str
    subject: str
    status: str
    urgency: str
    urgency_date: date | None
    department: str | None
    handoffs: int
    created_on: str
    expected_on: str
    is_late: bool
    unread: int = 0

    @property
    def status_label(self):
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def badge(self):
        return BADGES.get(self.status, "")

    @property
    def urgency_label(self):
        label = URGENCY_LABELS.get(self.urgency, self.urgency)
        return f"{label} ({self.urgency_date.strftime('%d/%m/%Y')})" if self.urgency_date else label


def _row(columns, now, unread=0):
    (id_, reference, subject, status, urgency, urgency_date, department, handoffs, created_at, due_at,
     first_answer_at) = columns
    due_at = as_utc(due_at)
    expected = to_local(due_at - timedelta(seconds=1), department).strftime("%d/%m/%Y") if due_at else ""
    late = first_answer_at is None and due_at is not None and status != Status.CLOSED and now >= due_at
    return RequestRow(id_, reference, subject, status, urgency, urgency_date, department, handoffs,
                      to_local(created_at, department).strftime("%d/%m/%Y"), expected, late, unread)


def _page(query, page_arg, now, per_page, order, extra=()):
    """One page of `query` (plain rows, in `order`) and its total up to COUNT_CAP rows past the page."""
    def read_page(window):
        counted = query.with_only_columns(R.id).limit(inline(window.count_limit, "window")).subquery()
        total = db.select(db.func.count()).select_from(counted).scalar_subquery().label("total")
        rows = db.session.execute(query.with_only_columns(*ROW_COLUMNS, *extra, total).order_by(*order)
                                  .limit(inline(per_page, "rows")).offset(inline(window.offset, "skip"))).all()
        items = [_row(row[:len(ROW_COLUMNS)], now, *row[len(ROW_COLUMNS):-1]) for row in rows]
        return items, (rows[0][-1] if rows else None)

    def read_count(window):
        counted = query.with_only_columns(R.id).limit(inline(window.count_limit, "window")).subquery()
        return db.session.scalar(db.select(db.func.count()).select_from(counted))

    return capped_page(page_arg, per_page, COUNT_CAP, read_page, read_count)


def _expert_scope(user, group_ids):
    """Open requests of the groups, or on which the groups or the expert were invited, as a select of ids."""
    group_ids = sorted(group_ids)
    own = db.select(R.id).where(R.group_id.in_(inline(group_ids, "groups")), R.status.in_(inline(OPEN, "open")))
    invited = db.select(SupportInvitation.request_id).where(or_(
        SupportInvitation.group_id.in_(inline(group_ids, "invited_groups")),
        SupportInvitation.user_id == inline(user.id, "expert")))
    return db.union(own, invited).subquery("scope")


def _open_in_scope(user, group_ids):
    scope = _expert_scope(user, group_ids)
    return db.select(R.id).where(R.id.in_(db.select(scope.c.id)), R.status.in_(inline(OPEN, "still_open")))


def urgency_order():
    return db.case({u.value: rank for u, rank in URGENCY_RANK.items()}, value=R.urgency, else_=9)


def board_page(user, view="all", department=None, procedure_id=None, urgency=None, page_arg=None, now=None,
               group_ids=None):
    """The expert board: open requests of the expert's groups (and invitations), most urgent then oldest
    first, one page of PER_PAGE."""
    now = as_utc(now or utcnow())
    group_ids = my_group_ids(user) if group_ids is None else group_ids
    query = _open_in_scope(user, group_ids)
    if view == "new":
        query = query.where(R.status.in_(inline(WAITING, "waiting")))
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
    return _page(query, page_arg, now, PER_PAGE, (urgency_order(), R.created_at, R.id))


def board_filters(user, group_ids=None):
    """(départements, [(procedure id, title)]) of the open requests in the expert's scope, for the filters:
    one query, reading the same open requests as the board (never the closed history)."""
    group_ids = my_group_ids(user) if group_ids is None else group_ids
    scoped = _open_in_scope(user, group_ids).with_only_columns(R.department, R.procedure_id).distinct().subquery()
    rows = db.session.execute(db.select(scoped.c.department, scoped.c.procedure_id, Procedure.title)
                              .outerjoin(Procedure, Procedure.id == scoped.c.procedure_id)).all()
    departments = sorted({d for d, _p, _t in rows if d})
    procedures = sorted({(p, t) for _d, p, t in rows if p}, key=lambda pair: (pair[1], pair[0]))
    return departments, procedures


def my_requests_page(user, page_arg=None, now=None):
    """« Mes demandes d'appui »: the agent's own requests, newest activity first, with the number of expert
    answers since the agent last opened each one (one correlated count per row of the page)."""
    now = as_utc(now or utcnow())
    M = SupportMessage
    unread = (db.select(db.func.count()).where(
        M.request_id == R.id, M.kind == "answer", or_(R.agent_read_at.is_(None), M.created_at > R.agent_read_at))
        .correlate(R).scalar_subquery().label("unread"))
    query = db.select(R.id).where(R.author_id == user.id)
    return _page(query, page_arg, now, PER_PAGE, (R.updated_at.desc(), R.id.desc()), extra=(unread,))

