"""HR follow-up of their organisation's agents: paths, completion, overdue modules.

Only what was completed while the agent belonged to the organisation counts here; earlier
training shows through the passport once the agent shares it.
"""
import functools
from dataclasses import InitVar, dataclass, field
from datetime import date
from typing import NamedTuple

from sqlalchemy import String, and_

from app.accounts.models import OrganisationAgentCount, Role, User
from app.common.sql import capped_page, joined_text
from app.extensions import db
from app.training import reference
from app.training.models import Enrolment, Module, ModuleCompletion, ModuleVersion, PathModule, TrainingPath
from app.training.progress import COMPLETED, IN_PROGRESS, NOT_STARTED, OVERDUE, STATUS_LABELS

# The HR filters on a path's state, with the labels the agents' pages use.
STATUSES = {status: STATUS_LABELS[status] for status in (COMPLETED, IN_PROGRESS, NOT_STARTED, OVERDUE)}
COUNT_CAP = 1000  # rows counted past the current page: "plus de 1 000" beyond
EXPORT_BATCH = 500  # rows fetched at a time by the CSV export


class AgentRef(NamedTuple):
    id: int
    full_name: str
    email: str


class EnrolmentRef(NamedTuple):
    id: int
    due_on: date | None


@dataclass
class TeamRow:
    user: AgentRef
    enrolment: EnrolmentRef | None
    path: reference.PathRef | None
    done: int
    total: int
    today: InitVar[date | None] = None
    # Worked out once per row (the page reads them several times per row):
    percent: int = field(init=False)  # rounded down: 100 % only when done
    is_overdue: bool = field(init=False)
    due_text: str = field(init=False)  # the due date as dd/mm/yyyy, "" without one

    def __post_init__(self, today):
        due_on = self.enrolment.due_on if self.enrolment else None
        self.percent = 100 * self.done // self.total if self.total else 0
        self.is_overdue = bool(due_on and due_on < (today or date.today()) and self.done < self.total)
        self.due_text = due_on.strftime("%d/%m/%Y") if due_on else ""

    @property
    def status(self):
        if self.enrolment is None:
            return None
        if self.total and self.done >= self.total:
            return "completed"
        if self.is_overdue:
            return "overdue"
        return "in_progress" if self.done else "not_started"


def _done(org_id, user_id, path_id):
    """Modules of the path completed by the agent while in the organisation (correlated to the enclosing rows).

    Counted as the path's modules having a completion (EXISTS): a module completed in two versions still
    counts once, without a DISTINCT (a sort per row).
    """
    completed = (
        db.select(ModuleCompletion.id)
        .where(ModuleCompletion.user_id == user_id, ModuleCompletion.module_id == PathModule.module_id,
               ModuleCompletion.organisation_id == org_id)
        .correlate_except(ModuleCompletion)
        .exists()
    )
    return (
        db.select(db.func.count(PathModule.id)).where(PathModule.path_id == path_id, completed)
        .correlate_except(PathModule).scalar_subquery()
    )


def _completed(org_id, user_id):
    """The ids of the modules the agent completed while in the organisation, as one text ("3,17"; NULL for none),
    correlated to the enclosing rows: a module completed in two versions comes twice (counted once by the page)."""
    return (
        db.select(joined_text(db.cast(ModuleCompletion.module_id, String)))
        .where(ModuleCompletion.user_id == user_id, ModuleCompletion.organisation_id == org_id)
        .correlate_except(ModuleCompletion).scalar_subquery()
    )


def _total(path_id):
    return (
        db.select(db.func.count(PathModule.id)).where(PathModule.path_id == path_id)
        .correlate_except(PathModule).scalar_subquery()
    )


def _organisation_progress(org_id):
    """(done, totals) CTEs: per agent and path, the path's modules completed in the organisation; per path, its
    number of modules. Read once for the whole organisation (hash joins) rather than by a subquery per row."""
    done = (
        db.select(ModuleCompletion.user_id, PathModule.path_id,
                  # a module completed in two versions counts once
                  db.func.count(db.distinct(ModuleCompletion.module_id)).label("done"))
        .join(PathModule, PathModule.module_id == ModuleCompletion.module_id)
        .where(ModuleCompletion.organisation_id == org_id)
        .group_by(ModuleCompletion.user_id, PathModule.path_id)
    )
    totals = db.select(PathModule.path_id, db.func.count().label("total")).group_by(PathModule.path_id)
    return done.cte("done"), totals.cte("totals")


