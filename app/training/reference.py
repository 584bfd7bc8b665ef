"""The training catalogue as read-only reference data, cached per process.

Every agent page needs the same facts about modules and paths (titles, current versions, lesson counts,
prerequisites, path order). They change only when `flask curricula import` runs, so they are read in
four queries into immutable snapshots and kept for `REFERENCE_CACHE_SECONDS` (60 by default; 0 in the
tests: one load per request). An import in this process drops the cache at once; other processes see
the new catalogue when their copy expires. A module version's lessons and questions never change
(versions are immutable), so lesson counts and quizzes are always right for the version they belong to.
"""
from dataclasses import dataclass, field

from flask import g, has_app_context, has_request_context

from app.common.markdown import render_markdown
from app.common.refcache import cached, forget
from app.extensions import db
from app.training.durations import self_study_minutes
from app.training.models import (
    Choice,
    Lesson,
    Module,
    ModuleVersion,
    PathModule,
    Question,
    TrainingPath,
    module_prerequisites,
)


@dataclass(frozen=True)
class VersionRef:
    id: int
    number: int
    title: str
    duration_minutes: int
    pass_mark: int
    lessons_total: int
    activities_minutes: int = 0  # group activities with a trainer, included in duration_minutes

    @property
    def self_study_minutes(self):
        return self_study_minutes(self.duration_minutes, self.activities_minutes)


@dataclass(frozen=True)
class ModuleRef:
    id: int
    slug: str
    kind: str
    partner: str | None
    current_version_id: int | None
    current_version: VersionRef | None
    prerequisite_ids: tuple

    @property
    def title(self):
        return self.current_version.title if self.current_version else self.slug


@dataclass(frozen=True)
class PathRef:
    id: int
    code: str
    title: str
    module_ids: tuple  # in path order
    shipped: bool = True  # from the curricula; False for an agent's personal path


@dataclass(frozen=True)
class Catalogue:
    modules: dict  # id -> ModuleRef
    paths: dict  # id -> PathRef
    lesson_versions: dict  # lesson id -> version id, for the lessons of current versions
    version_lessons: dict = field(default_factory=dict)  # the same, turned round: version id -> frozenset of lesson ids

    def module_by_slug(self, slug):
        """The module with this slug, if it has a current version (None otherwise)."""
        return next((m for m in self.modules.values() if m.slug == slug and m.current_version), None)


@dataclass(frozen=True)
class LessonRef:
    id: int
    slug: str
    title: str
    body_html: str  # the lesson's Markdown, rendered and sanitised (app.common.markdown)
    updated_on: object = None  # datetime.date of the last review, from the lesson file's front matter
    reviewed_by: str | None = None
    verification_pending: bool = False


@dataclass(frozen=True)
class ChoiceRef:
    id: int
    cid: str
    text: str
    is_correct: bool
    explanation: str | None = None


@dataclass(frozen=True)
class QuestionRef:
    id: int
    qid: str
    type: str
    text: str
    explanation: str
    choices: tuple  # ChoiceRef in order


