"""Daily reminders: a path due in 7 days, modules overdue; each sent once (ReminderLog)."""
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from app.accounts.models import Role, User
from app.audit.services import audit
from app.common.urls import local_path
from app.extensions import db
from app.notifications.services import notify
from app.training.models import Enrolment, Module, ModuleCompletion, PathModule, ReminderLog, TrainingPath

DUE_SOON, OVERDUE = "due_soon", "overdue"
DUE_SOON_DAYS = 7


@dataclass
class ReminderReport:
    due_soon: int = 0  # notifications sent
    overdue: int = 0

    @property
    def total(self):
        return self.due_soon + self.overdue


def _due_enrolments(today):
    """Enrolments of active agents whose due date is within a week or past (2 queries)."""
    return db.session.scalars(
        db.select(Enrolment)
        .join(User, Enrolment.user_id == User.id)
        .where(
            Enrolment.due_on.is_not(None),
            Enrolment.due_on <= today + timedelta(days=DUE_SOON_DAYS),
            User.active.is_(True),
            User.role == Role.AGENT.value,
        )
        .options(
            joinedload(Enrolment.user),
            joinedload(Enrolment.path)
            .selectinload(TrainingPath.steps)
            .joinedload(PathModule.module)
            .joinedload(Module.current_version),
        )
        .order_by(Enrolment.id)
    ).unique().all()


def send_reminders(today):
    """Notify agents of a path due within 7 days and of overdue modules, once each; one commit."""
    enrolments = _due_enrolments(today)
    report = ReminderReport()
    if not enrolments:
        return report
    user_ids = {e.user_id for e in enrolments}
    completed = {tuple(row) for row in db.session.execute(
        db.select(ModuleCompletion.user_id, ModuleCompletion.module_id)
        .where(ModuleCompletion.user_id.in_(user_ids))
    )}
    # module_id is NULL for "due soon": a unique constraint does not catch duplicates of NULL, so
    # what was sent is read here rather than left to the constraint.
    sent = {tuple(row) for row in db.session.execute(
        db.select(ReminderLog.enrolment_id, ReminderLog.module_id, ReminderLog.kind)
        .where(ReminderLog.enrolment_id.in_([e.id for e in enrolments]))
    )}
    for enrolment in enrolments:
        path = enrolment.path
        pending = [s.module for s in path.steps if (enrolment.user_id, s.module_id) not in completed]
        if not pending:
            continue
        link = local_path("training.path_detail", code=path.code)
        due = enrolment.due_on.strftime("%d/%m/%Y")
        if enrolment.due_on >= today:
            if (enrolment.id, None, DUE_SOON) in sent:
                continue
            days = (enrolment.due_on - today).days
            when = "aujourd'hui" if days == 0 else f"dans {days} jour{'s' if days > 1 else ''}"
            db.session.add(ReminderLog(enrolment_id=enrolment.id, module_id=None, kind=DUE_SOON))
            notify(enrolment.user, "training.due_soon",
                   f"Rappel : le parcours « {path.title} » est à terminer avant le {due} ({when}). "
                   f"Il vous reste {len(pending)} module{'s' if len(pending) > 1 else ''} à terminer.", link)
            report.due_soon += 1
            continue
        late = [m for m in pending if (enrolment.id, m.id, OVERDUE) not in sent]
        if not late:
            continue
        for module in late:
            db.session.add(ReminderLog(enrolment_id=enrolment.id, module_id=module.id, kind=OVERDUE))
        titles = " ; ".join(m.current_version.title if m.current_version else m.slug for m in late)
        # One notification per path and run, naming every module that became overdue.
        notify(enrolment.user, "training.overdue",
               f"En retard : le parcours « {path.title} » devait être terminé le {due}. "
               f"Module{'s' if len(late) > 1 else ''} à terminer : {titles}.", link)
        report.overdue += 1
    if not report.total:
        return report
    audit(None, "training.reminders_sent", None, {"due_soon": report.due_soon, "overdue": report.overdue})
    try:
        db.session.commit()
    except IntegrityError:
        # Another run sent the same reminders at the same moment: it has done the work.
        db.session.rollback()
        return ReminderReport()
    return report
