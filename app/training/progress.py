"""Where an agent stands: module states (locked, started, completed) and path progress.

Every function here runs a fixed number of queries, whatever the number of modules or paths.
"""
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import joinedload, selectinload

from app.extensions import db
from app.training.models import (
    Enrolment,
    Lesson,
    LessonProgress,
    Module,
    ModuleCompletion,
    PathModule,
    QuizAttempt,
    TrainingPath,
)

NOT_STARTED, IN_PROGRESS, COMPLETED, LOCKED = "not_started", "in_progress", "completed", "locked"
STATUS_LABELS = {
    NOT_STARTED: "À commencer",
    IN_PROGRESS: "En cours",
    COMPLETED: "Terminé",
    LOCKED: "Verrouillé",
}


@dataclass
class ModuleState:
    module: Module
    lessons_total: int = 0
    lessons_done: int = 0
    attempts: int = 0
    quiz_passed: bool = False
    completed: bool = False
    missing_prerequisites: list = field(default_factory=list)  # titles

    @property
    def version(self):
        return self.module.current_version

    @property
    def locked(self):
        return not self.completed and bool(self.missing_prerequisites)

    @property
    def lock_reason(self):
        if not self.locked:
            return None
        return "Terminez d'abord : " + ", ".join(self.missing_prerequisites) + "."

    @property
    def status(self):
        if self.completed:
            return COMPLETED
        if self.locked:
            return LOCKED
        if self.lessons_done or self.attempts:
            return IN_PROGRESS
        return NOT_STARTED

    @property
    def status_label(self):
        return STATUS_LABELS[self.status]

    @property
    def percent(self):
        if self.completed:
            return 100
        steps = self.lessons_total + 1
        return round(100 * (self.lessons_done + (1 if self.quiz_passed else 0)) / steps)


@dataclass
class PathState:
    enrolment: Enrolment
    modules: list  # ModuleState in path order

    @property
    def path(self):
        return self.enrolment.path

    @property
    def percent(self):
        if not self.modules:
            return 0
        return round(sum(m.percent for m in self.modules) / len(self.modules))

    @property
    def completed_count(self):
        return sum(1 for m in self.modules if m.completed)

    @property
    def is_complete(self):
        return self.completed_count == len(self.modules)

    @property
    def next_step(self):
        return next((m for m in self.modules if not m.completed and not m.locked), None)

    @property
    def is_overdue(self):
        due = self.enrolment.due_on
        return due is not None and due < date.today() and not self.is_complete

    @property
    def overdue_modules(self):
        return [m for m in self.modules if not m.completed] if self.is_overdue else []


def _load_modules(module_ids):
    return {
        m.id: m
        for m in db.session.scalars(
            db.select(Module)
            .where(Module.id.in_(module_ids))
            .options(joinedload(Module.current_version), selectinload(Module.prerequisites))
        ).unique()
    }


def module_states(user, module_ids):
    """{module_id: ModuleState} for the user (6 queries at most)."""
    module_ids = set(module_ids)
    modules = _load_modules(module_ids)
    prereq_ids = {p.id for m in modules.values() for p in m.prerequisites}
    all_ids = module_ids | prereq_ids
    completed = set(db.session.scalars(
        db.select(ModuleCompletion.module_id).where(
            ModuleCompletion.user_id == user.id, ModuleCompletion.module_id.in_(all_ids)
        )
    ))
    version_ids = [m.current_version_id for m in modules.values() if m.current_version_id]
    lesson_totals = dict(db.session.execute(
        db.select(Lesson.version_id, db.func.count(Lesson.id))
        .where(Lesson.version_id.in_(version_ids)).group_by(Lesson.version_id)
    ).all())
    lesson_done = dict(db.session.execute(
        db.select(Lesson.version_id, db.func.count(LessonProgress.id))
        .join(Lesson, LessonProgress.lesson_id == Lesson.id)
        .where(LessonProgress.user_id == user.id, Lesson.version_id.in_(version_ids))
        .group_by(Lesson.version_id)
    ).all())
    attempts = {}
    passed = set()
    for version_id, count, any_passed in db.session.execute(
        db.select(QuizAttempt.version_id, db.func.count(QuizAttempt.id),
                  db.func.max(db.case((QuizAttempt.passed, 1), else_=0)))
        .where(QuizAttempt.user_id == user.id, QuizAttempt.version_id.in_(version_ids))
        .group_by(QuizAttempt.version_id)
    ):
        attempts[version_id] = count
        if any_passed:
            passed.add(version_id)
    states = {}
    for module_id, module in modules.items():
        version_id = module.current_version_id
        states[module_id] = ModuleState(
            module=module,
            lessons_total=lesson_totals.get(version_id, 0),
            lessons_done=lesson_done.get(version_id, 0),
            attempts=attempts.get(version_id, 0),
            quiz_passed=version_id in passed,
            completed=module_id in completed,
            missing_prerequisites=[
                p.current_version.title if p.current_version else p.slug
                for p in module.prerequisites if p.id not in completed
            ],
        )
    return states


def module_state(user, module):
    return module_states(user, [module.id])[module.id]


def enrolments_of(user):
    return db.session.scalars(
        db.select(Enrolment)
        .where(Enrolment.user_id == user.id)
        .options(joinedload(Enrolment.path).selectinload(TrainingPath.steps))
        .order_by(Enrolment.due_on.is_(None), Enrolment.due_on, Enrolment.id)
    ).unique().all()


def dashboard(user):
    """The agent's paths with module states, in a fixed number of queries."""
    enrolments = enrolments_of(user)
    module_ids = {step.module_id for e in enrolments for step in e.path.steps}
    states = module_states(user, module_ids) if module_ids else {}
    return [
        PathState(e, [states[s.module_id] for s in e.path.steps if s.module_id in states])
        for e in enrolments
    ]


def path_modules(path):
    return db.session.scalars(
        db.select(PathModule.module_id).where(PathModule.path_id == path.id).order_by(PathModule.position)
    ).all()
