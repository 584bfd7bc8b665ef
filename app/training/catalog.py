"""Catalogue search and filters."""
from app.extensions import db
from app.referential.models import Competency
from app.training.models import Module, ModuleCompetency, ModuleVersion
from app.training.services import modules_query


def catalog_query(kind=None, partner=None, competency=None, max_duration=None, q=None):
    query = modules_query()
    if kind in ("core", "specialist"):
        query = query.where(Module.kind == kind)
    if partner:
        query = query.where(Module.partner == partner)
    if competency:
        query = query.where(
            db.select(ModuleCompetency.id)
            .join(Competency, ModuleCompetency.competency_id == Competency.id)
            .where(ModuleCompetency.version_id == Module.current_version_id, Competency.code == competency)
            .exists()
        )
    if max_duration:
        # What a learner can do alone: the group activities of the duration are not counted.
        query = query.where(ModuleVersion.duration_minutes - ModuleVersion.activities_minutes <= max_duration)
    if q:
        like = f"%{q.strip().lower()}%"
        query = query.where(db.or_(db.func.lower(ModuleVersion.title).like(like),
                                   db.func.lower(ModuleVersion.summary).like(like)))
    return query


def competency_choices():
    return db.session.execute(db.select(Competency.code, Competency.title).order_by(Competency.code)).all()
