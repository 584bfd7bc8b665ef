"""The expert board and « Mes demandes d'appui », one page at a time, read as plain rows.

A page is the rows it shows and its total counted only so far (COUNT_CAP rows past the page): the same
few queries, and about the same time, for a national group holding thousands of open requests as for a
local group holding ten. The board walks each group's open requests along a partial index, one urgency
at a time and oldest first, stopping at the end of the page; the requests the groups (or the expert) were
invited on are a second part. No OR over every request, no sort of a whole backlog.

Each page is one statement built once per shape (number of groups, view, filters) and kept: its values go
in when it runs (app.common.sql.inline_param), so a request pays for running it, not for building it. The
board reads its rows, total and filter lists together (the filter lists only when this process has not kept
them, BACKOFFICE_FILTERS_CACHE_SECONDS), with the expert's groups and e-mail preference when this process
knows which groups to read the rows for (one query), else after them (two); « Mes demandes » reads its rows,
total and preference in one query.
"""
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import NamedTuple

from markupsafe import Markup, escape
from sqlalchemy import DateTime, or_, type_coerce

from app.backoffice.enums import URGENCY_RANK, Status, Urgency
from app.backoffice.groups import group_ids_select
from app.backoffice.models import (
    SupportGroup,
    SupportGroupOpenCount,
    SupportInvitation,
    SupportMessage,
    SupportPreference,
    SupportRequest,
)
from app.common.models import UTCDateTime
from app.common.refcache import fresh, keep
from app.common.sql import (
    Part,
    PartsUnion,
    as_tuple,
    capped_window,
    first,
    in_select,
    inline,
    inline_param,
    joined_text,
)
from app.common.timezones import as_utc, to_local, utcnow
from app.extensions import db
from app.reports.catalog_models import Procedure

R = SupportRequest
PER_PAGE = 50
COUNT_CAP = 1000  # "plus de 1 000" rather than counting a national group's whole backlog
WAITING = [Status.NEW.value, Status.REROUTED.value]
VIEWS = ("all", "new", "mine", "late", "waiting")
STATUS_LABELS = {s.value: s.label for s in Status}
URGENCY_LABELS = {u.value: u.label for u in Urgency}
BADGES = {"new": "new", "rerouted": "warning", "taken": "info", "transferred": "info", "answered": "success"}
ROW_COLUMNS = (R.id, R.reference, R.subject, R.status, R.urgency, R.urgency_date, R.department, R.handoffs,
               R.created_at, R.due_at, R.first_answer_at)
# The board's row columns, its times read as the driver gives them (aware on PostgreSQL, naive UTC on SQLite)
# instead of through UTCDateTime's per-value processing: the rows only compare them and show them in local time,
# both of which take either (_row, to_local).
BOARD_ROW_COLUMNS = tuple(type_coerce(c, DateTime(timezone=True)).label(c.key) if isinstance(c.type, UTCDateTime)
                          else c for c in ROW_COLUMNS)


class RequestRow(NamedTuple):
    """One line of a request list: what the page shows, its dates in the asking site's calendar when read (the
    board shows the creation, « Mes demandes » the expected answer: each list formats only its own). A named
    tuple: a page makes fifty of them."""

    id: int
    reference: str
    subject: str
    status: str
    urgency: str
    urgency_date: date | None
    department: str | None
    handoffs: int
    created_at: datetime
    due_at: datetime | None
    is_late: bool
    unread: int = 0

    @property
    def created_on(self):
        return _day(to_local(self.created_at, self.department))

    @property
    def expected_on(self):
        if self.due_at is None:
            return ""
        return _day(to_local(self.due_at - timedelta(seconds=1), self.department))

    @property
    def badges(self):
        """The row's status, lateness and urgency badges (HTML): written once per combination, not per row."""
        return _badges(self.status, self.is_late, self.urgency, self.urgency_date)

    @property
    def status_label(self):
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def badge(self):
        return BADGES.get(self.status, "")

    @property
    def urgency_label(self):
        return _urgency_label(self.urgency, self.urgency_date)

    def board_row(self, detail_prefix):
        """The board's table row (HTML) under `detail_prefix` (escaped): the texts escaped, the date and the
        count written from digits. Written here rather than by the template: the board shows fifty."""
        reference = escape(self.reference)
        return (f'\n  <tr><td><a href="{detail_prefix}{reference}">{reference}</a></td>'
                f"<td>{escape(self.subject)}</td>\n    <td>{self.badges}</td>\n    "
                f"<td>{escape(self.department or '')}</td><td>{self.created_on}</td>"
                f"<td>{int(self.handoffs)}</td></tr>\n  ")


