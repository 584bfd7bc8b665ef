"""Where an agent stands: module states (locked, started, completed) and path progress.

Every function here runs a fixed number of queries, whatever the number of modules or paths; what it
knows of modules and paths comes from the cached catalogue (app.training.reference).
"""
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property, lru_cache
from typing import NamedTuple

from sqlalchemy import bindparam

from app.common.sql import Part, PartsUnion, id_list, ids
from app.extensions import db
from app.training import reference
from app.training.models import (
    Enrolment,
    LessonProgress,
    ModuleCompletion,
    PathModule,
    QuizAttempt,
)
from app.training.packages.models import PackageAttempt

NOT_STARTED, IN_PROGRESS, COMPLETED, LOCKED, OVERDUE = "not_started", "in_progress", "completed", "locked", "overdue"
# The one French label of each state, for modules, paths (the HR team view) and the CSV export.
STATUS_LABELS = {
    NOT_STARTED: "À commencer",
    IN_PROGRESS: "En cours",
    COMPLETED: "Terminé",
    LOCKED: "Verrouillé",
    OVERDUE: "En retard",
}


@dataclass
class ModuleState:
    module: reference.ModuleRef  # cached reference data: id, slug, current_version (title, ...)
    lessons_total: int = 0
    lessons_done: int = 0
    attempts: int = 0  # quiz attempts, plus one for a started SCORM package
    quiz_attempts: int = 0  # quiz attempts only: the next attempt is number quiz_attempts + 1
    quiz_passed: bool = False
    completed: bool = False
    missing_prerequisites: list = field(default_factory=list)  # titles
    done_lesson_ids: frozenset = frozenset()  # lessons of the current version already read

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
        if self.missing_prerequisites:  # locked (not completed, as tested above), without a second property call
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
        steps = self.lessons_total + 1  # rounded down, like the path's share: never 100 % before the end
        return 100 * (self.lessons_done + (1 if self.quiz_passed else 0)) // steps


@dataclass
class PathState:
    enrolment: "EnrolmentRow"  # id, path_id, due_on
    modules: list  # ModuleState in path order
    path: reference.PathRef | None = None  # the cached path (code, title, module order)
    # The agent home's « Détail des modules » <li> lines, built in Python by app.training.home (one line per
    # module of the path: 60 Jinja iterations were a third of that page's rendering).
    module_items: str = ""
    card: str = ""  # and its whole card there (app.training.home.path_card)
    next_url: str | None = None  # the next step's address, set with the card

    @property
    def percent(self):
        """Share of the path's modules completed, rounded down: the same figure as « 1 module terminé sur
        20 » next to it (5 %, not 6 % from half-read modules), and never 100 % before the last one."""
        if not self.modules:
            return 0
        return 100 * self.completed_count // len(self.modules)

    # Read several times per path by the pages (the share, the count, « terminé », the next step): computed
    # once; a PathState is built for one request and its modules do not change.
    @cached_property
    def completed_count(self):
        return len([m for m in self.modules if m.completed])  # a list: a generator resumed once per module

    @property
    def is_complete(self):
        return self.completed_count == len(self.modules)

    @cached_property
    def next_step(self):
        return next((m for m in self.modules if not m.completed and not m.locked), None)

    @property
    def is_overdue(self):
        due = self.enrolment.due_on
        return due is not None and due < date.today() and not self.is_complete

    @property
    def overdue_modules(self):
        return [m for m in self.modules if not m.completed] if self.is_overdue else []


@dataclass(frozen=True)
class EnrolmentRow:
    """What the dashboard shows of an enrolment."""

    id: int
    path_id: int
    due_on: date | None


class AttemptsRow(NamedTuple):
    """A module version's quiz attempts (or a started SCORM package: one attempt, not passed)."""

    version_id: int
    attempts: int
    passed: int  # 1 when an attempt passed



def progress_parts():
    """The named parts of one user's progress (:user_id): enrolments, completed modules, lessons read,
    quiz attempts per version, SCORM packages started. Read together, in one query, by `PartsUnion`.

    Completed modules and lessons read come as one row each (`id_list`): an agent far into their paths has
    read a hundred lessons, and a row per id cost more in Python than the query."""
    user_id = bindparam("user_id")
    return (
        Part("enrolments", db.select(Enrolment.id, Enrolment.path_id, Enrolment.due_on)
             .where(Enrolment.user_id == user_id), EnrolmentRow),
        Part("completed_modules", db.select(id_list(ModuleCompletion.module_id))
             .where(ModuleCompletion.user_id == user_id), ids),
        Part("lessons_read", db.select(id_list(LessonProgress.lesson_id)).where(LessonProgress.user_id == user_id),
             ids),
        Part("quiz_attempts", db.select(
            QuizAttempt.version_id, db.func.count(QuizAttempt.id).label("attempts"),
            db.func.max(db.case((QuizAttempt.passed, 1), else_=0)).label("passed"),
        ).where(QuizAttempt.user_id == user_id).group_by(QuizAttempt.version_id), AttemptsRow),
        # A SCORM package started counts as an attempt: the module is « En cours » like a quiz tried.
        Part("packages_started", db.select(
            PackageAttempt.version_id, db.literal(1).label("attempts"), db.literal(0).label("passed"),
        ).where(PackageAttempt.user_id == user_id), AttemptsRow),
    )


