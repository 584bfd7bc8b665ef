"""Read side of training for the pages: paths a user may see, a module page's attempts, an HR user's agents."""
from sqlalchemy.orm import selectinload

from app.accounts.models import Role, User
from app.common.sql import is_id
from app.extensions import db
from app.training.models import ModuleCompetency, ModuleVersion, QuizAttempt, TrainingPath


def visible_paths(user):
    """The shipped paths and the user's own, by title."""
    return db.session.scalars(
        db.select(TrainingPath)
        .where(db.or_(TrainingPath.owner_id.is_(None), TrainingPath.owner_id == user.id))
        .order_by(TrainingPath.title)
    ).all()


def load_competencies(version):
    """Load the version's competencies with their titles in one query (the module page lists them)."""
    db.session.execute(
        db.select(ModuleVersion).where(ModuleVersion.id == version.id)
        .options(selectinload(ModuleVersion.competencies).joinedload(ModuleCompetency.competency))
    ).all()


def recent_attempts(user, version, limit):
    """The user's latest quiz attempts on this version, newest first."""
    return db.session.scalars(
        db.select(QuizAttempt)
        .where(QuizAttempt.user_id == user.id, QuizAttempt.version_id == version.id)
        .order_by(QuizAttempt.created_at.desc(), QuizAttempt.id.desc())
        .limit(limit)
    ).all()


def attempt_of(user, attempt_id):
    """One of the user's quiz attempts, or None (someone else's is nobody's)."""
    if not is_id(attempt_id):
        return None
    return db.session.scalar(db.select(QuizAttempt).where(QuizAttempt.id == attempt_id, QuizAttempt.user_id == user.id))


def active_agent_choices(hr_user):
    """(id, name, e-mail) of the active agents of the HR user's organisation, by name: columns only, as a
    large organisation has thousands."""
    return db.session.execute(
        db.select(User.id, User.full_name, User.email)
        .where(User.organisation_id == hr_user.organisation_id, User.role == Role.AGENT, User.active.is_(True))
        .order_by(User.full_name)
    ).all()


def path_by_id(path_id):
    """The training path with this id (shipped or someone's own), or None."""
    return db.session.get(TrainingPath, path_id) if is_id(path_id) else None
