"""HR follow-up of their organisation's agents: paths, completion, overdue modules.

Only what was completed while the agent belonged to the organisation counts here; earlier
training shows through the passport once the agent shares it.
"""
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_

from app.accounts.models import Role, User
from app.extensions import db
from app.training.models import Enrolment, Module, ModuleCompletion, ModuleVersion, PathModule, TrainingPath

STATUSES = {
    "completed": "Terminé",
    "in_progress": "En cours",
    "not_started": "Pas commencé",
    "overdue": "En retard",
}


@dataclass
class TeamRow:
    user: User
    enrolment: Enrolment | None
    path: TrainingPath | None
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


def team_query(hr_user, path_id=None, status=None, user_id=None):
    """Rows (User, Enrolment, TrainingPath, done, total) for the HR user's agents."""
    org_id = hr_user.organisation_id
    done, total = _done_subquery(org_id), _total_subquery()
    query = (
        db.select(User, Enrolment, TrainingPath, done.label("done"), total.label("total"))
        .outerjoin(Enrolment, Enrolment.user_id == User.id)
        .outerjoin(TrainingPath, TrainingPath.id == Enrolment.path_id)
        .where(User.organisation_id == org_id, User.role == Role.AGENT)
        .order_by(User.full_name, User.id, TrainingPath.title)
    )
    if path_id:
        query = query.where(Enrolment.path_id == path_id)
    if user_id:
        query = query.where(User.id == user_id)
    if status:
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


def team_page(hr_user, page_number, per_page, path_id=None, status=None, user_id=None):
    """One page of rows and the total (2 queries)."""
    query = team_query(hr_user, path_id, status, user_id)
    total = db.session.scalar(db.select(db.func.count()).select_from(query.order_by(None).subquery()))
    rows = db.session.execute(query.limit(per_page).offset((page_number - 1) * per_page)).all()
    return [TeamRow(*row) for row in rows], total


def overdue_modules(hr_user, rows):
    """{(user_id, path_id): [module titles]} not completed in overdue enrolments (2 queries)."""
    late = [r for r in rows if r.is_overdue]
    if not late:
        return {}
    path_ids = {r.path.id for r in late}
    steps = db.session.execute(
        db.select(PathModule.path_id, Module.id, ModuleVersion.title)
        .join(Module, PathModule.module_id == Module.id)
        .join(ModuleVersion, Module.current_version_id == ModuleVersion.id)
        .where(PathModule.path_id.in_(path_ids))
        .order_by(PathModule.position)
    ).all()
    done = set(db.session.execute(
        db.select(ModuleCompletion.user_id, ModuleCompletion.module_id).where(
            ModuleCompletion.user_id.in_({r.user.id for r in late}),
            ModuleCompletion.organisation_id == hr_user.organisation_id,
        )
    ).all())
    result = {}
    for row in late:
        result[(row.user.id, row.path.id)] = [
            title for path_id, module_id, title in steps
            if path_id == row.path.id and (row.user.id, module_id) not in done
        ]
    return result


def export_rows(hr_user, path_id=None, batch=500):
    """One row per agent and module of their paths, streamed by batches of agents."""
    org_id = hr_user.organisation_id
    last_id = 0
    today = date.today()
    while True:
        agent_ids = db.session.scalars(
            db.select(User.id)
            .where(User.organisation_id == org_id, User.role == Role.AGENT, User.id > last_id)
            .order_by(User.id).limit(batch)
        ).all()
        if not agent_ids:
            return
        last_id = agent_ids[-1]
        query = (
            db.select(User.full_name, User.email, TrainingPath.title, ModuleVersion.title, Enrolment.due_on,
                      ModuleCompletion.completed_at)
            .join(Enrolment, Enrolment.user_id == User.id)
            .join(TrainingPath, TrainingPath.id == Enrolment.path_id)
            .join(PathModule, PathModule.path_id == TrainingPath.id)
            .join(Module, Module.id == PathModule.module_id)
            .join(ModuleVersion, ModuleVersion.id == Module.current_version_id)
            .outerjoin(ModuleCompletion, and_(ModuleCompletion.user_id == User.id,
                                              ModuleCompletion.module_id == Module.id,
                                              ModuleCompletion.organisation_id == org_id))
            .where(User.id.in_(agent_ids))
            .order_by(User.id, TrainingPath.title, PathModule.position)
        )
        if path_id:
            query = query.where(TrainingPath.id == path_id)
        seen = set()
        for name, email, path_title, module_title, due_on, completed_at in db.session.execute(query):
            key = (email, path_title, module_title)
            if key in seen:  # several completions of one module (new versions): one row
                continue
            seen.add(key)
            if completed_at is not None:
                status = "Terminé"
            elif due_on is not None and due_on < today:
                status = "En retard"
            else:
                status = "À faire"
            yield [name, email, path_title, module_title, status,
                   completed_at.strftime("%d/%m/%Y") if completed_at else "",
                   due_on.strftime("%d/%m/%Y") if due_on else ""]
        db.session.expunge_all()  # keep memory flat on large organisations