def board_rows(rows, detail_prefix):
    """The board's table rows (Markup), each written once per process for what it shows (_board_row)."""
    prefix = escape(detail_prefix)
    return Markup("".join([_board_row(row, prefix) for row in rows]))  # noqa: S704  # nosec B704 - escaped


@lru_cache(maxsize=4096)
def _board_row(row, detail_prefix):
    """RequestRow.board_row, kept for the row's values (a row is its whole content, lateness included: a
    changed request is another key): experts reopen the same boards, whose rows change little between visits."""
    return row.board_row(detail_prefix)


@lru_cache(maxsize=1024)
def department_options(departments, selected):
    """The département filter's options after « Tous » (Markup) for a tuple of codes and the chosen one,
    written once per list and choice: a national group's list holds about a hundred."""
    return Markup("".join([  # noqa: S704  # nosec B704 - escaped
        f'<option value="{escape(d)}"{" selected" if d == selected else ""}>{escape(d)}</option>'
        for d in departments]))


def _day(moment):
    """strftime("%d/%m/%Y") of a date or datetime, written directly (strftime costs a list's rows ~10 µs each)."""
    return f"{moment.day:02d}/{moment.month:02d}/{moment.year}"


def _urgency_label(urgency, urgency_date):
    label = URGENCY_LABELS.get(urgency, urgency)
    return f"{label} ({urgency_date.strftime('%d/%m/%Y')})" if urgency_date else label


@lru_cache(maxsize=4096)
def _badges(status, is_late, urgency, urgency_date):
    kind = f" fr-badge--{escape(BADGES[status])}" if BADGES.get(status) else ""
    late = '<li><p class="fr-badge fr-badge--sm fr-badge--error">En retard</p></li>' if is_late else ""
    urgent = ('<li><p class="fr-badge fr-badge--sm fr-badge--warning fr-badge--no-icon">'
              f"{escape(_urgency_label(urgency, urgency_date))}</p></li>" if urgency != "none" else "")
    status_label = escape(STATUS_LABELS.get(status, status))
    return Markup(f'<ul class="fr-badges-group"><li><p class="fr-badge fr-badge--sm{kind} fr-badge--no-icon">'  # noqa: S704  # nosec B704 - escaped
                  f"{status_label}</p></li>{late}{urgent}</ul>")


class BoardGroup(NamedTuple):
    """One of the expert's groups, as the board names it."""

    id: int
    code: str
    name: str


@dataclass(frozen=True)
class Board:
    """What the board shows: its page of rows, the filters' choices (the open requests' départements, and
    their procedures as (id, title)) and the expert's groups and e-mail preference."""

    page: object
    departments: list
    procedures: list
    groups: list
    email_opt_out: bool


def _row(columns, now, unread=0):
    (id_, reference, subject, status, urgency, urgency_date, department, handoffs, created_at, due_at,
     first_answer_at) = columns
    if due_at is not None and due_at.tzinfo is None:  # as_utc's, written here: a page makes fifty rows
        due_at = due_at.replace(tzinfo=UTC)
    late = first_answer_at is None and due_at is not None and status != Status.CLOSED and now >= due_at
    # RequestRow(...) without its generated __new__ (a Python call per row): the same tuple, every field given.
    return _new_row(RequestRow, (id_, reference, subject, status, urgency, urgency_date, department, handoffs,
                                 created_at, due_at, late, unread))


_new_row = tuple.__new__




def _not_closed():
    # Written as the open-board index's predicate, so that the database may use that partial index.
    return R.status != inline(Status.CLOSED.value, "not_closed")


def _counted(ids):
    """The capped total of `ids` (:count_limit rows at most): the count stops as soon as it has enough."""
    return db.select(db.func.count().label("total")).select_from(ids.limit(inline_param("count_limit")).subquery())


FILTERS_KEY = "backoffice.board_filters"
FILTERS_SETTING = "BACKOFFICE_FILTERS_CACHE_SECONDS"
RANKS = sorted(((u.value, rank) for u, rank in URGENCY_RANK.items()), key=lambda pair: pair[1])


def _scope_parts():
    """The parts reading the expert's current groups by code and their e-mail preference (:user_id)."""
    user_id = db.bindparam("user_id")
    member_of = group_ids_select(user_id)
    return [
        Part("groups", db.select(SupportGroup.id, SupportGroup.code, SupportGroup.name)
             .where(SupportGroup.id.in_(member_of)), BoardGroup, order_by=(SupportGroup.code, SupportGroup.id)),
        Part("opt_out", db.select(SupportPreference.email_opt_out).where(SupportPreference.user_id == user_id),
             first),
    ]


