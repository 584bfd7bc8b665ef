"""The shape of each curricula file (types, required fields, lengths, enums)."""
from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]
Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=200)]
Code = Annotated[str, StringConstraints(pattern=r"^[A-Z0-9][A-Z0-9-]{1,39}$")]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=80)]
CompetencyCode = Annotated[str, StringConstraints(pattern=r"^A[1-9]\.[0-9]{1,2}$")]
Level = Annotated[int, Field(ge=1, le=4, strict=True)]
Descriptor = Annotated[str, StringConstraints(strip_whitespace=True, min_length=10, max_length=600)]

PARTNERS = (
    "caf", "assurance_maladie", "assurance_retraite", "msa", "france_travail", "dgfip",
    "france_titres", "la_poste", "justice", "urssaf", "anah", "energie", "other",
)
Partner = Literal[
    "caf", "assurance_maladie", "assurance_retraite", "msa", "france_travail", "dgfip",
    "france_titres", "la_poste", "justice", "urssaf", "anah", "energie", "other",
]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Source(Strict):
    title: Title
    url: Annotated[str, StringConstraints(pattern=r"^https?://\S+$", max_length=500)] | None = None
    note: Text | None = None


class ScaleLevel(Strict):
    level: Level
    label: Title
    description: Text


class Competency(Strict):
    code: CompetencyCode
    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=5, max_length=200)]
    kind: Literal["savoir_faire", "savoir_etre", "savoir"]
    description: Text
    levels: dict[Level, Descriptor]


class Activity(Strict):
    code: Annotated[str, StringConstraints(pattern=r"^A[1-9]$")]
    title: Title
    description: Text
    competencies: Annotated[list[Competency], Field(min_length=1)]


class ReferentialFile(Strict):
    code: Code
    title: Title
    version: Annotated[str, StringConstraints(min_length=1, max_length=20)]
    published: date
    scale: Annotated[list[ScaleLevel], Field(min_length=4, max_length=4)]
    activities: Annotated[list[Activity], Field(min_length=1)]
    sources: list[Source] = []


class Requirement(Strict):
    competency: CompetencyCode
    level: Level


class Profile(Strict):
    code: Code
    title: Title
    rome: list[Annotated[str, StringConstraints(pattern=r"^[A-N][0-9]{4}$")]] = []
    description: Text
    requires: Annotated[list[Requirement], Field(min_length=1)]
    note: Text | None = None


class ProfilesFile(Strict):
    profiles: Annotated[list[Profile], Field(min_length=1)]
    sources: list[Source] = []


class Block(Strict):
    code: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9-]{0,19}$")]
    title: Title
    competencies: Annotated[list[CompetencyCode], Field(min_length=1)]
    note: Text | None = None


class Certification(Strict):
    code: Code
    rncp: Annotated[str, StringConstraints(pattern=r"^RNCP[0-9]{3,6}$")] | None = None
    title: Title
    level: Annotated[int, Field(ge=1, le=8, strict=True)]
    certifier: Text | None = None
    blocks: Annotated[list[Block], Field(min_length=1)]
    note: Text | None = None


class CertificationsFile(Strict):
    certifications: Annotated[list[Certification], Field(min_length=1)]
    sources: list[Source] = []


class ObservationStep(Strict):
    """A step of a path where the agent is observed at work with the grids (issue 14 §3: level 3 is shown
    at work, not by a quiz): after the module `after`, the competencies it taught, at the level aimed."""

    after: Slug
    competencies: Annotated[list[CompetencyCode], Field(min_length=1)]
    level: Level


class TrainingPath(Strict):
    code: Code
    title: Title
    description: Text
    modules: Annotated[list[Slug], Field(min_length=1)]
    observations: list[ObservationStep] = []


class PathsFile(Strict):
    paths: Annotated[list[TrainingPath], Field(min_length=1)]
    sources: list[Source] = []


class Choice(Strict):
    id: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,19}$")]
    text: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
    correct: bool = False
    # Why this choice is right or wrong; the result page falls back to the question's explanation.
    explanation: Annotated[str, StringConstraints(strip_whitespace=True, min_length=5, max_length=1000)] | None = None


class Question(Strict):
    id: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{1,39}$")]
    type: Literal["single", "multiple"]
    text: Annotated[str, StringConstraints(strip_whitespace=True, min_length=5, max_length=1000)]
    explanation: Annotated[str, StringConstraints(strip_whitespace=True, min_length=5, max_length=2000)]
    choices: Annotated[list[Choice], Field(min_length=2, max_length=8)]


class Quiz(Strict):
    pass_mark: Annotated[int, Field(ge=1, le=100, strict=True)]
    questions: Annotated[list[Question], Field(min_length=1)]


class LessonRef(Strict):
    slug: Slug
    title: Title
    file: Annotated[str, StringConstraints(pattern=r"^lessons/[A-Za-z0-9._-]+\.md$")]


class ModuleCompetency(Strict):
    code: CompetencyCode
    level: Level


