"""The expert board and « Mes demandes d'appui », one page at a time, read as plain rows.

A page is the rows it shows and its total counted only so far (COUNT_CAP rows past the page): the same
few queries, and about the same time, for a national group holding thousands of open requests as for a
local group holding ten. The board walks each group's open requests along a partial index, one urgency
at a time and oldest first, stopping at the end of the page; the requests the groups (or the expert) were
invited on are a second part. No OR over every request, no sort of a whole backlog.
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


def _read(page_arg, per_page, now, rows_for, ids, extra=0):
    """One page of plain rows and its total counted up to COUNT_CAP rows past the page, in one round trip.

    `rows_for(window)` is the page's ordered select of ROW_COLUMNS (then `extra` more columns); `ids` selects
    the ids the total counts, in no order (the count stops as soon as it has enough)."""
    def counted(window):
        return db.select(db.func.count()).select_from(ids.limit(inline(window.count_limit, "window")).subquery())

    def read_page(window):
        total = counted(window).scalar_subquery().label("total")
        rows = db.session.execute(rows_for(window).add_columns(total)).all()
        width = len(ROW_COLUMNS)
        items = [_row(row[:width], now, *row[width:width + extra]) for row in rows]
        return items, (rows[0][-1] if rows else None)

    return capped_page(page_arg, per_page, COUNT_CAP, read_page, lambda window: db.session.scalar(counted(window)))


def _not_closed():
    # Written as the open-board index's predicate, so that the database may use that partial index.
    return R.status != inline(Status.CLOSED.value, "not_closed")


def invited_ids(user, group_ids):
    """Ids of the open requests the expert's groups, or the expert by name, were invited on: read first, so
    that the board then fetches those requests by id, never by scanning the open ones. The invitations on
    closed requests (the history, which only grows) are dropped here rather than by every later query."""
    Inv = SupportInvitation
    # A correlated lookup by primary key, one per invitation: a join would let the planner hash every open
    # request to match a few hundred invitations.
    status = db.select(R.status).where(R.id == Inv.request_id).correlate(Inv).scalar_subquery()
    return sorted(set(db.session.scalars(db.select(Inv.request_id).where(
        or_(Inv.group_id.in_(inline(sorted(group_ids), "invited_groups")), Inv.user_id == inline(user.id, "expert")),
        status != inline(Status.CLOSED.value, "not_closed")))))


def urgency_order():
    return db.case({u.value: rank for u, rank in URGENCY_RANK.items()}, value=R.urgency, else_=9)


RANKS = sorted(((u.value, rank) for u, rank in URGENCY_RANK.items()), key=lambda pair: pair[1])


def _board_conditions(user, view, department, procedure_id, now):
    conditions = [_not_closed()]
    if view == "new":
        conditions.append(R.status.in_(inline(WAITING, "waiting")))
    elif view == "mine":
        conditions.append(R.assignee_id == user.id)
    elif view == "late":
        conditions += [R.first_answer_at.is_(None), R.due_at <= now]
    elif view == "waiting":
        conditions.append(R.status == Status.ANSWERED.value)
    if department:
        conditions.append(R.department == department)
    if procedure_id:
        conditions.append(R.procedure_id == procedure_id)
    return conditions


def board_page(user, view="all", department=None, procedure_id=None, urgency=None, page_arg=None, now=None,
               group_ids=None, invited=None):
    """The expert board: open requests of the expert's groups (and invitations), most urgent then oldest
    first, one page of PER_PAGE.

    Each group's part is walked along the open-board index one urgency at a time, oldest first, and stops
    at the end of the page: a national group's backlog of thousands is not read, nor sorted, to show 50.
    """
    now = as_utc(now or utcnow())
    group_ids = sorted(my_group_ids(user) if group_ids is None else group_ids)
    invited = invited_ids(user, group_ids) if invited is None else invited
    conditions = _board_conditions(user, view, department, procedure_id, now)
    ranks = [(value, rank) for value, rank in RANKS if urgency in (None, value)]
    chosen = [R.urgency == urgency] if urgency else []

    # The invited part keeps only the requests of other groups: the parts are then disjoint (a request has
    # one group and one urgency), and are read with UNION ALL, with no duplicate to remove.
    invited_part = [R.id.in_(inline(invited, "invited")), R.group_id.not_in(inline(group_ids, "own_groups")),
                    *conditions, *chosen]

    def rows_for(window):
        # The page's ids first, from the index alone (id, rank, creation), then its rows by id: the heap is
        # read for the PER_PAGE rows shown, not for every part's candidates.
        parts = []
        for group_id in group_ids:
            for value, rank in ranks:
                part = (db.select(R.id, db.literal(rank, db.Integer).label("rank"), R.created_at)
                        .where(R.group_id == inline(group_id, "group"), R.urgency == inline(value, "urgency"),
                               *conditions)
                        .order_by(R.created_at, R.id).limit(inline(window.offset + PER_PAGE, "part_rows")))
                parts.append(db.select(part.subquery()))  # keeps each part's ORDER BY and LIMIT (SQLite too)
        if invited or not parts:
            parts.append(db.select(R.id, urgency_order().label("rank"), R.created_at).where(*invited_part))
        board = (db.union_all(*parts) if len(parts) > 1 else parts[0]).subquery("board")
        shown = (db.select(board.c.id, board.c.rank).order_by(board.c.rank, board.c.created_at, board.c.id)
                 .limit(inline(PER_PAGE, "rows")).offset(inline(window.offset, "skip")).subquery("shown"))
        return (db.select(*ROW_COLUMNS).join(shown, shown.c.id == R.id)
                .order_by(shown.c.rank, R.created_at, R.id))

    own = db.select(R.id).where(R.group_id.in_(inline(group_ids, "groups")), *conditions, *chosen)
    ids = db.union_all(own, db.select(R.id).where(*invited_part)) if invited else own
    return _read(page_arg, PER_PAGE, now, rows_for, ids)


def board_filters(user, group_ids=None, invited=None):
    """(départements, [(procedure id, title)]) of the open requests in the expert's scope, for the filters:
    one query, read from the open-board index for the groups' own requests (never the closed history)."""
    group_ids = sorted(my_group_ids(user) if group_ids is None else group_ids)
    invited = invited_ids(user, group_ids) if invited is None else invited
    def scoped(name):
        return db.union_all(
            db.select(R.department, R.procedure_id).where(R.group_id.in_(inline(group_ids, "groups")),
                                                          _not_closed()),
            db.select(R.department, R.procedure_id).where(R.id.in_(inline(invited, "invited")), _not_closed())
        ).subquery(name)

    # Each list distinct in the database: a hundred départements and a few procedures come back, not every
    # (département, procedure) pair of a national backlog. Two subqueries rather than one WITH: a statement
    # that is not a plain SELECT would open a transaction (app.common.dbreads), whose rollback drops the
    # connection's prepared statements.
    in_departments, in_procedures = scoped("scoped_departments"), scoped("scoped_procedures")
    departments = db.select(in_departments.c.department, db.cast(db.null(), db.Integer).label("procedure_id"),
                            db.cast(db.null(), db.String).label("title")).where(
        in_departments.c.department.is_not(None)).group_by(in_departments.c.department)
    procedures = db.select(db.cast(db.null(), db.String).label("department"), Procedure.id, Procedure.title).where(
        Procedure.id.in_(db.select(in_procedures.c.procedure_id)))
    rows = db.session.execute(db.union_all(departments, procedures)).all()
    found = sorted(d for d, p, _t in rows if p is None and d)
    listed = sorted(((p, t) for _d, p, t in rows if p is not None), key=lambda pair: (pair[1], pair[0]))
    return found, listed


def my_requests_page(user, page_arg=None, now=None):
    """« Mes demandes d'appui »: the agent's own requests, newest activity first, with the number of expert
    answers since the agent last opened each one (one correlated count per row of the page)."""
    now = as_utc(now or utcnow())
    M = SupportMessage
    unread = (db.select(db.func.count()).where(
        M.request_id == R.id, M.kind == "answer", or_(R.agent_read_at.is_(None), M.created_at > R.agent_read_at))
        .correlate(R).scalar_subquery().label("unread"))
    mine = R.author_id == inline(user.id, "author")

    def rows_for(window):
        return (db.select(*ROW_COLUMNS, unread).where(mine).order_by(R.updated_at.desc(), R.id.desc())
                .limit(inline(PER_PAGE, "rows")).offset(inline(window.offset, "skip")))

    return _read(page_arg, PER_PAGE, now, rows_for, db.select(R.id).where(mine), extra=1)
