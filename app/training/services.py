"""Training catalogue queries (modules and their current versions)."""
import functools

from sqlalchemy.orm import joinedload, selectinload

from app.audit.services import audit
from app.common.urls import local_path
from app.extensions import db
from app.notifications.services import notify
from app.training.models import Module, ModuleCompetency, ModuleCompletion, ModuleVersion


def modules_query():
    """Modules with their current version and its competencies, by title."""
    return (
        db.select(Module)
        .join(ModuleVersion, Module.current_version_id == ModuleVersion.id)
        .options(
            joinedload(Module.current_version)
            .selectinload(ModuleVersion.competencies)
            .joinedload(ModuleCompetency.competency)
        )
        .order_by(Module.kind, ModuleVersion.title)
    )


def module_by_slug(slug, details=False):
    """The module with this slug and its current version, or None (one query; with `details`, its lessons,
    competencies and prerequisites too). Pages that need only reference data use the cached catalogue
    (reference.catalogue().module_by_slug)."""
    return db.session.scalar(_module_statement(details), {"slug": slug})


@functools.cache
def _module_statement(details):
    """Built once (building a statement costs more than running this one)."""
    query = (
        db.select(Module).where(Module.slug == db.bindparam("slug"), Module.current_version_id.is_not(None))
        .options(joinedload(Module.current_version))
    )
    if details:
        query = query.options(
            joinedload(Module.current_version).selectinload(ModuleVersion.lessons),
            joinedload(Module.current_version)
            .selectinload(ModuleVersion.competencies)
            .joinedload(ModuleCompetency.competency),
            selectinload(Module.prerequisites).joinedload(Module.current_version),
        )
    return query


def modules_by_competency():
    """{competency_id: [{slug, title, level, kind}]} from the modules' current versions."""
    rows = db.session.execute(
        db.select(ModuleCompetency.competency_id, ModuleCompetency.level, Module.slug, ModuleVersion.title,
                  Module.kind)
        .join(ModuleVersion, ModuleCompetency.version_id == ModuleVersion.id)
        .join(Module, Module.current_version_id == ModuleVersion.id)
        .order_by(Module.kind, ModuleVersion.title)
    )
    result = {}
    for competency_id, level, slug, title, kind in rows:
        result.setdefault(competency_id, []).append(
            {"slug": slug, "title": title, "level": level, "kind": kind}
        )
    return result


def record_completion(user, module, version, score):
    """Write the user's completion of the module (this version, this score), its audit line and the agent's
    notice; no commit (the lesson, quiz or package use case that completes it commits)."""
    completion = ModuleCompletion(user_id=user.id, module_id=module.id, version_id=version.id,
                                  organisation_id=user.organisation_id, score=score)
    db.session.add(completion)
    db.session.flush()
    audit(user, "training.module_completed", completion, {"module": module.slug, "version": version.number})
    notify(user, "training.completed", f"Module terminé : {version.title}. Votre attestation est disponible.",
           local_path("training.module_detail", slug=module.slug))
    return completion