def module_progress_parts():
    """`progress_parts` for one module (:user_id, :version_id its current version): the completions and lessons
    read (one id list each), the attempts at that version only, and no enrolment."""
    version_id = bindparam("version_id")
    parts = {part.name: part for part in progress_parts()}
    return (
        parts["completed_modules"],
        parts["lessons_read"],
        Part("quiz_attempts", parts["quiz_attempts"].statement.where(QuizAttempt.version_id == version_id),
             AttemptsRow),
        Part("packages_started", parts["packages_started"].statement.where(PackageAttempt.version_id == version_id),
             AttemptsRow),
    )


@lru_cache(maxsize=1)
def _module_union():
    """The parts of one module's progress as one statement, built once."""
    return PartsUnion(module_progress_parts(), textual=True)


@lru_cache(maxsize=1)
def _progress_union():
    """The progress parts as one statement, built once."""
    return PartsUnion(progress_parts(), textual=True)


@dataclass
class UserProgress:
    enrolments: list  # EnrolmentRow, soonest due date first, then undated, in enrolment order
    completed: set  # module ids
    lessons_done: dict  # version id -> set of lesson ids read
    attempts: dict  # version id -> number of quiz attempts (plus one for a started SCORM package)
    passed: set  # version ids with a passed attempt
    quiz_attempts: dict = field(default_factory=dict)  # version id -> number of quiz attempts only


def progress_from_parts(rows, catalogue):
    """A UserProgress from the rows of `progress_parts` ({part name: rows}; the id lists in one row each).

    Lessons map to their version through the cached catalogue (version_lessons), so the database neither joins
    nor plans long IN lists."""
    progress = UserProgress(sorted(rows.get("enrolments", ()), key=lambda e: (e.due_on is None, e.due_on or date.min, e.id)),
                            {i for found in rows["completed_modules"] for i in found}, {}, {}, set())
    read = set()
    for found in rows["lessons_read"]:
        read.update(found)
    if read:  # each current version's lessons met with those read (a set operation per version, not calls per lesson)
        lessons_done = progress.lessons_done
        for version_id, lessons in catalogue.version_lessons.items():
            done = read & lessons
            if done:
                lessons_done[version_id] = done
    progress.quiz_attempts = {row.version_id: row.attempts for row in rows["quiz_attempts"]}
    for row in rows["quiz_attempts"] + rows["packages_started"]:
        progress.attempts[row.version_id] = progress.attempts.get(row.version_id, 0) + row.attempts
        if row.passed:
            progress.passed.add(row.version_id)
    return progress


def _user_progress(user, catalogue):
    """Everything the pages need of one user's training, in one query (only the user's own rows are read,
    by the user_id indexes)."""
    return progress_from_parts(_progress_union().read({"user_id": user.id}), catalogue)


def module_states(user, module_ids):
    """{module_id: ModuleState} for the user: one query, plus the cached catalogue."""
    catalogue = reference.catalogue()
    return _states(catalogue, _user_progress(user, catalogue), module_ids)


def _states(catalogue, progress, module_ids):
    modules = catalogue.modules
    wanted = [modules[i] for i in set(module_ids) if i in modules]
    completed, lesson_done = progress.completed, progress.lessons_done
    attempts, passed = progress.attempts, progress.passed
    states = {}
    quiz_attempts = progress.quiz_attempts
    for module in wanted:
        version_id = module.current_version_id
        done = lesson_done[version_id] if version_id in lesson_done else ()
        states[module.id] = ModuleState(
            module=module,
            lessons_total=module.current_version.lessons_total if module.current_version else 0,
            lessons_done=len(done),
            done_lesson_ids=frozenset(done),
            attempts=attempts[version_id] if version_id in attempts else 0,
            quiz_attempts=quiz_attempts[version_id] if version_id in quiz_attempts else 0,
            quiz_passed=version_id in passed,
            completed=module.id in completed,
            missing_prerequisites=[
                modules[p].title for p in module.prerequisite_ids if p in modules and p not in completed
            ] if module.prerequisite_ids else [],
        )
    return states


def module_state(user, module):
    """The user's state of one module: one query, of that module's rows only (the quiz page, its submission
    and the lessons read the attempts at one version, not the user's whole progress)."""
    catalogue = reference.catalogue()
    ref = catalogue.modules.get(module.id)
    if ref is None or ref.current_version_id is None:
        return module_states(user, [module.id])[module.id]
    rows = _module_union().read({"user_id": user.id, "version_id": ref.current_version_id})
    return _states(catalogue, progress_from_parts(rows, catalogue), [module.id])[module.id]


def dashboard(user):
    """The agent's paths with module states: one query, plus the cached catalogue."""
    catalogue = reference.catalogue()
    return dashboard_from_progress(_user_progress(user, catalogue), catalogue)


def dashboard_from_progress(progress, catalogue):
    """The paths of `dashboard` from a progress already read (the home page reads it with other parts)."""
    paths = catalogue.paths
    enrolled = [(e, paths[e.path_id]) for e in progress.enrolments if e.path_id in paths]
    module_ids = {module_id for _e, path in enrolled for module_id in path.module_ids}
    states = _states(catalogue, progress, module_ids) if module_ids else {}
    return [
        PathState(e, [states[m] for m in path.module_ids if m in states], path=path)
        for e, path in enrolled
    ]


def path_modules(path):
    return db.session.scalars(
        db.select(PathModule.module_id).where(PathModule.path_id == path.id).order_by(PathModule.position)
    ).all()