@lru_cache(maxsize=1)
def _scope_union():
    """The expert's current groups by code and their e-mail preference (:user_id), built once."""
    return PartsUnion(_scope_parts())


def expert_scope(user):
    """([BoardGroup] by code, e-mail opt-out) of an expert, in one query."""
    found = _scope_union().read({"user_id": user.id})
    return found["groups"], bool(found["opt_out"] and found["opt_out"][0])


def _board_conditions(c, view, by_department, by_procedure):
    """The view's and filters' conditions on the columns `c` (the requests' table, or the invited part's)."""
    conditions = [c.status != inline(Status.CLOSED.value, "not_closed")]
    if view == "new":
        conditions.append(c.status.in_(inline(WAITING, "waiting")))
    elif view == "mine":
        conditions.append(c.assignee_id == inline_param("expert"))
    elif view == "late":
        conditions += [c.first_answer_at.is_(None), c.due_at <= db.bindparam("now", type_=R.due_at.type)]
    elif view == "waiting":
        conditions.append(c.status == Status.ANSWERED.value)
    if by_department:
        conditions.append(c.department == db.bindparam("department", type_=R.department.type))
    if by_procedure:
        conditions.append(c.procedure_id == db.bindparam("procedure_id", type_=R.procedure_id.type))
    return conditions


