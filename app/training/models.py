"""Modules and their immutable versions (lessons, quiz), training paths, lesson progress."""
from sqlalchemy import JSON, ForeignKey, SmallInteger, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.common.enums import LabelledEnum
from app.common.models import UTCDateTime, utcnow
from app.extensions import db
from app.training.durations import self_study_minutes


class ModuleKind(LabelledEnum):
    CORE = ("core", "Socle commun")
    SPECIALIST = ("specialist", "Module spécialisé")


class Partner(LabelledEnum):
    CAF = ("caf", "CAF")
    ASSURANCE_MALADIE = ("assurance_maladie", "Assurance Maladie")
    ASSURANCE_RETRAITE = ("assurance_retraite", "Assurance retraite")
    MSA = ("msa", "MSA")
    FRANCE_TRAVAIL = ("france_travail", "France Travail")
    DGFIP = ("dgfip", "DGFiP")
    FRANCE_TITRES = ("france_titres", "France Titres (ANTS)")
    LA_POSTE = ("la_poste", "La Poste")
    JUSTICE = ("justice", "Justice (Point-justice)")
    URSSAF = ("urssaf", "Urssaf")
    ANAH = ("anah", "Anah (France Rénov')")
    ENERGIE = ("energie", "Chèque énergie")
    OTHER = ("other", "Autre partenaire")


module_prerequisites = db.Table(
    "module_prerequisites",
    db.Column("module_id", ForeignKey("modules.id"), primary_key=True),
    db.Column("prerequisite_id", ForeignKey("modules.id"), primary_key=True),
)


class Module(db.Model):
    """A module's stable identity; its content lives in versions."""

    __tablename__ = "modules"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    partner: Mapped[str | None] = mapped_column(String(30), index=True)
    # "lessons" (YAML lessons and quiz) or "package" (a SCORM package, app.training.packages).
    format: Mapped[str] = mapped_column(String(20), default="lessons", server_default="lessons")
    current_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("module_versions.id", use_alter=True, name="fk_modules_current_version")
    )

    current_version = relationship("ModuleVersion", foreign_keys=[current_version_id], post_update=True)
    versions = relationship(
        "ModuleVersion", foreign_keys="ModuleVersion.module_id", back_populates="module",
        order_by="ModuleVersion.number",
    )
    prerequisites = relationship(
        "Module",
        secondary=module_prerequisites,
        primaryjoin=id == module_prerequisites.c.module_id,
        secondaryjoin=id == module_prerequisites.c.prerequisite_id,
        order_by="Module.slug",
    )

    @property
    def kind_label(self):
        return ModuleKind(self.kind).label

    @property
    def partner_label(self):
        return Partner(self.partner).label if self.partner else None

    @property
    def is_package(self):
        return self.format == "package"


class ModuleVersion(db.Model):
    """An immutable snapshot of a module's content; progress and attempts point at one."""

    __tablename__ = "module_versions"
    __table_args__ = (UniqueConstraint("module_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id"), index=True)
    number: Mapped[int] = mapped_column()
    content_hash: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text)
    # The whole module: reading, quiz and the trainer kit's face-to-face activities (role-plays, case studies).
    duration_minutes: Mapped[int] = mapped_column()
    # The part of duration_minutes done in a group with a trainer; 0 for SCORM packages and older rows.
    activities_minutes: Mapped[int] = mapped_column(default=0, server_default="0")
    validity_months: Mapped[int | None] = mapped_column()
    pass_mark: Mapped[int] = mapped_column()
    sources = mapped_column(JSON, default=list)
    imported_at = mapped_column(UTCDateTime(), default=utcnow, nullable=False)

    module = relationship(Module, foreign_keys=[module_id], back_populates="versions")
    lessons = relationship("Lesson", back_populates="version", order_by="Lesson.position")
    questions = relationship("Question", back_populates="version", order_by="Question.position")
    competencies = relationship("ModuleCompetency", back_populates="version",
                                order_by="ModuleCompetency.position")

    @property
    def self_study_minutes(self):
        """What a learner does alone online (lessons and quiz): the duration less the group activities."""
        return self_study_minutes(self.duration_minutes, self.activities_minutes)