class RolePlay(Strict):
    """A role-play script a trainer or tutor runs in a face-to-face session, observed with the grids."""

    title: Title
    duration_minutes: Annotated[int, Field(ge=5, le=240, strict=True)]
    # The competencies observed with their grids (curricula/grids); each one of the module's.
    competencies: Annotated[list[CompetencyCode], Field(min_length=1)]
    situation: Text
    agent_brief: Text  # what the agent playing the desk knows
    visitor_brief: Text  # what the person playing the visitor knows (not read by the agent)
    steps: Annotated[list[Text], Field(min_length=1)] = []
    debrief: Annotated[list[Text], Field(min_length=1)]


class TrainerSection(Strict):
    """The trainer's kit of a module (shown to HR and tutors only; not part of what learners see)."""

    activities: list[Text] = []
    notes: Text | None = None
    role_plays: list[RolePlay] = []


class ModuleFile(Strict):
    slug: Slug
    title: Title
    format: Literal["lessons"] = "lessons"
    kind: Literal["core", "specialist"]
    partner: Partner | None = None
    summary: Annotated[str, StringConstraints(strip_whitespace=True, min_length=20, max_length=600)]
    duration_minutes: Annotated[int, Field(ge=5, le=2400, strict=True)]
    validity_months: Annotated[int, Field(ge=1, le=240, strict=True)] | None = None
    # Time of the activities outside lessons and quiz (case studies, role-plays), counted in the duration.
    activities_minutes: Annotated[int, Field(ge=0, le=600, strict=True)] | None = None
    prerequisites: list[Slug] = []
    competencies: Annotated[list[ModuleCompetency], Field(min_length=1)]
    lessons: Annotated[list[LessonRef], Field(min_length=1)]
    quiz: Quiz
    sources: Annotated[list[Source], Field(min_length=1)]
    trainer: TrainerSection | None = None


# --- SCORM package modules (format: package) ----------------------------------------------------

PackageName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,119}$")]


class _NoQuiz:
    """A package module has no YAML quiz: the package itself reports success and score."""

    pass_mark = 0
    questions = ()


class PackageModuleFile(Strict):
    """A module whose content is a SCORM package from `curricula/packages/` (a .zip or a folder)."""

    slug: Slug
    title: Title
    format: Literal["package"]
    kind: Literal["core", "specialist"]
    partner: Partner | None = None
    summary: Annotated[str, StringConstraints(strip_whitespace=True, min_length=20, max_length=600)]
    duration_minutes: Annotated[int, Field(ge=5, le=2400, strict=True)]
    validity_months: Annotated[int, Field(ge=1, le=240, strict=True)] | None = None
    prerequisites: list[Slug] = []
    competencies: Annotated[list[ModuleCompetency], Field(min_length=1)]
    package: PackageName
    sources: Annotated[list[Source], Field(min_length=1)]

    @property
    def lessons(self):
        return []

    @property
    def quiz(self):
        return _NoQuiz


# --- observation grids (grids/<competency>.yaml) ------------------------------------------------

Behaviour = Annotated[str, StringConstraints(strip_whitespace=True, min_length=10, max_length=300)]


class GridFile(Strict):
    """Observable behaviours of one competency, per level (4 to 6 each, checked in grids.py)."""

    competency: CompetencyCode
    note: Text | None = None  # how to run the observation (role-play, desk), shown above the grid
    levels: dict[Level, list[Behaviour]]


# --- fiches réflexes (fiches/<code>.yaml): one printable A4 page each, for the desk ------------

SheetText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=400)]
SourceId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,39}$")]


class SheetItem(Strict):
    """One short actionable line; a fact names the sources (ids of the sheet's `sources`) that prove it."""

    text: SheetText
    sources: list[SourceId] = []


class SheetSection(Strict):
    title: Title
    # A plain string is a desk gesture that needs no source; a fact is written {text, sources}.
    # An empty list is reported by the validator (« section vide ») with its line.
    items: list[SheetItem] = []

    @field_validator("items", mode="before")
    @classmethod
    def _plain_strings(cls, value):
        if isinstance(value, list):
            return [{"text": item} if isinstance(item, str) else item for item in value]
        return value


class SheetSource(Strict):
    id: SourceId
    title: Title
    url: Annotated[str, StringConstraints(pattern=r"^https?://\S+$", max_length=500)]


class ReflexSheetFile(Strict):
    """A fiche réflexe: short actionable items in sections, every fact tied to the exact page it comes from."""

    code: Slug
    order: Annotated[int, Field(ge=1, le=99, strict=True)]
    title: Title
    purpose: Annotated[str, StringConstraints(strip_whitespace=True, min_length=20, max_length=600)]
    sections: Annotated[list[SheetSection], Field(min_length=1)]
    # Checked by the validator (« aucune source ») so that a sheet without sources names its line.
    sources: list[SheetSource] = []
    updated: date
    reviewed_by: Title
    verification: Literal["pending"] | None = None
    module: Slug | None = None  # the module whose full lesson this sheet summarises (never contradicts)
    lesson: Slug | None = None  # that lesson's slug in the module
