"""Read the job reference, the career track and the certifications."""
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.referential.models import (
    Activity,
    Certification,
    CertificationBlock,
    Competency,
    JobProfile,
    ProfileRequirement,
    Referential,
    ScaleLevel,
)

# Other domains (training) tell which modules develop a competency, without this package
# importing them: imports point one way (referential <- training).
_module_providers = []


def register_module_provider(provider):
    """provider() -> {competency_id: [module dicts]}."""
    if provider not in _module_providers:
        _module_providers.append(provider)


def modules_by_competency():
    result = {}
    for provider in _module_providers:
        for competency_id, modules in provider().items():
            result.setdefault(competency_id, []).extend(modules)
    return result


def current_referential():
    """The referential with activities, competencies and level descriptors (4 queries)."""
    return db.session.scalar(
        db.select(Referential)
        .options(
            selectinload(Referential.activities)
            .selectinload(Activity.competencies)
            .selectinload(Competency.levels)
        )
        .order_by(Referential.id)
        .limit(1)
    )


def scale_levels():
    return db.session.scalars(db.select(ScaleLevel).order_by(ScaleLevel.level)).all()


def profiles_query():
    return (
        db.select(JobProfile)
        .options(selectinload(JobProfile.requirements).joinedload(ProfileRequirement.competency))
        .order_by(JobProfile.position, JobProfile.id)
    )


def all_profiles():
    return db.session.scalars(profiles_query()).unique().all()


def profile_by_code(code):
    return db.session.scalar(profiles_query().where(JobProfile.code == code))


def profiles_by_competency():
    rows = db.session.execute(
        db.select(ProfileRequirement.competency_id, ProfileRequirement.level, JobProfile.code, JobProfile.title)
        .join(JobProfile, ProfileRequirement.profile_id == JobProfile.id)
        .order_by(JobProfile.position)
    )
    result = {}
    for competency_id, level, code, title in rows:
        result.setdefault(competency_id, []).append({"code": code, "title": title, "level": level})
    return result


def certifications_query():
    return (
        db.select(Certification)
        .options(selectinload(Certification.blocks).selectinload(CertificationBlock.competencies))
        .order_by(Certification.position, Certification.id)
    )


def all_certifications():
    return db.session.scalars(certifications_query()).unique().all()


def competencies_by_code(codes):
    return {
        c.code: c for c in db.session.scalars(db.select(Competency).where(Competency.code.in_(list(codes))))
    }
