"""Gap analysis against a job profile, and the personal training path that closes the gaps."""
from dataclasses import dataclass
from datetime import date

from app.audit.services import audit
from app.common.ordering import unique
from app.extensions import db
from app.passports.models import PassportEntry, Provenance
from app.referential.services import all_profiles, profile_by_code
from app.training.models import Enrolment, Module, PathModule, TrainingPath
from app.training.observations import grids_by_competency
from app.training.services import modules_by_competency


class MobilityError(ValueError):
    """Refused request, with a French message."""


@dataclass(frozen=True)
class SuggestedModule:
    slug: str
    title: str
    level: int


# A quiz shows knowledge; from this level on, a level is shown at work and certified by an observation.
OBSERVED_FROM_LEVEL = 3


@dataclass(frozen=True)
class LevelToObserve:
    level: int
    behaviours: tuple  # the grid's observable behaviours of that level


@dataclass(frozen=True)
class GapLine:
    competency_code: str
    competency_title: str
    required_level: int
    validated_level: int  # 0 when the agent holds no validated entry for it
    modules: tuple  # SuggestedModule, only when there is a gap
    # The levels still to be observed (from level 3 up to the required one) and their behaviours;
    # `has_grid` is False when the competency has no observation grid yet.
    to_observe: tuple = ()
    has_grid: bool = False

    @property
    def needs_observation(self):
        return self.gap > 0 and self.required_level >= OBSERVED_FROM_LEVEL

    @property
    def gap(self):
        return max(0, self.required_level - self.validated_level)


@dataclass(frozen=True)
class GapAnalysis:
    profile_code: str
    profile_title: str
    rome_codes: tuple
    lines: tuple

    @property
    def gaps(self):
        return [line for line in self.lines if line.gap]

    @property
    def to_observe(self):
        return [line for line in self.lines if line.needs_observation]

    @property
    def modules(self):
        """The suggested modules, each once, in the order of the gaps."""
        return unique((module for line in self.gaps for module in line.modules), key=lambda m: m.slug)


def validated_levels(holder, today=None):
    """{competency_id: highest level} over the holder's guaranteed, unexpired entries.

    Guaranteed = validated by HR, or issued by training or certification (and not revoked).
    """
    today = today or date.today()
    entries = db.session.scalars(db.select(PassportEntry).where(PassportEntry.holder_id == holder.id))
    levels = {}
    for entry in entries:
        if entry.provenance != Provenance.GUARANTEED or entry.is_expired(today):
            continue
        levels[entry.competency_id] = max(entry.level, levels.get(entry.competency_id, 0))
    return levels


def gap_analysis(holder, profile, today=None):
    """For each competency the profile requires: the holder's validated level, the gap, and the
    modules whose current version develops it at the required level or higher."""
    levels = validated_levels(holder, today)
    by_competency = modules_by_competency()
    grids = grids_by_competency([r.competency_id for r in profile.requirements])
    lines = []
    for requirement in profile.requirements:
        held = levels.get(requirement.competency_id, 0)
        modules = ()
        if held < requirement.level:
            modules = tuple(
                SuggestedModule(m["slug"], m["title"], m["level"])
                for m in by_competency.get(requirement.competency_id, [])
                if m["level"] >= requirement.level
            )
        grid = grids.get(requirement.competency_id)
        to_observe = tuple(
            LevelToObserve(level, tuple(grid.get(level, ())) if grid else ())
            for level in range(max(held + 1, OBSERVED_FROM_LEVEL), requirement.level + 1)
        )
        lines.append(GapLine(requirement.competency.code, requirement.competency.title, requirement.level,
                             held, modules, to_observe, grid is not None))
    return GapAnalysis(profile.code, profile.title, tuple(profile.rome_codes or ()), tuple(lines))


def profile_summaries(holder, today=None):
    """[(profile, number of gaps, number of them to be observed at work)] for the whole career track."""
    levels = validated_levels(holder, today)
    summaries = []
    for profile in all_profiles():
        gaps = [r for r in profile.requirements if levels.get(r.competency_id, 0) < r.level]
        summaries.append((profile, len(gaps), sum(1 for r in gaps if r.level >= OBSERVED_FROM_LEVEL)))
    return summaries


def find_profile(code):
    return profile_by_code((code or "").strip().upper())


def personal_path_code(holder, profile):
    return f"PERSO-{holder.id}-{profile.id}"


def create_gap_path(holder, profile, today=None):
    """Turn the gaps into a personal path (owned by the holder) of the suggested modules, and
    enrol the holder; running it again refreshes the same path."""
    analysis = gap_analysis(holder, profile, today)
    suggested = analysis.modules
    if not suggested:
        raise MobilityError(
            "Aucun module du catalogue ne comble vos écarts pour ce métier : il n'y a pas de parcours à créer."
        )
    modules = {
        m.slug: m for m in db.session.scalars(db.select(Module).where(Module.slug.in_([s.slug for s in suggested])))
    }
    code = personal_path_code(holder, profile)
    path = db.session.scalar(db.select(TrainingPath).where(TrainingPath.code == code))
    if path is None:
        path = TrainingPath(code=code, owner_id=holder.id, title="", description="")
        db.session.add(path)
        db.session.flush()
    else:
        for step in path.steps:
            db.session.delete(step)
        db.session.flush()
    path.title = f"Mon parcours vers le métier : {profile.title}"
    path.description = (
        f"Parcours personnel créé depuis l'analyse des écarts avec le profil « {profile.title} » : "
        f"{len(analysis.gaps)} compétence(s) à renforcer."
    )
    for position, suggestion in enumerate(suggested):
        db.session.add(PathModule(path_id=path.id, module_id=modules[suggestion.slug].id, position=position))
    enrolled = db.session.scalar(
        db.select(Enrolment.id).where(Enrolment.user_id == holder.id, Enrolment.path_id == path.id)
    )
    if enrolled is None:
        db.session.add(Enrolment(user_id=holder.id, path_id=path.id, is_private=True))  # the agent's own
    db.session.flush()
    audit(holder, "passport.gap_path", path, {"profile": profile.code, "modules": [s.slug for s in suggested]})
    db.session.commit()
    return path
