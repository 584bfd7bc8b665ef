"""The trainer's kit of a module, for HR and tutors: objectives, a face-to-face timing, the quiz's answer
key, the observation grids of its competencies and the role-play scripts of the module file.

Answer keys are sensitive: only observers (HR of an organisation, agents holding the tutor capability)
read them; the pages are private (Cache-Control: no-store, like every page behind sign-in).
"""
import math
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import ValidationError
from sqlalchemy.orm import joinedload, selectinload

from app.extensions import db
from app.referential.models import Competency, ScaleLevel
from app.training.curricula.schema import TrainerSection
from app.training.durations import minutes_label, self_study_minutes
from app.training.models import Module, ModuleCompetency, ModuleVersion, Question
from app.training.observation_models import ObservationGrid
from app.training.observations import can_observe
from app.training.services import modules_query

OPENING_MINUTES = 10  # welcome, objectives, how the session runs
CLOSING_MINUTES = 10  # what each one takes away, evaluation of the session
EXCHANGE_MINUTES = 10  # questions and cases from the participants, per lesson
WORDS_PER_MINUTE = 200  # the reading speed the validator uses for the declared durations
QUIZ_MINUTES_PER_QUESTION = 1.5  # answered alone, then corrected together

_QUIZ_MINUTES_LABEL = f"{QUIZ_MINUTES_PER_QUESTION:g}".replace(".", ",")  # « 1,5 » in French
TIMING_RULE = (
    f"Accueil et objectifs {OPENING_MINUTES} min ; pour chaque leçon, un apport égal à son temps de lecture "
    f"({WORDS_PER_MINUTE} mots par minute, arrondi aux 5 minutes supérieures, 5 min au moins) puis "
    f"{EXCHANGE_MINUTES} min d'échanges ; chaque jeu de rôle pour sa durée prévue ; le quiz répondu seul "
    f"puis corrigé ensemble ({_QUIZ_MINUTES_LABEL} min par question, arrondi aux 5 minutes "
    f"supérieures) ; bilan {CLOSING_MINUTES} min. La séance n'est jamais plus courte que la durée déclarée "
    "du module (autoformation et activités en groupe comprises)."
)


def can_view_kit(user):
    """HR of an organisation and tutors (the same people who observe agents with the grids)."""
    return can_observe(user)


def _round5(minutes):
    return max(5, 5 * math.ceil(minutes / 5))


@dataclass
class Slot:
    label: str
    minutes: int


@dataclass
class Timing:
    slots: list
    declared_minutes: int  # the module's whole duration: self-study plus group activities
    total_minutes: int
    rule: str = TIMING_RULE
    activities_minutes: int = 0  # the group part of declared_minutes (role-plays, case studies)

    @property
    def self_study_minutes(self):
        return self_study_minutes(self.declared_minutes, self.activities_minutes)

    @property
    def declared_label(self):
        """« durée déclarée du module : 100 min, dont 25 min en autoformation et 75 min d'activités en groupe »."""
        label = f"durée déclarée du module : {minutes_label(self.declared_minutes)}"
        if not self.activities_minutes:
            return f"{label}, en autoformation"
        return (f"{label}, dont {minutes_label(self.self_study_minutes)} en autoformation et "
                f"{minutes_label(self.activities_minutes)} d'activités en groupe avec un formateur")


@dataclass
class Objective:
    code: str
    title: str
    level: int
    level_label: str
    descriptor: str | None


@dataclass
class Grid:
    code: str
    title: str
    note: str | None
    levels: list  # [(level, label, [behaviour text])]


@dataclass
class Kit:
    module: Module
    version: ModuleVersion
    objectives: list
    timing: Timing
    questions: list
    grids: list
    trainer: TrainerSection | None
    missing_grids: list = field(default_factory=list)  # competency codes with no grid yet


def kit_modules():
    """Every module with a current version (the index of the kits)."""
    return db.session.scalars(modules_query()).unique().all()


def read_trainer_section(directory, slug):
    """The module file's `trainer` section, or None (absent, or invalid: `flask curricula validate` says why)."""
    path = Path(directory) / "modules" / slug / "module.yaml"
    if not path.is_file():
        return None
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        section = data.get("trainer") if isinstance(data, dict) else None
        return TrainerSection.model_validate(section) if section else None
    except (yaml.YAMLError, ValidationError, OSError):
        return None


def timing(version, lessons, trainer):
    slots = [Slot("Accueil, présentation des objectifs", OPENING_MINUTES)]
    for lesson in lessons:
        words = len(lesson.body_markdown.split())
        slots.append(Slot(f"Apport : {lesson.title}", _round5(words / WORDS_PER_MINUTE)))
        slots.append(Slot(f"Échanges et cas des participants : {lesson.title}", EXCHANGE_MINUTES))
    for play in trainer.role_plays if trainer else ():
        slots.append(Slot(f"Jeu de rôle : {play.title}", play.duration_minutes))
    if version.questions:
        slots.append(Slot(f"Quiz ({len(version.questions)} questions) et correction collective",
                          _round5(len(version.questions) * QUIZ_MINUTES_PER_QUESTION)))
    slots.append(Slot("Bilan de la séance", CLOSING_MINUTES))
    total = sum(slot.minutes for slot in slots)
    return Timing(slots=slots, declared_minutes=version.duration_minutes,
                  total_minutes=max(total, version.duration_minutes), activities_minutes=version.activities_minutes)


def kit_for(slug, directory):
    """The kit of the module with this slug, or None (the view answers 404)."""
    module = db.session.scalar(
        db.select(Module).where(Module.slug == (slug or "")[:80], Module.current_version_id.is_not(None))
        .options(
            joinedload(Module.current_version).selectinload(ModuleVersion.lessons),
            joinedload(Module.current_version).selectinload(ModuleVersion.questions)
            .selectinload(Question.choices),
            joinedload(Module.current_version).selectinload(ModuleVersion.competencies)
            .joinedload(ModuleCompetency.competency).selectinload(Competency.levels),
        ))
    if module is None:
        return None
    version = module.current_version
    trainer = read_trainer_section(directory, module.slug)
    scale = {s.level: s.label for s in db.session.scalars(db.select(ScaleLevel))}
    objectives = []
    for mc in version.competencies:
        descriptor = next((d.text for d in mc.competency.levels if d.level == mc.level), None)
        objectives.append(Objective(mc.competency.code, mc.competency.title, mc.level,
                                    scale.get(mc.level, ""), descriptor))
    codes = [mc.competency.code for mc in version.competencies]
    for play in trainer.role_plays if trainer else ():
        codes += [code for code in play.competencies if code not in codes]
    grids = db.session.scalars(
        db.select(ObservationGrid).join(Competency).where(Competency.code.in_(codes))
        .options(selectinload(ObservationGrid.behaviours), joinedload(ObservationGrid.competency))).all()
    by_code = {grid.competency.code: grid for grid in grids}
    shown = []
    for code in codes:
        grid = by_code.get(code)
        if grid is not None:
            levels = [(level, scale.get(level, ""), texts) for level, texts in sorted(grid.by_level().items())]
            shown.append(Grid(code, grid.competency.title, grid.note, levels))
    return Kit(module=module, version=version, objectives=objectives,
               timing=timing(version, version.lessons, trainer), questions=list(version.questions),
               grids=shown, trainer=trainer, missing_grids=[code for code in codes if code not in by_code])