@lru_cache(maxsize=512)
def _board_union(group_count, view, by_department, by_procedure, urgency, with_filters=True, with_scope=False):
    """The board's statement for an expert of `group_count` groups (:group_0...), built once per shape.

    Its parts: the page's rows (each group's part walked along the open-board index one urgency at a time,
    oldest first, stopping at the end of the page; then the open requests of other groups the expert's
    groups, or the expert by name, were invited on), the capped total, and (`with_filters`, when this
    process does not have them) the filters' départements and procedures of the whole scope (the open
    requests only, never the closed history); `with_scope`, the expert's current groups and preference too
    (expert_scope's parts, :user_id)."""
    groups = [inline_param(f"group_{i}") for i in range(group_count)]
    table = R.__table__.c
    conditions = _board_conditions(table, view, by_department, by_procedure)
    ranks = [(value, rank) for value, rank in RANKS if urgency in (None, value)]
    Inv = SupportInvitation
    # Two selects, not an OR: each is an index-only scan of its partial index (open requests' invitations, by
    # group and by user) instead of a bitmap scan visiting a heap page per few invitations. A request invited
    # both ways comes twice: `= ANY` finds it once.
    invitations = db.union_all(
        db.select(Inv.request_id).where(Inv.request_open, Inv.group_id.in_(groups)),
        db.select(Inv.request_id).where(Inv.request_open, Inv.user_id == inline_param("expert")))
    # The invited requests are read once (the page, its total and the filters use them), by id: the invitations
    # of closed requests are left out by the partial indexes (`request_open`; the request's status is checked
    # too). Only other groups' requests are kept: the parts are then disjoint (a request has one group and one
    # urgency), read with UNION ALL, no duplicate to remove.
    invited = (db.select(R.id, R.status, R.urgency, R.created_at, R.department, R.procedure_id, R.assignee_id,
                         R.first_answer_at, R.due_at)
               .where(in_select(R.id, invitations), R.group_id.not_in(groups), _not_closed()).cte("invited"))
    invited_conditions = _board_conditions(invited.c, view, by_department, by_procedure)
    if urgency:
        conditions.append(table.urgency == inline(urgency, "urgency"))
        invited_conditions.append(invited.c.urgency == inline(urgency, "urgency"))

    # The page's ids first, from the index alone (id, rank, creation), then its rows by id: the heap is read
    # for the rows shown, not for every part's candidates.
    parts = []
    for group in groups:
        for value, rank in ranks:
            part = (db.select(R.id, db.literal_column(str(rank), db.Integer).label("rank"), R.created_at)
                    .where(R.group_id == group, R.urgency == inline(value, "urgency"), *conditions)
                    .order_by(R.created_at, R.id).limit(inline_param("part_rows")))
            parts.append(db.select(part.subquery()))  # keeps each part's ORDER BY and LIMIT (SQLite too)
    rank = db.case({u.value: rank for u, rank in URGENCY_RANK.items()}, value=invited.c.urgency, else_=9)
    parts.append(db.select(invited.c.id, rank.label("rank"), invited.c.created_at).where(*invited_conditions))
    board = db.union_all(*parts).subquery("board")
    shown = (db.select(board.c.id, board.c.rank).order_by(board.c.rank, board.c.created_at, board.c.id)
             .limit(inline_param("rows")).offset(inline_param("skip")).subquery("shown"))
    rows = db.select(*BOARD_ROW_COLUMNS).join(shown, shown.c.id == R.id)

    if view == "all" and not (by_department or by_procedure or urgency):
        # The plain view's total: the groups' open requests as kept on every write (open_counts), and the
        # invited ones (read for the page anyway) counted: exact, and no walk of a national backlog to count it.
        C = SupportGroupOpenCount
        kept = (db.select(db.func.coalesce(db.func.sum(C.open_requests), 0)).where(C.group_id.in_(groups))
                .scalar_subquery())
        invited_count = db.select(db.func.count()).select_from(invited).where(*invited_conditions).scalar_subquery()
        capped_total = db.select(db.cast(kept + invited_count, db.Integer).label("total"))
    else:
        capped_total = _counted(db.union_all(db.select(R.id).where(R.group_id.in_(groups), *conditions),
                                             db.select(invited.c.id).where(*invited_conditions)))
    scope_parts = _scope_parts() if with_scope else []
    if not with_filters:
        return PartsUnion([
            Part("rows", rows, as_tuple, order_by=(shown.c.rank, R.created_at, R.id)),
            Part("total", capped_total, first),
            *scope_parts,
        ], literals=True)  # the groups, the expert and the page repeat: written into the SQL once (LiteralTexts)

    # The scope's (département, procedure) pairs with their number of requests, read once for both filter
    # lists (a hundred départements and a few procedures: a few hundred pairs, not every request of a national
    # backlog), each list then distinct in the database; the départements come back as one row, "01,69,...".
    scope = db.union_all(
        db.select(R.department, R.procedure_id).where(R.group_id.in_(groups), _not_closed()),
        db.select(invited.c.department, invited.c.procedure_id)).subquery("scope")
    pairs = (db.select(scope.c.department, scope.c.procedure_id, db.func.count().label("requests"))
             .group_by(scope.c.department, scope.c.procedure_id).cte("pairs"))
    if view == "all" and not urgency:
        # The view's rows are the scope's (filtered by département or procedure): its total is the pairs' sum,
        # exact, with no second walk of the backlog (capped_window's page caps it as the count did).
        chosen_pairs = []
        if by_department:
            chosen_pairs.append(pairs.c.department == db.bindparam("department", type_=R.department.type))
        if by_procedure:
            chosen_pairs.append(pairs.c.procedure_id == db.bindparam("procedure_id", type_=R.procedure_id.type))
        total = db.select(db.cast(db.func.coalesce(db.func.sum(pairs.c.requests), 0), db.Integer).label("total")
                          ).where(*chosen_pairs)
    else:
        total = capped_total
    distinct_departments = (db.select(pairs.c.department).where(pairs.c.department.is_not(None))
                            .group_by(pairs.c.department).subquery("distinct_departments"))
    departments = db.select(joined_text(distinct_departments.c.department)
                            .label("departments"))
    procedures = db.select(Procedure.id, Procedure.title).where(Procedure.id.in_(db.select(pairs.c.procedure_id)))
    return PartsUnion([
        Part("rows", rows, as_tuple, order_by=(shown.c.rank, R.created_at, R.id)),
        Part("total", total, first),
        Part("departments", departments, first),
        Part("procedures", procedures, as_tuple),
        *scope_parts,
    ], literals=True)


# user id -> the ids of the groups of the expert's last board read by this process: the guess that lets the
# next board read the expert's groups with its rows, in one query (see read_board). Only a guess: a board is
# shown only when the groups read in the same statement are these.
_scope_hints = {}
SCOPE_HINTS_MAX = 20000


def _remember_scope(user_id, group_ids):
    if len(_scope_hints) >= SCOPE_HINTS_MAX and user_id not in _scope_hints:
        _scope_hints.clear()  # a bound, not an LRU: experts are a few thousand nationally
    _scope_hints[user_id] = group_ids


