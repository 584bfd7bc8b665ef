"""An admin uploads a new SCORM zip for a package module: checked like the curricula, a new version."""
import hashlib
import json

from app.audit.services import audit
from app.extensions import db
from app.training import reference
from app.training.models import Module, ModuleCompetency, ModuleVersion
from app.training.packages.models import ScormPackage
from app.training.packages.sources import attach_package, read_package
from app.training.signals import curricula_imported


class PackageRefused(ValueError):
    """The zip was not imported; `problems` lists why, in French."""

    def __init__(self, problems):
        super().__init__("; ".join(problems))
        self.problems = problems


def package_modules():
    """Package modules with their current version, by title."""
    return db.session.scalars(
        db.select(Module).join(ModuleVersion, Module.current_version_id == ModuleVersion.id)
        .where(Module.format == "package").order_by(ModuleVersion.title)
    ).all()


def current_package(module):
    return db.session.scalar(db.select(ScormPackage).where(ScormPackage.version_id == module.current_version_id))


def upload_package(actor, module, data, filename):
    """Check the zip, store it, and make it the module's new current version (progress on the old one kept)."""
    package, problems = read_package(data, filename)
    if problems:
        raise PackageRefused([f"{p.path}:{p.line}: {p.message}" for p in problems])
    current = module.current_version
    existing = current_package(module)
    if existing is not None and existing.sha256 == package.sha256:
        raise PackageRefused(["Ce paquet est déjà celui de la version en cours du module."])
    digest = hashlib.sha256(json.dumps({"previous": current.content_hash, "package": package.sha256}).encode()).hexdigest()
    version = ModuleVersion(
        module_id=module.id, number=current.number + 1, content_hash=digest, title=current.title,
        summary=current.summary, duration_minutes=current.duration_minutes, validity_months=current.validity_months,
        activities_minutes=0,  # a SCORM package is done alone online: no group activity in its duration
        pass_mark=current.pass_mark, sources=list(current.sources or []),
    )
    db.session.add(version)
    db.session.flush()
    for item in current.competencies:
        db.session.add(ModuleCompetency(version_id=version.id, competency_id=item.competency_id, level=item.level,
                                        position=item.position))
    attach_package(version, package)
    module.current_version = version
    audit(actor, "training.package_uploaded", module,
          {"module": module.slug, "version": version.number, "sha256": package.sha256})
    db.session.commit()
    reference.invalidate()
    curricula_imported.send(None)
    return version
