"""Attestations de formation: what a completed module certifies, and its public verification link."""
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from itsdangerous import BadData, URLSafeSerializer
from sqlalchemy.orm import joinedload

from app.accounts.models import Organisation
from app.common.timezones import to_local
from app.common.urls import external_url
from app.extensions import db
from app.referential.models import ScaleLevel
from app.training.durations import minutes_label
from app.training.models import ModuleCompetency, ModuleCompletion, ModuleVersion

# A salt, not a secret: keeps these tokens from being valid anywhere else the secret key signs.
TOKEN_SALT = "passerelle.training.attestation"  # noqa: S105  # nosec B105


@dataclass(frozen=True)
class CompetencyDeveloped:
    code: str
    title: str
    level: int
    level_label: str | None


@dataclass(frozen=True)
class Attestation:
    """Everything an attestation states, ready for the HTML page and the PDF."""

    completion_id: int
    agent_name: str
    organisation_name: str | None
    module_slug: str
    module_title: str
    version_number: int
    completed_at: datetime  # in the organisation's time zone
    # A completion is earned online (lessons and quiz): the attestation certifies that self-study time only,
    # never the group activities the module's duration also counts (no one observed them here).
    self_study_minutes: int
    competencies: tuple
    score: int
    verification_url: str
    activities_minutes: int = 0  # group activities of the module, not covered by this attestation

    @property
    def completed_on(self):
        return self.completed_at.strftime("%d/%m/%Y")

    @property
    def duration_label(self):
        """The self-study time covered, as « 25 min » or « 1 h 30 »."""
        return minutes_label(self.self_study_minutes)

    @property
    def activities_note(self):
        """Why the module's group activities are not in the attested time (None when it has none)."""
        if not self.activities_minutes:
            return None
        return (f"Les activités en groupe prévues par le module ({minutes_label(self.activities_minutes)} de jeux "
                "de rôle et d'études de cas avec un formateur) ne sont pas comprises dans cette attestation.")


def _serializer():
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=TOKEN_SALT)


def token_for(completion):
    """The signed token of a completion's public verification link."""
    return _serializer().dumps(completion.id)


def completion_from_token(token):
    """The completion a verification token names, or None if tampered with or unknown."""
    try:
        completion_id = _serializer().loads(token)
    except BadData:
        return None
    if not isinstance(completion_id, int) or isinstance(completion_id, bool):
        return None
    return db.session.scalar(_completion_query().where(ModuleCompletion.id == completion_id))


def _completion_query():
    return db.select(ModuleCompletion).options(
        joinedload(ModuleCompletion.user),
        joinedload(ModuleCompletion.module),
        joinedload(ModuleCompletion.version)
        .selectinload(ModuleVersion.competencies)
        .joinedload(ModuleCompetency.competency),
    )


def attestation_for(user, module):
    """The attestation of the user's latest completion of the module, or None if not completed."""
    completion = db.session.scalar(
        _completion_query()
        .where(ModuleCompletion.user_id == user.id, ModuleCompletion.module_id == module.id)
        .order_by(ModuleCompletion.completed_at.desc(), ModuleCompletion.id.desc())
        .limit(1)
    )
    return attestation_from_completion(completion) if completion is not None else None


def attestation_from_completion(completion):
    """Build the attestation of one completion (the version the agent took, not the current one)."""
    version = completion.version
    # The organisation the agent belonged to when completing: its name and time zone.
    organisation = None
    if completion.organisation_id is not None:
        organisation = db.session.get(Organisation, completion.organisation_id)
    department = organisation.department if organisation is not None else None
    links = version.competencies
    labels = {}
    if links:
        levels = {link.level for link in links}
        labels = dict(db.session.execute(
            db.select(ScaleLevel.level, ScaleLevel.label).where(ScaleLevel.level.in_(levels))
        ).all())
    return Attestation(
        completion_id=completion.id,
        agent_name=completion.user.full_name,
        organisation_name=organisation.name if organisation is not None else None,
        module_slug=completion.module.slug,
        module_title=version.title,
        version_number=version.number,
        completed_at=to_local(completion.completed_at, department),
        self_study_minutes=version.self_study_minutes,
        activities_minutes=version.activities_minutes,
        competencies=tuple(
            CompetencyDeveloped(link.competency.code, link.competency.title, link.level, labels.get(link.level))
            for link in links
        ),
        score=completion.score,
        verification_url=external_url("attestations.verify", token=token_for(completion)),
    )