def read_board(user, view="all", department=None, procedure_id=None, urgency=None, page_arg=None, now=None,
               scope=None):
    """The expert board (a Board): open requests of the expert's groups (and invitations), most urgent then
    oldest first, one page of PER_PAGE, with the filters' choices; `scope` is expert_scope(user) when the
    caller has it.

    One query when this process has read the expert's board before: the rows for the groups it had then,
    and the expert's current groups and preference in the same statement; the page is shown only if those
    groups are the same (else read again for the current ones: one more query, once after a change). Two
    queries otherwise: the scope, then the rest.

    Each group's part is walked along the open-board index one urgency at a time, oldest first, and stops
    at the end of the page: a national group's backlog of thousands is not read, nor sorted, to show 50.
    """
    now = as_utc(now or utcnow())
    view = view if view in VIEWS else "all"
    urgency = urgency if urgency in URGENCY_LABELS else None
    window = capped_window(page_arg, PER_PAGE, COUNT_CAP)
    params = {"expert": user.id, "part_rows": window.offset + PER_PAGE, "rows": PER_PAGE, "skip": window.offset,
              "count_limit": window.count_limit}
    if view == "late":
        params["now"] = now
    if department:
        params["department"] = department
    if procedure_id:
        params["procedure_id"] = procedure_id
    shape = (view, bool(department), bool(procedure_id), urgency)
    guess = _scope_hints.get(user.id) if scope is None else None
    if guess is not None:
        found, filters = _read_board(user, guess, shape, params, with_scope=True)
        scope = found["groups"], bool(found["opt_out"] and found["opt_out"][0])
        if tuple(group.id for group in scope[0]) != guess:  # the groups changed: this read is not shown
            found = None
    else:
        found = None
    if found is None:
        scope = expert_scope(user) if scope is None else scope
        found, filters = _read_board(user, tuple(group.id for group in scope[0]), shape, params)
    groups, opt_out = scope
    group_ids = tuple(group.id for group in groups)
    _remember_scope(user.id, group_ids)
    total = min(found["total"][0], window.count_limit)  # an exact total counts as the capped count would
    page = window.page([_row(row, now) for row in found["rows"]], total)
    if filters is None:
        listed = sorted(((p, t) for p, t in found["procedures"]), key=lambda pair: (pair[1], pair[0]))
        departments = sorted(d for d in (found["departments"][0] or "").split(",") if d)  # codes hold no comma
        filters = keep((FILTERS_KEY, user.id, group_ids), (tuple(departments), tuple(listed)))
    return Board(page, list(filters[0]), list(filters[1]), groups, opt_out)


def _read_board(user, group_ids, shape, params, with_scope=False):
    """(the board statement's parts for these groups, the filters this process kept for them or None)."""
    params = dict(params, **{f"group_{i}": group_id for i, group_id in enumerate(group_ids)})
    if with_scope:
        params["user_id"] = user.id
    # The filters' choices (not the rows, nor the total: those are read every time) are kept by this process
    # BACKOFFICE_FILTERS_CACHE_SECONDS for this expert and groups: a national group's choices come from its
    # whole open backlog, which the page then need not group on every request.
    filters = fresh((FILTERS_KEY, user.id, group_ids), FILTERS_SETTING)
    found = _board_union(len(group_ids), *shape, filters is None, with_scope).read(params)
    return found, filters




@lru_cache(maxsize=1)
def _mine_union():
    """« Mes demandes »'s statement (:author, :rows, :skip, :count_limit), built once."""
    M = SupportMessage
    unread = (db.select(db.func.count()).where(
        M.request_id == R.id, M.kind == "answer", or_(R.agent_read_at.is_(None), M.created_at > R.agent_read_at))
        .correlate(R).scalar_subquery().label("unread"))
    mine = R.author_id == inline_param("author")
    rows = (db.select(*ROW_COLUMNS, unread).where(mine).order_by(R.updated_at.desc(), R.id.desc())
            .limit(inline_param("rows")).offset(inline_param("skip")))
    user_id = db.bindparam("user_id")
    return PartsUnion([
        Part("rows", rows, as_tuple, order_by=(R.updated_at.desc(), R.id.desc())),
        Part("total", _counted(db.select(R.id).where(mine)), first),
        Part("opt_out", db.select(SupportPreference.email_opt_out).where(SupportPreference.user_id == user_id),
             first),
    ])


def my_requests(user, page_arg=None, now=None):
    """(page, e-mail opt-out) of « Mes demandes d'appui »: the agent's own requests, newest activity first,
    with the number of expert answers since the agent last opened each one (one correlated count per row of
    the page), in one query."""
    now = as_utc(now or utcnow())
    window = capped_window(page_arg, PER_PAGE, COUNT_CAP)
    found = _mine_union().read({"author": user.id, "rows": PER_PAGE, "skip": window.offset,
                                "count_limit": window.count_limit, "user_id": user.id})
    width = len(ROW_COLUMNS)
    page = window.page([_row(row[:width], now, row[width]) for row in found["rows"]], found["total"][0])
    return page, bool(found["opt_out"] and found["opt_out"][0])
