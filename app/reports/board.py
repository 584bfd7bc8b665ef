"""The triage board: its filters; the team's choices (services, labels, members) and the reader's shortcut
preference; a page of lean rows, with their assignee, labels and capped total. Both in one statement once this
process knows the team's services (read_board), else one query each."""
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache
from operator import itemgetter
from typing import NamedTuple

from sqlalchemy import String
from sqlalchemy.orm import aliased

from app.accounts.models import Role, User
from app.common.sql import (
    Part,
    PartsUnion,
    as_tuple,
    capped_page,
    capped_window,
    first,
    inline,
    inline_param,
    joined_text,
    run_with_literals,
)
from app.common.timezones import timezone_for_department, utcnow
from app.extensions import db
from app.reports import labels, search
from app.reports.enums import ProblemType, Status
from app.reports.label_models import ReportLabel, ReportLabelLink
from app.reports.models import Application, Procedure, Report, next_due_clause
from app.reports.rows import BoardRow, board_columns
from app.reports.services import clean
from app.reports.workflow import OPEN

SORTS = {
    "recent": "Plus récentes",
    "people": "Personnes concernées",
    "blocked": "Usagers bloqués",
    "me_too": "Nombre de « moi aussi »",
    "deadline": "Échéance la plus proche",
}
AGES = {"7": "Moins de 7 jours", "30": "Moins de 30 jours", "older": "Plus de 30 jours"}
IMPACTS = {"blocked": "Usager bloqué", "right": "Droit ou délai en jeu", "many": "5 personnes ou plus"}
ASSIGNEES = {"me": "Assignées à moi", "none": "Sans personne en charge"}


def _label_id(raw):
    raw = (raw or "").strip()
    return raw if raw.isascii() and raw.isdigit() and len(raw) <= 9 else ""


@dataclass
class BoardFilters:
    status: str = "open"
    application: str = ""
    problem_type: str = ""
    impact: str = ""
    age: str = ""
    q: str = ""
    sort: str = "recent"
    assignee: str = ""
    label: str = ""

    @classmethod
    def from_args(cls, args):
        def pick(name, allowed, default=""):
            value = (args.get(name) or "").strip()
            return value if value in allowed else default

        return cls(
            status=pick("status", {"open", "all", "overdue", *Status.values()}, "open"),
            application=clean(args.get("application")).strip().lower()[:60],
            problem_type=pick("type", set(ProblemType.values())),
            impact=pick("impact", set(IMPACTS)),
            age=pick("age", set(AGES)),
            q=clean(args.get("q")).strip()[:200],
            sort=pick("sort", set(SORTS), "recent"),
            assignee=pick("assignee", set(ASSIGNEES)),
            label=_label_id(args.get("label")),
        )

    def as_args(self):
        values = {"status": self.status, "application": self.application, "type": self.problem_type,
                  "impact": self.impact, "age": self.age, "q": self.q, "sort": self.sort,
                  "assignee": self.assignee, "label": self.label}
        return {k: v for k, v in values.items() if v}


class ApplicationRow(NamedTuple):
    id: int
    code: str
    name: str
    is_active: bool


class LabelRow(NamedTuple):
    id: int
    name: str
    colour: str


class MemberRow(NamedTuple):
    id: int
    full_name: str


@dataclass(frozen=True)
class BoardOptions:
    """What the board offers besides its rows."""

    applications: list  # ApplicationRow by name: the services whose reports the board lists (team_scope's)
    labels: list  # LabelRow by name: the labels of the reader's team (none for administrators)
    members: list  # MemberRow by name: the team's active triagers (the bulk action's assignees)
    keyboard_shortcuts: bool  # the reader's preference (on unless turned off)



def _option_parts(every_application):
    """The options' parts (:user_id, the reader; :team_id, their team), for a kind of reader."""
    team_id, user_id = db.bindparam("team_id"), db.bindparam("user_id")
    applications = db.select(Application.id, Application.code, Application.name, Application.is_active)
    parts = [Part("shortcuts", labels.keyboard_shortcuts_statement(user_id), first)]
    if every_application:
        return [Part("applications", applications, ApplicationRow, order_by=(Application.name,)), *parts]
    return [
        Part("applications", applications.where(Application.team_id == team_id), ApplicationRow,
             order_by=(Application.name,)),
        Part("labels", db.select(ReportLabel.id, ReportLabel.name, ReportLabel.colour)
             .where(ReportLabel.team_id == team_id), LabelRow, order_by=(ReportLabel.name,)),
        Part("members", db.select(User.id, User.full_name)
             .where(User.team_id == team_id, User.role == Role.TRIAGER, User.active.is_(True)), MemberRow,
             order_by=(User.full_name,)),
        *parts,
    ]