class ModuleCompetency(db.Model):
    __tablename__ = "module_competencies"
    __table_args__ = (UniqueConstraint("version_id", "competency_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("module_versions.id"), index=True)
    competency_id: Mapped[int] = mapped_column(ForeignKey("competencies.id"), index=True)
    level: Mapped[int] = mapped_column()
    position: Mapped[int] = mapped_column(default=0)

    version = relationship(ModuleVersion, back_populates="competencies")
    competency = relationship("Competency")


class Lesson(db.Model):
    __tablename__ = "lessons"
    __table_args__ = (UniqueConstraint("version_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("module_versions.id"), index=True)
    slug: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(200))
    body_markdown: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(default=0)
    # From the lesson file's front matter: when and by whom (a role) it was last reviewed.
    updated_on = mapped_column(db.Date)
    reviewed_by: Mapped[str | None] = mapped_column(String(200))
    verification_pending: Mapped[bool] = mapped_column(default=False, server_default=db.false())

    version = relationship(ModuleVersion, back_populates="lessons")


class Question(db.Model):
    __tablename__ = "questions"
    __table_args__ = (UniqueConstraint("version_id", "qid"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("module_versions.id"), index=True)
    qid: Mapped[str] = mapped_column(String(40))  # the stable id written in the curricula file
    type: Mapped[str] = mapped_column(String(10))
    text: Mapped[str] = mapped_column(Text)
    explanation: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(default=0)

    version = relationship(ModuleVersion, back_populates="questions")
    choices = relationship("Choice", back_populates="question", order_by="Choice.position")


class Choice(db.Model):
    __tablename__ = "choices"
    __table_args__ = (UniqueConstraint("question_id", "cid"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"), index=True)
    cid: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    is_correct: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=0)
    explanation: Mapped[str | None] = mapped_column(Text)  # why right or wrong; else the question's

    question = relationship(Question, back_populates="choices")


class TrainingPath(db.Model):
    __tablename__ = "training_paths"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    # Personal paths (built from a gap analysis) belong to one agent; shipped paths to nobody.
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)

    steps = relationship("PathModule", back_populates="path", order_by="PathModule.position")
    observation_steps = relationship("PathObservation", back_populates="path", order_by="PathObservation.position")


class PathModule(db.Model):
    __tablename__ = "path_modules"
    __table_args__ = (UniqueConstraint("path_id", "module_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    path_id: Mapped[int] = mapped_column(ForeignKey("training_paths.id"), index=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)

    path = relationship(TrainingPath, back_populates="steps")
    module = relationship(Module)


class PathObservation(db.Model):
    """A competency the agent is observed on at work, with its grid, once the path reaches module `after`
    (curricula/paths.yaml, `observations`): a quiz shows knowledge, level 3 is shown at the desk."""

    __tablename__ = "path_observations"
    __table_args__ = (UniqueConstraint("path_id", "competency_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    path_id: Mapped[int] = mapped_column(ForeignKey("training_paths.id"), index=True)
    after_module_id: Mapped[int] = mapped_column(ForeignKey("modules.id"), index=True)
    competency_id: Mapped[int] = mapped_column(ForeignKey("competencies.id"), index=True)
    level: Mapped[int] = mapped_column(SmallInteger)
    position: Mapped[int] = mapped_column(default=0)

    path = relationship(TrainingPath, back_populates="observation_steps")
    after_module = relationship(Module)
    competency = relationship("Competency")


class LessonProgress(db.Model):
    """A lesson an agent has read (against the module version they took)."""

    __tablename__ = "lesson_progress"
    __table_args__ = (UniqueConstraint("user_id", "lesson_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id"), index=True)
    completed_at = mapped_column(UTCDateTime(), default=utcnow, nullable=False)

    lesson = relationship(Lesson)


class Enrolment(db.Model):
    """An agent following a path, by choice or assigned by HR with a due date."""

    __tablename__ = "enrolments"
    __table_args__ = (UniqueConstraint("user_id", "path_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    path_id: Mapped[int] = mapped_column(ForeignKey("training_paths.id"), index=True)
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    due_on = mapped_column(db.Date)
    # In a personal path: HR of the agent's organisation see it only once the agent shares it.
    is_private: Mapped[bool] = mapped_column(default=False, server_default=db.false(), nullable=False)
    created_at = mapped_column(UTCDateTime(), default=utcnow, nullable=False)

    path = relationship(TrainingPath)
    user = relationship("User", foreign_keys=[user_id])
    assigned_by = relationship("User", foreign_keys=[assigned_by_id])


class QuizAttempt(db.Model):
    """One submitted quiz, with its answers, score and date; never changed afterwards."""

    __tablename__ = "quiz_attempts"
    __table_args__ = (UniqueConstraint("user_id", "submission_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("module_versions.id"), index=True)
    answers = mapped_column(JSON, nullable=False)  # {question qid: [choice cid, ...]}
    score: Mapped[int] = mapped_column()
    passed: Mapped[bool] = mapped_column()
    # One-time form token or API Idempotency-Key: a resent submission records nothing new.
    submission_key: Mapped[str | None] = mapped_column(String(80))
    created_at = mapped_column(UTCDateTime(), default=utcnow, nullable=False)

    version = relationship(ModuleVersion)


class ModuleCompletion(db.Model):
    """A module completed (all lessons read, quiz passed), against the version taken."""

    __tablename__ = "module_completions"
    __table_args__ = (UniqueConstraint("user_id", "version_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("module_versions.id"), index=True)
    # The agent's organisation at completion: HR count what was done while the agent was theirs.
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    score: Mapped[int] = mapped_column()
    completed_at = mapped_column(UTCDateTime(), default=utcnow, nullable=False)

    module = relationship(Module)
    version = relationship(ModuleVersion)
    user = relationship("User")


class ReminderLog(db.Model):
    """A reminder already sent (due soon, overdue): each is sent once."""

    __tablename__ = "reminder_log"
    __table_args__ = (UniqueConstraint("enrolment_id", "module_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolments.id"), index=True)
    module_id: Mapped[int | None] = mapped_column(ForeignKey("modules.id"))
    kind: Mapped[str] = mapped_column(String(20))
    sent_at = mapped_column(UTCDateTime(), default=utcnow, nullable=False)


__all__ = [
    "Choice", "Lesson", "LessonProgress", "Module", "ModuleCompetency", "ModuleKind",
    "ModuleVersion", "PathModule", "PathObservation", "Partner", "Question", "TrainingPath", "Enrolment", "QuizAttempt",
    "ModuleCompletion", "ReminderLog",
]