def _status_conditions(status, done, total):
    overdue = and_(Enrolment.due_on.is_not(None), Enrolment.due_on < db.bindparam("today"), done < total)
    return {
        "completed": [done >= total],
        "overdue": [overdue],
        "in_progress": [done > 0, done < total, db.not_(overdue)],
        "not_started": [done == 0, db.not_(overdue)],
    }[status]


def _filtered(query, org_id, path_id, status, by_user, progress):
    """`query` (from users outer-joined to their enrolments) narrowed to the organisation's agents and the filters.

    A status filter needs the progress of every row: counted by subqueries per row, or, with `progress` (the
    CTEs of `_organisation_progress`), read once for the whole organisation, which costs less when most of
    its rows must be looked at.
    """
    conditions = [User.organisation_id == org_id, User.role == Role.AGENT]
    if path_id is not None:
        conditions.append(Enrolment.path_id == path_id)
    if by_user:
        conditions.append(User.id == db.bindparam("user_id"))
    if status and progress is None:
        conditions += [Enrolment.id.is_not(None)] + _status_conditions(
            status, _done(org_id, Enrolment.user_id, Enrolment.path_id), _total(Enrolment.path_id))
    elif status:
        done, totals = progress
        query = (
            query.outerjoin(done, and_(done.c.user_id == Enrolment.user_id, done.c.path_id == Enrolment.path_id))
            .outerjoin(totals, totals.c.path_id == Enrolment.path_id)
        )
        conditions += [Enrolment.id.is_not(None)] + _status_conditions(
            status, db.func.coalesce(done.c.done, 0), db.func.coalesce(totals.c.total, 0))
    return query.where(*conditions)


def _visible_enrolment():
    """The agent's enrolments HR may see: not those in a personal path the agent keeps to themselves."""
    return and_(Enrolment.user_id == User.id, Enrolment.is_private.is_(False))


def _count_statement(org_id, filters):
    """Rows of the list counted up to `count_limit` (the database stops there).

    Without filters every agent of the organisation has at least one row: when the organisation has
    `count_limit` agents or more (OrganisationAgentCount, one row kept by the database), so are the rows, and
    nothing is counted.
    """
    path_id, status, by_user, _progress = filters
    count_limit = db.bindparam("count_limit", type_=db.Integer)
    counted = _filtered(db.select(User.id).outerjoin(Enrolment, _visible_enrolment()), org_id, *filters)
    rows = db.select(db.func.count()).select_from(counted.limit(count_limit).subquery())
    if path_id is not None or status or by_user:
        return rows
    agents = db.func.coalesce(
        db.select(OrganisationAgentCount.agents).where(OrganisationAgentCount.organisation_id == org_id)
        .scalar_subquery(), 0)
    return db.select(db.case((agents >= count_limit, count_limit), else_=rows.scalar_subquery()))


