"""The observation steps of the paths (curricula/paths.yaml, `observations`) and what an agent has recorded.

After some modules, a path plans a step where the agent is observed at work with the competencies' grids
(level 3 is shown at the desk, not by a quiz). Training reads its own observations to say whether the level
aimed is recorded; the passport side is never read from here.
"""
from dataclasses import dataclass

from app.extensions import db
from app.referential.models import Competency, ScaleLevel
from app.training.models import Module, ModuleVersion, PathObservation, TrainingPath
from app.training.observation_models import Observation, ObservationGrid, ObserverRole


@dataclass(frozen=True)
class Recorded:
    """The highest level recorded for a competency of the agent (the latest observation at that level)."""

    level: int
    observed_on: object
    observer_role: str

    @property
    def observer_label(self):
        return "par les ressources humaines" if self.observer_role == ObserverRole.HR.value \
            else "par un tuteur ou une tutrice"


@dataclass(frozen=True)
class StepCompetency:
    code: str
    title: str
    has_grid: bool
    recorded: Recorded | None = None


@dataclass(frozen=True)
class Step:
    path_id: int
    path_code: str
    path_title: str
    after_module_id: int
    after_slug: str
    after_title: str
    level: int
    level_label: str
    competencies: tuple  # StepCompetency

    def reached(self, item):
        return item.recorded is not None and item.recorded.level >= self.level

    @property
    def reached_count(self):
        return sum(1 for item in self.competencies if self.reached(item))


def _rows(path_ids=None):
    """One query: the steps with their path, module, competency, grid and the label of the level aimed."""
    query = (
        db.select(PathObservation, TrainingPath.code, TrainingPath.title, Module.slug, ModuleVersion.title,
                  Competency.code, Competency.title, ObservationGrid.id, ScaleLevel.label)
        .join(TrainingPath, TrainingPath.id == PathObservation.path_id)
        .join(Module, Module.id == PathObservation.after_module_id)
        .outerjoin(ModuleVersion, ModuleVersion.id == Module.current_version_id)
        .join(Competency, Competency.id == PathObservation.competency_id)
        .outerjoin(ObservationGrid, ObservationGrid.competency_id == PathObservation.competency_id)
        .outerjoin(ScaleLevel, ScaleLevel.level == PathObservation.level)
        .order_by(TrainingPath.code, PathObservation.position)
    )
    if path_ids is not None:
        query = query.where(PathObservation.path_id.in_(list(path_ids)))
    else:
        query = query.where(TrainingPath.owner_id.is_(None))
    return db.session.execute(query).all()


def recorded_levels(agent_id, competency_ids):
    """{competency_id: Recorded} for the agent's highest observed level of each competency (one query)."""
    if not competency_ids:
        return {}
    rows = db.session.execute(
        db.select(Observation.competency_id, Observation.level, Observation.observed_on, Observation.observer_role)
        .where(Observation.agent_id == agent_id, Observation.competency_id.in_(sorted(competency_ids)))
        .order_by(Observation.level.desc(), Observation.observed_on.desc(), Observation.id.desc())
    ).all()
    best = {}
    for competency_id, level, observed_on, role in rows:
        best.setdefault(competency_id, Recorded(level, observed_on, role))
    return best


def _steps(rows, recorded):
    steps, current = [], None
    for obs, path_code, path_title, slug, module_title, code, title, grid_id, label in rows:
        key = (path_code, obs.after_module_id, obs.level)
        if current is None or current[0] != key:
            current = (key, [], (obs.path_id, path_code, path_title, obs.after_module_id, slug, module_title or slug, obs.level,
                                 label or f"Niveau {obs.level}"))
            steps.append(current)
        current[1].append(StepCompetency(code, title, grid_id is not None, recorded.get(obs.competency_id)))
    return [Step(*head, tuple(items)) for _key, items, head in steps]


def path_steps(path, agent=None):
    """The observation steps of one path, in path order; with `agent`, what is recorded (2 queries at most)."""
    rows = _rows([path.id])
    recorded = recorded_levels(agent.id, {row[0].competency_id for row in rows}) if agent is not None else {}
    return _steps(rows, recorded)


def steps_by_path(path_ids, agent):
    """{path_id: [Step]} with what `agent` has recorded (2 queries, none without paths)."""
    if not path_ids:
        return {}
    rows = _rows(path_ids)
    recorded = recorded_levels(agent.id, {row[0].competency_id for row in rows})
    grouped = {}
    for step in _steps(rows, recorded):
        grouped.setdefault(step.path_id, []).append(step)
    return grouped


def steps_after_modules(path, agent=None):
    """{module_id: [Step]}: the steps to show after each module's place in the path."""
    by_module = {}
    for step in path_steps(path, agent):
        by_module.setdefault(step.after_module_id, []).append(step)
    return by_module


def shipped_path_steps():
    """{(path code, path title): [Step]} for every shipped path with steps (one query), for HR and tutors."""
    grouped = {}
    for step in _steps(_rows(), {}):
        grouped.setdefault((step.path_code, step.path_title), []).append(step)
    return grouped
