"""Import a validated curricula folder in one transaction; idempotent; versions changed modules."""
import hashlib
import json
from dataclasses import dataclass, field

from app.audit.services import audit
from app.extensions import db
from app.referential.models import (
    Activity,
    Certification,
    CertificationBlock,
    Competency,
    JobProfile,
    LevelDescriptor,
    ProfileRequirement,
    Referential,
    ScaleLevel,
)
from app.training import reference
from app.training.curricula.validate import load_tree
from app.training.models import (
    Choice,
    Lesson,
    Module,
    ModuleCompetency,
    ModuleVersion,
    PathModule,
    PathObservation,
    Question,
    TrainingPath,
)
from app.training.observation_models import ObservationBehaviour, ObservationGrid
from app.training.packages.sources import attach_package, package_content_hash
from app.training.signals import curricula_imported

SPECIALIST_DEFAULT_VALIDITY = 24


class CurriculaInvalid(ValueError):
    def __init__(self, problems):
        super().__init__(f"{len(problems)} erreur(s) dans les curricula")
        self.problems = problems


@dataclass
class ImportReport:
    new_versions: list = field(default_factory=list)  # (slug, number)
    changed: int = 0  # rows inserted, updated or deleted

    @property
    def has_changes(self):
        return self.changed > 0 or bool(self.new_versions)


def _set(obj, report, **values):
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            report.changed += 1


def _by(model, attr):
    return {getattr(o, attr): o for o in db.session.scalars(db.select(model))}


def _add(obj, report):
    db.session.add(obj)
    report.changed += 1
    return obj