@functools.cache
def _team_statements(by_path, status, by_user):
    """(page, count) statements for one combination of filters, built once (building them costs about as much
    as running them); the organisation, the filters' values and the page's bounds are bound per request.

    The page statement reads the page's rows, their progress and the capped count in one round trip. The
    rows are picked in a subquery first, so that progress is computed for the page's rows only (not for
    the rows skipped by the offset), and the count is an uncorrelated subquery, run once.
    """
    # With a path filter, the organisation and the path are written into the SQL: paths differ widely in size,
    # and the generic plan PostgreSQL may choose after a few runs of a prepared statement counts the rows of a
    # large one with a slower join (twice the time at the full scale).
    org_id = db.bindparam("org_id", type_=db.Integer, literal_execute=by_path)
    path_id = db.bindparam("path_id", type_=db.Integer, literal_execute=True) if by_path else None
    # The organisation's progress at once for the status filters, except for "overdue" (the due date, tested
    # first, leaves few rows whose progress is needed) and with a path filter: PostgreSQL then underestimates the
    # rows a path keeps, and may scan the CTE again for every row in a nested loop (seconds at the full scale).
    whole_organisation = status in ("completed", "in_progress", "not_started") and not by_path
    filters = (path_id, status, by_user, _organisation_progress(org_id) if whole_organisation else None)
    rows = (
        db.select(User.id.label("user_id"), User.full_name, User.email, Enrolment.id.label("enrolment_id"),
                  Enrolment.due_on, Enrolment.path_id, TrainingPath.title)
        .outerjoin(Enrolment, _visible_enrolment())
        .outerjoin(TrainingPath, TrainingPath.id == Enrolment.path_id)
    )
    page = (
        # with an index on users (organisation_id, role, full_name, id), the agents are read in this order:
        # the page is found without sorting every row of the organisation
        _filtered(rows, org_id, *filters).order_by(User.full_name, User.id, TrainingPath.title)
        .limit(db.bindparam("limit", type_=db.Integer)).offset(db.bindparam("offset", type_=db.Integer))
        .subquery("page")
    )
    # Every path's number of modules and their ids counted once (a small table: one aggregate) and joined, rather
    # than by a subquery per row; a row without a path, or a path without modules, has none. What the row's agent
    # completed in the organisation comes as ids too, read along one index per row: the page counts the path's
    # modules among them itself (_team_rows), instead of PostgreSQL joining both lists for every row.
    totals = (db.select(PathModule.path_id, db.func.count().label("total"),
                        joined_text(db.cast(PathModule.module_id, String)).label("modules"))
              .group_by(PathModule.path_id).subquery("path_totals"))
    columns = [page, _completed(org_id, page.c.user_id).label("completed"),
               db.func.coalesce(totals.c.total, 0).label("total"), totals.c.modules]
    count = _count_statement(org_id, filters)
    if not by_user:
        columns.append(count.scalar_subquery().label("counted"))
    statement = (
        db.select(*columns).select_from(page.outerjoin(totals, totals.c.path_id == page.c.path_id))
        .order_by(page.c.full_name, page.c.user_id, page.c.title)
    )
    return statement, count


def _values(hr_user, path_id, status, user_id):
    values = {"org_id": hr_user.organisation_id}
    if path_id:
        values["path_id"] = path_id
    if user_id:
        values["user_id"] = user_id
    if status:
        values["today"] = date.today()
    return values


def _run(statement, values):
    """Rows of a plain-column statement, run on the session's connection: nothing is loaded into the session,
    so the ORM's execution layer is skipped."""
    return db.session.connection().execute(statement, values).all()


def _team_rows(rows):
    """TeamRows from the page's rows: the modules done are the path's modules (its ids, as the database has them
    now) among those the agent completed in the organisation, each list of ids read once per page."""
    result = []
    paths = reference.catalogue().paths if rows else {}
    today = date.today()
    id_sets = {}  # each list of ids (a text) as a set, split once per page

    for user_id, full_name, email, enrolment_id, due_on, path_id, title, completed, total, modules, *_count in rows:
        user = AgentRef(user_id, full_name, email)
        if enrolment_id is None:
            result.append(TeamRow(user, None, None, 0, 0, today))
        else:
            # a path made since the catalogue was cached: the row still names it
            path = paths.get(path_id) or reference.PathRef(path_id, None, title, (), False)
            done = 0
            if completed is not None and modules is not None:
                have = id_sets.get(completed)
                if have is None:
                    have = id_sets[completed] = frozenset(completed.split(","))
                need = id_sets.get(modules)
                if need is None:
                    need = id_sets[modules] = frozenset(modules.split(","))
                done = len(have & need)
            result.append(TeamRow(user, EnrolmentRef(enrolment_id, due_on), path, done, total, today))
    return result


def team_page(hr_user, page_arg, per_page, path_id=None, status=None):
    """One page of TeamRows with their progress; the total is counted up to COUNT_CAP rows past the page
    (1 query; 2 for a page past the last one)."""
    status = status if status in STATUSES else None
    statement, count = _team_statements(bool(path_id), status, False)
    values = _values(hr_user, path_id, status, None)

    def read_page(window):
        rows = _run(statement, dict(values, limit=per_page, offset=window.offset, count_limit=window.count_limit))
        return _team_rows(rows), rows[0].counted if rows else None

    def read_count(window):
        return _run(count, dict(values, count_limit=window.count_limit))[0][0]

    return capped_page(page_arg, per_page, COUNT_CAP, read_page, read_count)


