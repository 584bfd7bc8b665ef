"""Training catalogue queries (modules and their current versions)."""
import functools

from sqlalchemy.orm import joinedload, selectinload

from app.extensions import db
from app.training.models import Module, ModuleCompetency, ModuleVersion


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