@lru_cache(maxsize=2)
def _options_union(every_application):
    """The options alone, built once per kind of reader."""
    return PartsUnion(_option_parts(every_application))


def _options_params(actor):
    """The options' parameters for this reader, or None when the board offers them nothing (see board_options)."""
    if actor.role == Role.ADMIN:
        return {"user_id": actor.id}
    if actor.role == Role.TRIAGER and actor.team_id is not None:
        return {"user_id": actor.id, "team_id": actor.team_id}
    return None


def _options_from(rows):
    return BoardOptions(rows["applications"], rows.get("labels", []), rows.get("members", []),
                        labels.shortcuts_from(rows["shortcuts"]))


def board_options(actor):
    """The board's services, the team's labels and members, and the reader's shortcut preference (one query)."""
    params = _options_params(actor)
    if params is None:
        return BoardOptions([], [], [], labels.keyboard_shortcuts_on(actor))
    return _options_from(_options_union(actor.role == Role.ADMIN).read(params))


# team id -> the team's services (ApplicationRow) as this process last read them: the guess that lets the board
# read its options with its page, in one query (see read_board). Only a guess: the page is shown only when the
# services read in the same statement are these.
_team_applications = {}
TEAM_HINTS_MAX = 1000


def read_board(actor, filters, page_arg, per_page, count_cap):
    """(BoardOptions, Page): the board's options (board_options) and one page of its rows (board_page).

    One query when the rows do not depend on the options' values (an administrator's board, every service), or
    when this process has read the reader's team's services before: the rows for the services it had then,
    with the options in the same statement; the page is shown only if the services read with it are the same
    (else its rows are read again for the current ones: one more query, once after a change). Two queries
    otherwise (the options, then the page), and with a search's words (a text per request, kept out of the
    statements written once per set of values).
    """
    params = _options_params(actor)
    if params is None:
        return board_options(actor), board_page(actor, filters, page_arg, per_page, count_cap, applications=[])
    admin = actor.role == Role.ADMIN
    guess = None if admin else _team_applications.get(actor.team_id)
    if admin or guess is not None:
        shape, values = _board_query(actor, filters, guess)
        if "q" not in values:
            window = capped_window(page_arg, per_page, count_cap)
            found = _page_union(shape, admin).read({
                **values, **params, "count_limit": window.count_limit, "rows": per_page, "offset": window.offset})
            options = _options_from(found)
            if admin or _ids(options.applications) == _ids(guess):
                items = _board_items(actor, found["rows"], options.labels, label_ids=itemgetter(-1), cut=-1)
                return options, window.page(items, found["total"][0])
            _remember_applications(actor.team_id, options.applications)
            # the services changed: the page is read again for the current ones
            return options, board_page(actor, filters, page_arg, per_page, count_cap,
                                       applications=options.applications, team_labels=options.labels)
    options = board_options(actor)
    if not admin:
        _remember_applications(actor.team_id, options.applications)
    return options, board_page(actor, filters, page_arg, per_page, count_cap, applications=options.applications,
                               team_labels=options.labels)


def _ids(applications):
    return sorted(a.id for a in applications)


def _remember_applications(team_id, applications):
    if len(_team_applications) >= TEAM_HINTS_MAX and team_id not in _team_applications:
        _team_applications.clear()  # a bound, not an LRU: teams are a few dozen
    _team_applications[team_id] = list(applications)


def board_applications(actor):
    """The applications whose reports the actor's board lists, by name (the scope of team_scope).

    Rows of (id, code, name, is_active): the board needs nothing else of them.
    """
    query = db.select(Application.id, Application.code, Application.name, Application.is_active).order_by(
        Application.name)
    if actor.role == Role.ADMIN:
        return db.session.execute(query).all()
    team_id = actor.team_id if actor.role == Role.TRIAGER else None
    if team_id is None:
        return []
    return db.session.execute(query.where(Application.team_id == team_id)).all()


def _label_ids():
    """SQL: the ids of the report's labels, "3,7" (NULL without any)."""
    return (
        db.select(joined_text(db.cast(ReportLabelLink.label_id, String)))
        .where(ReportLabelLink.report_id == Report.id)
        .scalar_subquery()
    )


def _label_namer(rows, team_labels, label_ids):
    """A function from a row's label ids to its labels, by name.

    The team's labels come with the board's options; labels of other teams on the page's rows (an
    administrator's board, a service moved to another team) are read in one more query."""
    wanted = {int(i) for ids in map(label_ids, rows) if ids for i in ids.split(",")}
    known = {label.id: (position, label) for position, label in enumerate(team_labels)}
    if not wanted <= known.keys():
        ordered = db.session.execute(
            db.select(ReportLabel.id, ReportLabel.name, ReportLabel.colour)
            .where(ReportLabel.id.in_(sorted(wanted))).order_by(ReportLabel.name)
        ).all()
        known = {row.id: (position, LabelRow(*row)) for position, row in enumerate(ordered)}

    def named(ids):
        if not ids:
            return ()
        return tuple(label for _position, label in sorted(known[int(i)] for i in ids.split(",")))

    return named


