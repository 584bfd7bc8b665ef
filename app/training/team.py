"""HR follow-up of their organisation's agents: paths, completion, overdue modules.

Only what was completed while the agent belonged to the organisation counts here; earlier
training shows through the passport once the agent shares it.
"""
from dataclasses import dataclass, replace
from datetime import date
from typing import NamedTuple

from sqlalchemy import and_
from sqlalchemy.orm import Bundle

from app.accounts.models import Role, User
from app.common.pagination import paginate
from app.extensions import db
from app.training.models import Enrolment, Module, ModuleCompletion, ModuleVersion, PathModule, TrainingPath

STATUSES = {
    "completed": "Terminé",
    "in_progress": "En cours",
    "not_started": "Pas commencé",
    "overdue": "En retard",
}
COUNT_CAP = 1000  # rows counted past the current page: "plus de 1 000" beyond
EXPORT_BATCH = 500  # rows fetched at a time by the CSV export


class AgentRef(NamedTuple):
    id: int
    full_name: str
    email: str


class EnrolmentRef(NamedTuple):
    id: int
    due_on: date | None


class PathRef(NamedTuple):
    id: int
    title: str


@dataclass
class TeamRow:
    user: AgentRef
    enrolment: EnrolmentRef | None
    path: PathRef | None
    done: int
    total: int

    @property
    def percent(self):
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def is_overdue(self):
        return bool(self.enrolment and self.enrolment.due_on and self.enrolment.due_on < date.today()
                    and self.done < self.total)

    @property
    def status(self):
        if self.enrolment is None:
            return None
        if self.total and self.done >= self.total:
            return "completed"
        if self.is_overdue:
            return "overdue"
        return "in_progress" if self.done else "not_started"


def _done_subquery(org_id):
    return (
        db.select(db.func.count(db.distinct(ModuleCompletion.module_id)))
        .where(
            ModuleCompletion.user_id == Enrolment.user_id,
            ModuleCompletion.organisation_id == org_id,
            ModuleCompletion.module_id.in_(
                # correlated to the outer query's enrolment (not a cross join over every enrolment)
                db.select(PathModule.module_id).where(PathModule.path_id == Enrolment.path_id)
                .correlate(Enrolment)
            ),
        )
        .scalar_subquery()
    )


def _total_subquery():
    return db.select(db.func.count(PathModule.id)).where(PathModule.path_id == Enrolment.path_id).scalar_subquery()


# Plain columns, not ORM objects: a page shows 50 of the organisation's thousands of rows.
_ROW = Bundle("row", User.id.label("user_id"), User.full_name, User.email, Enrolment.id.label("enrolment_id"),
              Enrolment.due_on, TrainingPath.id.label("path_id"), TrainingPath.title)


def team_query(hr_user, path_id=None, status=None, user_id=None):
    """One row per agent and path (agents without a path once), without progress: see `with_progress`."""
    org_id = hr_user.organisation_id
    query = (
        db.select(_ROW)
        .select_from(User)
        .outerjoin(Enrolment, Enrolment.user_id == User.id)
        .outerjoin(TrainingPath, TrainingPath.id == Enrolment.path_id)
        .where(User.organisation_id == org_id, User.role == Role.AGENT)
        # with an index on users (organisation_id, role, full_name, id), the agents are read in this order:
        # the page is found without sorting every row of the organisation
        .order_by(User.full_name, User.id, TrainingPath.title)
    )
    if path_id:
        query = query.where(Enrolment.path_id == path_id)
    if user_id:
        query = query.where(User.id == user_id)
    if status:
        # The status filter needs progress for every row; without it, progress is computed for the page only.
        done, total = _done_subquery(org_id), _total_subquery()
        today = date.today()
        overdue = and_(Enrolment.due_on.is_not(None), Enrolment.due_on < today, done < total)
        query = query.where(Enrolment.id.is_not(None))
        if status == "completed":
            query = query.where(done >= total)
        elif status == "overdue":
            query = query.where(overdue)
        elif status == "in_progress":
            query = query.where(done > 0, done < total, db.not_(overdue))
        elif status == "not_started":
            query = query.where(done == 0, db.not_(overdue))
    return query


def with_progress(hr_user, rows):
    """TeamRows for bundle rows of `team_query`, with done/total counted for these rows only (1 query)."""
    enrolment_ids = [r.enrolment_id for r in rows if r.enrolment_id is not None]
    progress = {}
    if enrolment_ids:
        progress = {
            enrolment_id: (done, total)
            for enrolment_id, done, total in db.session.execute(
                db.select(Enrolment.id, db.func.count(db.distinct(ModuleCompletion.module_id)),
                          db.func.count(db.distinct(PathModule.module_id)))
                .join(PathModule, PathModule.path_id == Enrolment.path_id)
                # only what was completed in this organisation, and only the modules of this path
                .outerjoin(ModuleCompletion, and_(ModuleCompletion.user_id == Enrolment.user_id,
                                                  ModuleCompletion.module_id == PathModule.module_id,
                                                  ModuleCompletion.organisation_id == hr_user.organisation_id))
                .where(Enrolment.id.in_(enrolment_ids))
                .group_by(Enrolment.id)
            )
        }
    result = []
    for r in rows:
        user = AgentRef(r.user_id, r.full_name, r.email)
        if r.enrolment_id is None:
            result.append(TeamRow(user, None, None, 0, 0))
        else:
            done, total = progress.get(r.enrolment_id, (0, 0))
            result.append(TeamRow(user, EnrolmentRef(r.enrolment_id, r.due_on), PathRef(r.path_id, r.title),
                                  done, total))
    return result


def team_page(hr_user, page_arg, per_page, path_id=None, status=None):
    """One page of TeamRows; the total is counted up to COUNT_CAP rows past the page (3 queries)."""
    page = paginate(team_query(hr_user, path_id, status), page_arg, per_page, count_cap=COUNT_CAP)
    return replace(page, items=with_progress(hr_user, page.items))


def agent_rows(hr_user, agent_id):
    """The TeamRows of one agent of the HR user's organisation (2 queries)."""
    rows = db.session.scalars(team_query(hr_user, user_id=agent_id).limit(200)).all()
    return with_progress(hr_user, rows)


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
        .join(Enrolment, Enrolment.user_id == User.id)
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
                status = "Terminé"
            elif due_on is not None and due_on < today:
                status = "En retard"
            else:
                status = "À faire"
            yield [name, email, path_title, module_title, status,
                   done_at.strftime("%d/%m/%Y") if done_at else "",
                   due_on.strftime("%d/%m/%Y") if due_on else ""]
    finally:
        result.close()  # also when the download is interrupted: frees the server-side cursor
