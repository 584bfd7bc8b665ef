"""Demo passports (idempotent): agent.fs has validated, declared and expired entries and one submitted
entry waiting in rh.fs's queue; agent.caf has an entry validated by CAF-DEMO (for the mobility demo)."""
from datetime import date, timedelta

from app.accounts.models import find_user_by_email
from app.common.timezones import utcnow
from app.extensions import db
from app.passports.models import EntrySource, EntryStatus, EvidenceLog, PassportEntry
from app.passports.receivers import add_months
from app.referential.models import Competency
from app.training.models import Module, ModuleKind, ModuleVersion

FS_AGENT, FS_HR = "agent.fs@passerelle.example", "rh.fs@passerelle.example"
CAF_AGENT, CAF_HR = "agent.caf@passerelle.example", "rh.caf@passerelle.example"

# (holder, competency, level, status, validating HR or None, description): experience entries.
EXPERIENCE = [
    (FS_AGENT, "A2.1", 3, EntryStatus.VALIDATED, FS_HR,
     "Accueil seule au guichet le mardi matin depuis un an : j'identifie la demande, je prends en charge "
     "ce qui relève du premier niveau et j'oriente vers le bon partenaire le reste."),
    (FS_AGENT, "A1.2", 2, EntryStatus.DRAFT, None,
     "Je tiens l'agenda des permanences des partenaires (CAF, CPAM) et je confirme les rendez-vous par "
     "téléphone la veille."),
    (FS_AGENT, "A1.1", 3, EntryStatus.SUBMITTED, None,
     "Les jours d'affluence, je hiérarchise : personnes en rendez-vous, situations urgentes, appels puis "
     "courriels ; j'annonce le temps d'attente aux personnes présentes."),
    (CAF_AGENT, "A2.1", 3, EntryStatus.VALIDATED, CAF_HR,
     "Accueil physique à la CAF : je qualifie la demande et j'oriente vers le conseiller ou le rendez-vous "
     "adapté, y compris pour les personnes en situation d'urgence."),
]


def _competency(code):
    return db.session.scalar(db.select(Competency).where(Competency.code == code))


def _experience(holder, code, level, status, validator, description):
    competency = _competency(code)
    exists = db.session.scalar(
        db.select(PassportEntry.id).where(PassportEntry.holder_id == holder.id,
                                          PassportEntry.description == description)
    )
    if competency is None or exists is not None:
        return
    now = utcnow()
    entry = PassportEntry(holder_id=holder.id, competency_id=competency.id, level=level,
                          source=EntrySource.EXPERIENCE.value, status=status.value, description=description)
    if status != EntryStatus.DRAFT:
        entry.submitted_to_org_id, entry.submitted_at = holder.organisation_id, now - timedelta(days=3)
    if validator is not None:
        entry.validated_by_id, entry.validated_by_org_id = validator.id, validator.organisation_id
        entry.validated_at = now - timedelta(days=1)
    db.session.add(entry)
    db.session.flush()
    db.session.add(EvidenceLog(entry_id=entry.id, actor_id=holder.id, action="created"))
    if status != EntryStatus.DRAFT:
        db.session.add(EvidenceLog(entry_id=entry.id, actor_id=holder.id, action="submitted"))
    if validator is not None:
        db.session.add(EvidenceLog(entry_id=entry.id, actor_id=validator.id, action="validated",
                                   note="Observé au guichet : accueil et orientation maîtrisés."))


def _expired_training(holder, today):
    """A training entry from a specialist module whose validity has run out."""
    exists = db.session.scalar(
        db.select(PassportEntry.id).where(
            PassportEntry.holder_id == holder.id, PassportEntry.source == EntrySource.TRAINING,
            PassportEntry.valid_until < today,
        )
    )
    version = db.session.scalar(
        db.select(ModuleVersion).join(Module, Module.current_version_id == ModuleVersion.id)
        .where(Module.kind == ModuleKind.SPECIALIST, ModuleVersion.validity_months.is_not(None))
        .order_by(Module.slug).limit(1)
    )
    if exists is not None or version is None or not version.competencies:
        return
    item = version.competencies[0]
    valid_until = today - timedelta(days=20)
    completed_on = add_months(valid_until, -version.validity_months)
    entry = PassportEntry(
        holder_id=holder.id, competency_id=item.competency_id, level=item.level, source=EntrySource.TRAINING.value,
        status=EntryStatus.VALIDATED.value, module_version_id=version.id, validated_by_org_id=holder.organisation_id,
        validated_at=utcnow() - (today - completed_on), valid_until=valid_until,
    )
    db.session.add(entry)
    db.session.flush()
    db.session.add(EvidenceLog(entry_id=entry.id, actor_id=holder.id, action="training_completed",
                               note=f"{version.title} (version {version.number})"))


def seed_passport_demo(today=None):
    """Create the demo entries that are missing; False when the referential is not imported yet."""
    today = today or date.today()
    users = {email: find_user_by_email(email) for email in (FS_AGENT, FS_HR, CAF_AGENT, CAF_HR)}
    if None in users.values() or db.session.scalar(db.select(Competency.id).limit(1)) is None:
        return False
    for email, code, level, status, validator, description in EXPERIENCE:
        _experience(users[email], code, level, status, users.get(validator), description)
    _expired_training(users[FS_AGENT], today)
    db.session.commit()
    return True