def board_page(actor, filters, page_arg, per_page, count_cap, applications=None, team_labels=()):
    """One page of the board as BoardRow, and its total counted up to `count_cap` past the page.

    One query: the capped count is a subquery of the rows' query (PostgreSQL runs it once), the assignee's
    name a join and the labels' ids a subquery per row, named from `team_labels` (board_options'). Only
    when the page is empty past the first one is the count run on its own (to say how many there are).
    The statements are built once per combination of filters (_page_statements); the values go in when they run.
    """
    shape, values = _board_query(actor, filters, applications)
    rows_statement, count_statement = _page_statements(shape)

    def read_page(window):
        # plain rows on the session's connection: nothing is loaded into the session (the ORM's layer is skipped)
        run_values = {**values, "count_limit": window.count_limit, "rows": per_page, "offset": window.offset}
        connection = db.session.connection()
        if "q" in values:  # a search's words: a text per request
            rows = connection.execute(rows_statement, run_values).all()
        else:  # the team's applications and the page repeat: written into the SQL once per process
            rows = run_with_literals(connection, rows_statement, run_values).all()
        items = _board_items(actor, rows, team_labels, label_ids=itemgetter(-2), cut=-2)
        return items, rows[0].total if rows else None

    def read_count(window):
        return db.session.connection().scalar(count_statement, {**values, "count_limit": window.count_limit})

    return capped_page(page_arg, per_page, count_cap, read_page, read_count)


def _board_items(actor, rows, team_labels, label_ids, cut):
    """The page's rows as BoardRow: the row's columns up to `cut` (board_columns, the assignee's id and name),
    its labels named from their ids (`label_ids` of a row)."""
    named = _label_namer(rows, team_labels, label_ids)
    now = utcnow()
    zone = timezone_for_department(actor.organisation.department if actor.organisation else None)
    return [BoardRow(*row[:cut], labels=named(label_ids(row)), now=now, zone=zone) for row in rows]


def board_select(actor, filters, now=None, applications=None):
    """The team's reports matching the board's filters, sorted (the values bound: a statement ready to run).

    `applications` are board_applications(actor) when the caller already has them.
    """
    shape, values = _board_query(actor, filters, applications, now)
    return _filtered(shape).params(values)


class _Shape(NamedTuple):
    """What a board statement's SQL depends on: which filters are set, never their values (bound when it runs)."""

    dialect: str
    scope: str  # "all" (administrator), "applications" (a team's, written into the SQL), "none"
    status: str  # "open", "overdue", "all" or "one"
    application: bool
    problem_type: bool
    impact: str
    age: str
    assignee: str
    label: bool
    q: str  # "", "reference", "words" or "nothing" (no searchable word)
    sort: str


def _board_query(actor, filters, applications=None, now=None):
    """The shape of the actor's board statement for these filters, and the values it runs with."""
    from app.reports.services import REFERENCE

    now = now or utcnow()
    values = {}
    if actor.role == Role.ADMIN:
        scope = "all"  # team_scope: every report
    else:
        if applications is None:
            applications = board_applications(actor)
        ids = sorted(a.id for a in applications)
        scope = "applications" if ids else "none"
        values["application_ids"] = ids
    status = filters.status if filters.status in ("open", "overdue", "all") else "one"
    if status == "one":
        values["status"] = filters.status
    if filters.status == "overdue":
        values["now"] = now
    if filters.application:
        values["application_code"] = filters.application
    if filters.problem_type:
        values["problem_type"] = filters.problem_type
    if filters.age:
        values["age_limit"] = now - timedelta(days=7 if filters.age == "7" else 30)
    if filters.assignee == "me":
        values["actor_id"] = actor.id
    if filters.label:
        values["label_id"] = int(filters.label)
    q = ""
    dialect = db.session.get_bind().dialect.name
    if filters.q:
        if REFERENCE.match(filters.q.upper()):
            q, values["reference"] = "reference", filters.q.upper()
        else:
            match = search.match_value(search.stems(filters.q), dialect, mode="all")
            q = "nothing" if match is None else "words"
            if match is not None:
                values["q"] = match
    shape = _Shape(dialect, scope, status, bool(filters.application), bool(filters.problem_type), filters.impact,
                   filters.age, filters.assignee, bool(filters.label), q, filters.sort)
    return shape, values