def agent_rows(hr_user, agent_id):
    """The TeamRows of one agent of the HR user's organisation (1 query)."""
    statement, _count = _team_statements(False, None, True)
    values = _values(hr_user, None, None, agent_id)
    return _team_rows(_run(statement, dict(values, limit=200, offset=0)))


def shipped_paths():
    """The shipped paths (not the agents' personal ones), by title, from the cached training catalogue."""
    return sorted((p for p in reference.catalogue().paths.values() if p.shipped), key=lambda p: p.title)


def overdue_modules(hr_user, rows):
    """{(user_id, path_id): [module titles]} not completed in overdue enrolments (1 query, none if none late)."""
    late = [r.enrolment.id for r in rows if r.is_overdue]
    if not late:
        return {}
    completed = (
        db.select(ModuleCompletion.id)
        .where(ModuleCompletion.user_id == Enrolment.user_id, ModuleCompletion.module_id == PathModule.module_id,
               ModuleCompletion.organisation_id == hr_user.organisation_id)
        .exists()
    )
    result = {}
    for user_id, path_id, title in db.session.execute(
        db.select(Enrolment.user_id, Enrolment.path_id, ModuleVersion.title)
        .join(PathModule, PathModule.path_id == Enrolment.path_id)
        .join(Module, PathModule.module_id == Module.id)
        .join(ModuleVersion, Module.current_version_id == ModuleVersion.id)
        .where(Enrolment.id.in_(late), db.not_(completed))
        .order_by(Enrolment.id, PathModule.position)
    ):
        result.setdefault((user_id, path_id), []).append(title)
    return result


def export_rows(hr_user, path_id=None, yield_per=None):
    """One row per agent and module of their paths, streamed: memory stays flat whatever the organisation size.

    A server-side cursor (yield_per) fetches `yield_per` rows at a time and each row is written out as it
    comes; the completion date is one value per row (the first completion in the organisation), so no
    rows need remembering to drop duplicates.
    """
    org_id = hr_user.organisation_id
    today = date.today()
    completed_at = (
        db.select(db.func.min(ModuleCompletion.completed_at))
        .where(ModuleCompletion.user_id == User.id, ModuleCompletion.module_id == PathModule.module_id,
               ModuleCompletion.organisation_id == org_id)
        .scalar_subquery()
    )
    query = (
        db.select(User.full_name, User.email, TrainingPath.title, ModuleVersion.title, Enrolment.due_on,
                  completed_at)
        .join(Enrolment, _visible_enrolment())
        .join(TrainingPath, TrainingPath.id == Enrolment.path_id)
        .join(PathModule, PathModule.path_id == TrainingPath.id)
        .join(Module, Module.id == PathModule.module_id)
        .join(ModuleVersion, ModuleVersion.id == Module.current_version_id)
        .where(User.organisation_id == org_id, User.role == Role.AGENT)
        .order_by(User.id, TrainingPath.title, PathModule.position)
        .execution_options(yield_per=yield_per or EXPORT_BATCH)
    )
    if path_id:
        query = query.where(TrainingPath.id == path_id)
    result = db.session.execute(query)
    try:
        for name, email, path_title, module_title, due_on, done_at in result:
            if done_at is not None:
                status = STATUS_LABELS[COMPLETED]
            elif due_on is not None and due_on < today:
                status = STATUS_LABELS[OVERDUE]
            else:
                status = STATUS_LABELS[NOT_STARTED]
            yield [name, email, path_title, module_title, status,
                   done_at.strftime("%d/%m/%Y") if done_at else "",
                   due_on.strftime("%d/%m/%Y") if due_on else ""]
    finally:
        result.close()  # also when the download is interrupted: frees the server-side cursor


def overdue_count(hr_user):
    """How many (agent, path) enrolments of the organisation are past their due date with modules left,
    counted up to COUNT_CAP + 1 (one query, whatever the organisation's size)."""
    _statement, count = _team_statements(False, "overdue", False)
    values = _values(hr_user, None, "overdue", None)
    return _run(count, dict(values, count_limit=COUNT_CAP + 1))[0][0]