def content_hash(model, lessons, lesson_meta=None):
    """A stable digest of what a learner sees; prerequisites, kind and the trainer's kit are not content."""
    data = model.model_dump(mode="json", exclude={"prerequisites", "kind", "partner", "slug", "format",
                                                          "trainer"})
    data["lesson_texts"] = [lessons.get(lesson["slug"], "") for lesson in data["lessons"]]
    if lesson_meta:  # a new review date or a pending verification is a new version learners see
        data["lesson_meta"] = [
            [str(m.updated), m.reviewed_by, m.verification_pending] if (m := lesson_meta.get(lesson["slug"])) else None
            for lesson in data["lessons"]
        ]
    raw = json.dumps(data, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def import_curricula(directory, actor=None):
    """Validate then import; nothing is written when the folder has any problem."""
    tree = load_tree(directory)
    if tree.problems:
        raise CurriculaInvalid(tree.problems)
    report = ImportReport()
    try:
        competencies = _import_referential(tree.referential, report)
        if tree.profiles:
            _import_profiles(tree.profiles, competencies, report)
        if tree.certifications:
            _import_certifications(tree.certifications, competencies, report)
        modules = _import_modules(tree.modules, competencies, report)
        if tree.paths:
            _import_paths(tree.paths, modules, report)
            _import_path_observations(tree.paths, modules, competencies, report)
        _import_grids(tree.grids, competencies, report)
        if report.has_changes:
            audit(actor, "curricula.import", None,
                  {"new_versions": [f"{s}@{n}" for s, n in report.new_versions]})
            db.session.commit()
            reference.invalidate()
            curricula_imported.send(None)
        else:
            db.session.rollback()
    except Exception:
        db.session.rollback()
        raise
    return report


def _import_referential(ref, report):
    referential = db.session.scalar(db.select(Referential).where(Referential.code == ref.code))
    if referential is None:
        referential = _add(Referential(code=ref.code, title=ref.title, version=ref.version,
                                       published_on=ref.published, sources=[]), report)
    _set(referential, report, title=ref.title, version=ref.version, published_on=ref.published,
         sources=[s.model_dump(exclude_none=True) for s in ref.sources])
    scale = _by(ScaleLevel, "level")
    for item in ref.scale:
        row = scale.get(item.level) or _add(ScaleLevel(level=item.level, label="", description=""), report)
        _set(row, report, label=item.label, description=item.description)
    activities = _by(Activity, "code")
    competencies = _by(Competency, "code")
    descriptors = {(d.competency_id, d.level): d for d in db.session.scalars(db.select(LevelDescriptor))}
    db.session.flush()
    for a_pos, item in enumerate(ref.activities):
        activity = activities.get(item.code)
        if activity is None:
            activity = _add(Activity(code=item.code, referential=referential, title=item.title,
                                     description=item.description, position=a_pos), report)
        _set(activity, report, referential_id=referential.id, title=item.title,
             description=item.description, position=a_pos)
        db.session.flush()
        for c_pos, comp in enumerate(item.competencies):
            row = competencies.get(comp.code)
            if row is None:
                row = _add(Competency(code=comp.code, activity_id=activity.id, title=comp.title,
                                      description=comp.description, kind=comp.kind, position=c_pos), report)
                competencies[comp.code] = row
                db.session.flush()
            _set(row, report, activity_id=activity.id, title=comp.title, description=comp.description,
                 kind=comp.kind, position=c_pos)
            for level, text in comp.levels.items():
                descriptor = descriptors.get((row.id, level))
                if descriptor is None:
                    _add(LevelDescriptor(competency_id=row.id, level=level, text=text), report)
                else:
                    _set(descriptor, report, text=text)
    db.session.flush()
    return competencies


def _import_profiles(file, competencies, report):
    profiles = _by(JobProfile, "code")
    for pos, item in enumerate(file.profiles):
        profile = profiles.get(item.code)
        if profile is None:
            profile = _add(JobProfile(code=item.code, title=item.title, rome_codes=item.rome,
                                      description=item.description, note=item.note, position=pos), report)
            db.session.flush()
        _set(profile, report, title=item.title, rome_codes=list(item.rome), description=item.description,
             note=item.note, position=pos)
        existing = {r.competency_id: r for r in profile.requirements}
        wanted = {}
        for r_pos, req in enumerate(item.requires):
            comp_id = competencies[req.competency].id
            wanted[comp_id] = True
            row = existing.get(comp_id)
            if row is None:
                _add(ProfileRequirement(profile_id=profile.id, competency_id=comp_id, level=req.level,
                                        position=r_pos), report)
            else:
                _set(row, report, level=req.level, position=r_pos)
        for comp_id, row in existing.items():
            if comp_id not in wanted:
                db.session.delete(row)
                report.changed += 1


def _import_certifications(file, competencies, report):
    certifications = _by(Certification, "code")
    for pos, item in enumerate(file.certifications):
        cert = certifications.get(item.code)
        if cert is None:
            cert = _add(Certification(code=item.code, title=item.title, level=item.level, position=pos), report)
            db.session.flush()
        _set(cert, report, rncp=item.rncp, title=item.title, level=item.level, certifier=item.certifier,
             note=item.note, position=pos)
        blocks = {b.code: b for b in cert.blocks}
        for b_pos, block_item in enumerate(item.blocks):
            block = blocks.get(block_item.code)
            if block is None:
                block = _add(CertificationBlock(certification_id=cert.id, code=block_item.code,
                                                title=block_item.title, position=b_pos), report)
            _set(block, report, title=block_item.title, note=block_item.note, position=b_pos)
            wanted = sorted({competencies[c].id for c in block_item.competencies})
            if sorted(c.id for c in block.competencies) != wanted:
                block.competencies = [c for c in competencies.values() if c.id in set(wanted)]
                report.changed += 1
        for code, block in blocks.items():
            if code not in {b.code for b in item.blocks}:
                block.competencies = []
                db.session.delete(block)
                report.changed += 1


def _import_modules(sources, competencies, report):
    modules = _by(Module, "slug")
    for source in sources:
        item = source.model
        module = modules.get(item.slug)
        if module is None:
            module = _add(Module(slug=item.slug, kind=item.kind, partner=item.partner, format=item.format), report)
            modules[item.slug] = module
            db.session.flush()
        _set(module, report, kind=item.kind, partner=item.partner, format=item.format)
        is_package = item.format == "package"
        digest = (package_content_hash(item, source.package) if is_package
                  else content_hash(item, source.lessons, source.lesson_meta))
        current = module.current_version
        activities = 0 if is_package else (item.activities_minutes or 0)
        if current is not None and current.content_hash == digest:
            # The hash already covers activities_minutes: a version imported before the column existed gets it.
            _set(current, report, activities_minutes=activities)
            continue
        number = (current.number + 1) if current is not None else 1
        validity = item.validity_months
        if validity is None and item.kind == "specialist":
            validity = SPECIALIST_DEFAULT_VALIDITY
        version = _add(ModuleVersion(
            module_id=module.id, number=number, content_hash=digest, title=item.title,
            summary=item.summary, duration_minutes=item.duration_minutes, activities_minutes=activities,
            validity_months=validity,
            pass_mark=item.quiz.pass_mark, sources=[s.model_dump(exclude_none=True) for s in item.sources],
        ), report)
        db.session.flush()
        for pos, comp in enumerate(item.competencies):
            db.session.add(ModuleCompetency(version_id=version.id, competency_id=competencies[comp.code].id,
                                            level=comp.level, position=pos))
        for pos, lesson in enumerate(item.lessons):
            meta = source.lesson_meta.get(lesson.slug)
            db.session.add(Lesson(version_id=version.id, slug=lesson.slug, title=lesson.title,
                                  body_markdown=source.lessons[lesson.slug], position=pos,
                                  updated_on=meta.updated if meta else None,
                                  reviewed_by=meta.reviewed_by if meta else None,
                                  verification_pending=bool(meta and meta.verification_pending)))
        for pos, question in enumerate(item.quiz.questions):
            row = Question(version_id=version.id, qid=question.id, type=question.type, text=question.text,
                           explanation=question.explanation, position=pos)
            db.session.add(row)
            db.session.flush()
            db.session.add_all([
                Choice(question_id=row.id, cid=c.id, text=c.text, is_correct=c.correct, position=c_pos,
                       explanation=c.explanation)
                for c_pos, c in enumerate(question.choices)
            ])
        if is_package:
            attach_package(version, source.package)
        module.current_version = version
        report.new_versions.append((item.slug, number))
    db.session.flush()
    for source in sources:
        module = modules[source.model.slug]
        wanted = [modules[s] for s in sorted(source.model.prerequisites)]
        if [m.id for m in module.prerequisites] != [m.id for m in wanted]:
            module.prerequisites = wanted
            report.changed += 1
    return modules


def _import_paths(file, modules, report):
    paths = _by(TrainingPath, "code")
    for item in file.paths:
        path = paths.get(item.code)
        if path is None:
            path = _add(TrainingPath(code=item.code, title=item.title, description=item.description), report)
            db.session.flush()
        _set(path, report, title=item.title, description=item.description)
        wanted = [modules[slug].id for slug in item.modules]
        if [s.module_id for s in path.steps] != wanted:
            for step in list(path.steps):
                db.session.delete(step)
            db.session.flush()
            for pos, module_id in enumerate(wanted):
                db.session.add(PathModule(path_id=path.id, module_id=module_id, position=pos))
            report.changed += 1


def _import_path_observations(file, modules, competencies, report):
    """The observation steps of each shipped path, replaced when the file changes them."""
    paths = _by(TrainingPath, "code")
    for item in file.paths:
        path = paths[item.code]
        wanted = [(modules[step.after].id, competencies[code].id, step.level)
                  for step in item.observations for code in step.competencies]
        if [(s.after_module_id, s.competency_id, s.level) for s in path.observation_steps] == wanted:
            continue
        for step in list(path.observation_steps):
            db.session.delete(step)
        db.session.flush()
        for pos, (module_id, competency_id, level) in enumerate(wanted):
            db.session.add(PathObservation(path_id=path.id, after_module_id=module_id,
                                           competency_id=competency_id, level=level, position=pos))
        db.session.flush()
        db.session.expire(path, ["observation_steps"])
        report.changed += 1


def _import_grids(grids, competencies, report):
    """One grid per competency; a changed file replaces its behaviours and bumps the grid's version
    (observations already made keep the grid they were filled with, as a snapshot)."""
    existing = _by(ObservationGrid, "competency_id")
    for source in grids:
        item = source.model
        competency = competencies[item.competency]
        grid = existing.get(competency.id)
        digest = source.digest
        if grid is not None and grid.content_hash == digest:
            continue
        if grid is None:
            grid = _add(ObservationGrid(competency_id=competency.id, version=1, content_hash=digest), report)
        else:
            grid.behaviours.clear()
            db.session.flush()
            _set(grid, report, version=grid.version + 1, content_hash=digest)
        grid.note = item.note
        for level, texts in sorted(item.levels.items()):
            for position, text in enumerate(texts):
                grid.behaviours.append(ObservationBehaviour(level=level, position=position, text=text))
        report.changed += 1
    db.session.flush()