@lru_cache(maxsize=128)
def _filtered(shape):
    """The board's reports of this shape, sorted; parameters named as in _board_query's values."""
    param = db.bindparam
    query = db.select(Report).join(Application, Report.application_id == Application.id)
    if shape.scope == "applications":
        # The team's reports, named by their application ids written into the SQL: PostgreSQL then knows how
        # many reports the team has (a join on the team hides it), counts a page's window from an index and
        # picks the sort's index for any team.
        query = query.where(Report.application_id.in_(inline_param("application_ids", expanding=True)))
    elif shape.scope == "none":
        query = query.where(db.false())
    # The open statuses are written into the SQL too: the board's usual statement then has no parameter,
    # and the plan psycopg's prepared statement keeps is the exact one.
    open_statuses = inline(sorted(s.value for s in OPEN), "open_statuses")
    if shape.status == "open":
        query = query.where(Report.status.in_(open_statuses))
    elif shape.status == "overdue":
        now = param("now")
        query = query.where(
            Report.status.in_(open_statuses),
            db.or_(
                db.and_(Report.acknowledged_at.is_(None), Report.acknowledge_due_at < now),
                db.and_(Report.answered_at.is_(None), Report.answer_due_at < now),
            ),
        )
    elif shape.status == "one":
        query = query.where(Report.status == inline_param("status", String))
    if shape.application:
        query = query.where(Application.code == param("application_code"))
    if shape.problem_type:
        query = query.where(Report.problem_type == param("problem_type"))
    if shape.impact == "blocked":
        query = query.where(Report.blocked_total > 0)
    elif shape.impact == "right":
        query = query.where(Report.right_at_risk.is_(True))
    elif shape.impact == "many":
        query = query.where(Report.people_total >= 5)
    if shape.age in ("7", "30"):
        query = query.where(Report.created_at >= param("age_limit"))
    elif shape.age == "older":
        query = query.where(Report.created_at < param("age_limit"))
    if shape.assignee == "me":
        query = query.where(Report.assignee_id == param("actor_id"))
    elif shape.assignee == "none":
        query = query.where(Report.assignee_id.is_(None))
    if shape.label:
        query = query.where(labels.labelled_clause(Report, param("label_id")))
    if shape.q == "reference":
        query = query.where(Report.reference == param("reference"))
    elif shape.q == "words":
        query = query.where(search.match_param_clause(Report, shape.dialect))
    elif shape.q == "nothing":
        query = query.where(db.false())
    return query.order_by(*_order(shape.sort))


def _order(sort):
    """The board's ORDER BY for this sort (the last key the id: every order is total)."""
    return {
        "recent": (Report.id.desc(),),
        "people": (Report.people_total.desc(), Report.id.desc()),
        "blocked": (Report.blocked_total.desc(), Report.people_total.desc(), Report.id.desc()),
        "me_too": (Report.me_too_count.desc(), Report.id.desc()),
        "deadline": (next_due_clause().asc().nulls_last(), Report.id),
    }[sort]


def _page_rows_and_total(shape):
    """The page's rows (board_columns, the assignee's id and name, the labels' ids), sorted and bounded by the
    page (:rows, :offset), and the capped count (:count_limit), for _filtered(shape); every bound is written
    into the SQL when they run."""
    query = _filtered(shape)
    # The applications' table is needed only to filter on an application's code (the scope names ids).
    if shape.application:
        counted = query.with_only_columns(Report.id).order_by(None)
    else:
        counted = db.select(Report.id)
        if query.whereclause is not None:
            counted = counted.where(query.whereclause)
    total = db.select(db.func.count()).select_from(counted.limit(inline_param("count_limit")).subquery())
    assignee = aliased(User)
    rows = (
        query.with_only_columns(*board_columns(shape.dialect), Report.assignee_id, assignee.full_name,
                                _label_ids().label("label_ids"))
        .outerjoin(Procedure, Procedure.id == Report.procedure_id)
        .outerjoin(assignee, assignee.id == Report.assignee_id)
        .limit(inline_param("rows")).offset(inline_param("offset"))
    )
    return rows, total


@lru_cache(maxsize=128)
def _page_statements(shape):
    """The page's rows with the capped total as their last column, and the capped count alone (read when a page
    past the first has no row, to say how many there are)."""
    rows, total = _page_rows_and_total(shape)
    return rows.add_columns(total.scalar_subquery().label("total")), total


@lru_cache(maxsize=128)
def _page_union(shape, every_application):
    """The page's rows, its capped total and the board's options (_option_parts), in one statement (read_board);
    its bounds and the team's services written into its SQL once per set of values (LiteralTexts)."""
    rows, total = _page_rows_and_total(shape)
    return PartsUnion([
        Part("rows", rows, as_tuple, order_by=_order(shape.sort)),
        Part("total", total, first),
        *_option_parts(every_application),
    ], literals=True)