def load_catalogue():
    """Read the whole catalogue (four queries, whatever the number of agents)."""
    versions = {}
    module_rows = db.session.execute(
        db.select(Module.id, Module.slug, Module.kind, Module.partner, Module.current_version_id,
                  ModuleVersion.number, ModuleVersion.title, ModuleVersion.duration_minutes,
                  ModuleVersion.pass_mark, ModuleVersion.activities_minutes)
        .outerjoin(ModuleVersion, ModuleVersion.id == Module.current_version_id)
    ).all()
    version_ids = [row.current_version_id for row in module_rows if row.current_version_id]
    lesson_versions = dict(db.session.execute(
        db.select(Lesson.id, Lesson.version_id).where(Lesson.version_id.in_(version_ids))
    ).all()) if version_ids else {}
    lesson_totals, version_lessons = {}, {}
    for lesson_id, version_id in lesson_versions.items():
        lesson_totals[version_id] = lesson_totals.get(version_id, 0) + 1
        version_lessons.setdefault(version_id, set()).add(lesson_id)
    prerequisites = {}
    for module_id, prerequisite_id in db.session.execute(
        db.select(module_prerequisites.c.module_id, module_prerequisites.c.prerequisite_id)
        .order_by(module_prerequisites.c.module_id, module_prerequisites.c.prerequisite_id)
    ):
        prerequisites.setdefault(module_id, []).append(prerequisite_id)
    modules = {}
    for row in module_rows:
        if row.current_version_id:
            versions[row.current_version_id] = VersionRef(
                row.current_version_id, row.number, row.title, row.duration_minutes, row.pass_mark,
                lesson_totals.get(row.current_version_id, 0), row.activities_minutes or 0,
            )
        modules[row.id] = ModuleRef(
            row.id, row.slug, row.kind, row.partner, row.current_version_id,
            versions.get(row.current_version_id), tuple(prerequisites.get(row.id, ())),
        )
    paths = {}
    for path_id, code, title, owner_id, module_id in db.session.execute(
        db.select(TrainingPath.id, TrainingPath.code, TrainingPath.title, TrainingPath.owner_id, PathModule.module_id)
        .outerjoin(PathModule, PathModule.path_id == TrainingPath.id)
        .order_by(TrainingPath.id, PathModule.position, PathModule.id)
    ):
        path = paths.setdefault(path_id, {"code": code, "title": title, "modules": [], "shipped": owner_id is None})
        if module_id is not None:
            path["modules"].append(module_id)
    return Catalogue(
        modules=modules,
        paths={pid: PathRef(pid, p["code"], p["title"], tuple(p["modules"]), p["shipped"]) for pid, p in paths.items()},
        lesson_versions=lesson_versions,
        version_lessons={version_id: frozenset(lessons) for version_id, lessons in version_lessons.items()},
    )


def catalogue():
    """The cached catalogue (loaded at most once per request, and once per period per process)."""
    per_request = has_request_context()
    if per_request and "training_catalogue" in g:
        return g.training_catalogue
    value = cached("training.catalogue", load_catalogue)
    if per_request:
        g.training_catalogue = value  # dropped at the end of the request (app.training.init_app)
    return value


def load_quiz(version_id):
    """The questions of a module version with their choices, in order (one query)."""
    questions = {}
    rows = db.session.execute(
        db.select(Question.id, Question.qid, Question.type, Question.text, Question.explanation,
                  Choice.id, Choice.cid, Choice.text, Choice.is_correct, Choice.explanation)
        .outerjoin(Choice, Choice.question_id == Question.id)
        .where(Question.version_id == version_id)
        .order_by(Question.position, Question.id, Choice.position, Choice.id)
    )
    for qid_pk, qid, qtype, qtext, explanation, choice_id, cid, ctext, correct, why in rows:
        entry = questions.setdefault(qid_pk, [(qid_pk, qid, qtype, qtext, explanation), []])
        if choice_id is not None:
            entry[1].append(ChoiceRef(choice_id, cid, ctext, correct, why))
    return tuple(QuestionRef(*head, tuple(choices)) for head, choices in questions.values())


def load_lessons(version_id):
    """The lessons of a module version in order, their Markdown rendered once (one query)."""
    rows = db.session.execute(
        db.select(Lesson.id, Lesson.slug, Lesson.title, Lesson.body_markdown, Lesson.updated_on,
                  Lesson.reviewed_by, Lesson.verification_pending)
        .where(Lesson.version_id == version_id).order_by(Lesson.position, Lesson.id)
    )
    return tuple(
        LessonRef(id_, slug, title, str(render_markdown(body)), updated_on, reviewed_by, bool(pending))
        for id_, slug, title, body, updated_on, reviewed_by, pending in rows
    )


def lessons(version_id):
    """The cached lessons of a version (immutable, like its questions)."""
    return cached(("training.lessons", version_id), lambda: load_lessons(version_id))


def quiz(version_id):
    """The cached questions of a version (versions are immutable: a new content is a new version)."""
    return cached(("training.quiz", version_id), lambda: load_quiz(version_id))


def invalidate():
    """Drop this application's cached catalogue and quizzes (called after an import in this process)."""
    if not has_app_context():
        return
    forget("training.")
    g.pop("training_catalogue", None)
