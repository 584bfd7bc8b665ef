"""VAE (validation des acquis de l'expérience): candidacy, block coverage, statements, jury result.

The agent picks a certification, sees how far their validated entries cover each block, writes
per competency the experience that shows it (pre-filled from their experience entries) and
records the France VAE stages. The jury's result is recorded by HR of the agent's organisation:
it turns the validated blocks into `certification` entries (guaranteed, level 3).
"""
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import selectinload

from app.accounts.models import Role, User
from app.audit.services import audit
from app.common.ordering import unique
from app.common.timezones import utcnow
from app.common.urls import local_path
from app.extensions import db
from app.notifications.services import notify
from app.passports.mobility import validated_levels
from app.passports.models import (
    EntrySource,
    EntryStatus,
    EvidenceLog,
    PassportEntry,
    VaeCandidacy,
    VaeStatement,
    VaeStatus,
)
from app.passports.workflow import VAE_TRANSITIONS, next_vae_status
from app.referential.models import Certification
from app.referential.services import certifications_query

# The level a certification attests for each competency of a validated block ("maîtrise autonome");
# a block competency counts as covered when a validated entry reaches it.
CERTIFIED_LEVEL = 3
JURY_RESULTS = (VaeStatus.JURY_FULL.value, VaeStatus.JURY_PARTIAL.value, VaeStatus.JURY_NONE.value)


class VaeError(ValueError):
    """Refused request, with a French message."""


@dataclass(frozen=True)
class CompetencyCoverage:
    competency_id: int
    code: str
    title: str
    validated_level: int
    statement: str

    @property
    def covered(self):
        return self.validated_level >= CERTIFIED_LEVEL


@dataclass(frozen=True)
class BlockCoverage:
    code: str
    title: str
    competencies: tuple
    validated: bool  # by a jury

    @property
    def covered_count(self):
        return sum(1 for c in self.competencies if c.covered)

    @property
    def percent(self):
        # Rounded down, like every share of progress: 100 % only when every competency is covered.
        return 100 * self.covered_count // len(self.competencies) if self.competencies else 0


@dataclass(frozen=True)
class VaeDossier:
    holder_name: str
    certification_code: str
    certification_title: str
    rncp: str | None
    certification_level: int
    status: str
    status_label: str
    blocks: tuple
    issued_on: date


# --- reading ----------------------------------------------------------------------------------


def certification_by_code(code):
    return db.session.scalar(certifications_query().where(Certification.code == (code or "").strip().upper()))


def all_certifications():
    return db.session.scalars(certifications_query()).unique().all()


def candidacies_of(holder):
    return db.session.scalars(
        db.select(VaeCandidacy)
        .where(VaeCandidacy.holder_id == holder.id)
        .options(selectinload(VaeCandidacy.certification))
        .order_by(VaeCandidacy.created_at)
    ).all()


def candidacy_for(holder, certification):
    return db.session.scalar(
        db.select(VaeCandidacy)
        .where(VaeCandidacy.holder_id == holder.id, VaeCandidacy.certification_id == certification.id)
        .options(selectinload(VaeCandidacy.statements))
    )


def block_competencies(certification):
    """The certification's competencies, each once, in block order."""
    return unique((c for block in certification.blocks for c in block.competencies), key=lambda c: c.id)


def coverage(holder, certification, candidacy=None, today=None):
    """Each block with its competencies: validated level, covered or not, the agent's statement."""
    levels = validated_levels(holder, today)
    texts = {s.competency_id: s.text for s in candidacy.statements} if candidacy is not None else {}
    validated_blocks = set(candidacy.validated_block_codes or []) if candidacy is not None else set()
    return tuple(
        BlockCoverage(
            code=block.code,
            title=block.title,
            competencies=tuple(
                CompetencyCoverage(c.id, c.code, c.title, levels.get(c.id, 0), texts.get(c.id, ""))
                for c in block.competencies
            ),
            validated=block.code in validated_blocks,
        )
        for block in certification.blocks
    )


def dossier(candidacy, today=None):
    """The VAE dossier (HTML page and PDF) of a candidacy."""
    holder = db.session.get(User, candidacy.holder_id)
    certification = certification_by_code(candidacy.certification.code)
    return VaeDossier(
        holder_name=holder.full_name,
        certification_code=certification.code,
        certification_title=certification.title,
        rncp=certification.rncp,
        certification_level=certification.level,
        status=candidacy.status,
        status_label=candidacy.status_label,
        blocks=coverage(holder, certification, candidacy, today),
        issued_on=today or date.today(),
    )


def agent_next_statuses(candidacy):
    """The stages the agent may record next (jury results are recorded by HR)."""
    allowed = VAE_TRANSITIONS[VaeStatus(candidacy.status)]
    return [s for s in VaeStatus if s in allowed and s.value not in JURY_RESULTS]


# --- agent use cases --------------------------------------------------------------------------


def _prefill(holder, competency_id):
    """The agent's experience entries for a competency, newest first, as a starting text."""
    descriptions = db.session.scalars(
        db.select(PassportEntry.description)
        .where(
            PassportEntry.holder_id == holder.id,
            PassportEntry.competency_id == competency_id,
            PassportEntry.source == EntrySource.EXPERIENCE.value,
            PassportEntry.status.not_in([EntryStatus.REJECTED.value, EntryStatus.REVOKED.value]),
            PassportEntry.description.is_not(None),
        )
        .order_by(PassportEntry.created_at.desc(), PassportEntry.id.desc())
    ).all()
    return "\n\n".join(d.strip() for d in descriptions if d and d.strip())


def statement_texts(holder, candidacy):
    """{competency_id: text} for the statements form: the saved text, or for an empty statement the
    agent's experience entries (declared since the candidacy opened, for instance)."""
    return {s.competency_id: s.text or _prefill(holder, s.competency_id) for s in candidacy.statements}


def start_candidacy(holder, certification):
    """Open a candidacy (stage « projet ») with statements pre-filled; opening it again changes nothing."""
    if holder.role != Role.AGENT:
        raise VaeError("Seuls les agents peuvent préparer une VAE.")
    existing = candidacy_for(holder, certification)
    if existing is not None:
        return existing
    candidacy = VaeCandidacy(holder_id=holder.id, certification_id=certification.id,
                             status=VaeStatus.PROJECT.value, validated_block_codes=[])
    db.session.add(candidacy)
    db.session.flush()
    for competency in block_competencies(certification):
        db.session.add(VaeStatement(candidacy_id=candidacy.id, competency_id=competency.id,
                                    text=_prefill(holder, competency.id)))
    audit(holder, "vae.start", candidacy, {"certification": certification.code})
    db.session.commit()
    return candidacy


def save_statements(holder, candidacy, texts):
    """Save the agent's statements: texts = {competency_id: text}."""
    if candidacy.holder_id != holder.id:
        raise VaeError("Cette candidature ne vous appartient pas.")
    statements = {s.competency_id: s for s in candidacy.statements}
    changed = 0
    for competency_id, text in texts.items():
        statement = statements.get(competency_id)
        if statement is None:
            continue
        text = (text or "").strip()
        if statement.text != text:
            statement.text = text
            changed += 1
    audit(holder, "vae.statements", candidacy, {"changed": changed})
    db.session.commit()
    return changed


def change_stage(holder, candidacy, target):
    """Record the next France VAE stage (not a jury result)."""
    if candidacy.holder_id != holder.id:
        raise VaeError("Cette candidature ne vous appartient pas.")
    if target in JURY_RESULTS:
        raise VaeError("Le résultat du jury est enregistré par le service RH de votre structure.")
    previous = candidacy.status
    candidacy.status = next_vae_status(previous, target)
    if candidacy.status == VaeStatus.VALIDATION_SENT and holder.organisation_id is not None:
        link = local_path("hr_vae.candidacies")
        for hr in db.session.scalars(
            db.select(User).where(User.organisation_id == holder.organisation_id, User.role == Role.HR,
                                  User.active.is_(True))
        ):
            notify(hr, "vae.validation_sent",
                   f"{holder.full_name} a envoyé son dossier de validation VAE : résultat du jury à enregistrer.",
                   link)
    audit(holder, "vae.stage", candidacy, {"from": previous, "to": candidacy.status})
    db.session.commit()
    return candidacy


# --- HR: the jury result ----------------------------------------------------------------------


def candidacies_awaiting_jury(hr_user):
    """[(candidacy, holder)] of agents currently in the HR user's organisation waiting for a jury result."""
    if hr_user.organisation_id is None:
        return []
    return db.session.execute(
        db.select(VaeCandidacy, User)
        .join(User, VaeCandidacy.holder_id == User.id)
        .where(User.organisation_id == hr_user.organisation_id, User.id != hr_user.id,
               VaeCandidacy.status == VaeStatus.VALIDATION_SENT.value)
        .options(selectinload(VaeCandidacy.certification).selectinload(Certification.blocks))
        .order_by(VaeCandidacy.updated_at, VaeCandidacy.id)
    ).all()


def candidacy_in_scope(hr_user, candidacy_id):
    """A candidacy the HR user may record a jury result for, or None (404)."""
    candidacy = db.session.get(VaeCandidacy, candidacy_id)
    if candidacy is None or hr_user.organisation_id is None:
        return None
    holder = db.session.get(User, candidacy.holder_id)
    if holder is None or holder.id == hr_user.id or holder.organisation_id != hr_user.organisation_id:
        return None
    return candidacy


def record_jury_result(actor, candidacy, result, block_codes=()):
    """Record the jury's result; the blocks it validates become `certification` entries."""
    holder = db.session.get(User, candidacy.holder_id)
    if actor.role != Role.HR or actor.id == holder.id or actor.organisation_id != holder.organisation_id:
        raise VaeError("Seul le service RH de la structure de l'agent enregistre le résultat du jury.")
    if result not in JURY_RESULTS:
        raise VaeError("Résultat du jury inconnu.")
    certification = db.session.scalar(
        certifications_query().where(Certification.id == candidacy.certification_id)
    )
    all_codes = [b.code for b in certification.blocks]
    chosen = [c for c in all_codes if c in set(block_codes)]
    if result == VaeStatus.JURY_FULL:
        chosen = all_codes
    elif result == VaeStatus.JURY_NONE:
        chosen = []
    elif not chosen or len(chosen) == len(all_codes):
        raise VaeError("Pour une validation partielle, cochez les blocs validés (au moins un, pas tous).")
    candidacy.status = next_vae_status(candidacy.status, result)
    already = set(candidacy.validated_block_codes or [])
    candidacy.validated_block_codes = [c for c in all_codes if c in already or c in chosen]
    created = _certification_entries(actor, holder, certification,
                                     [b for b in certification.blocks if b.code in chosen and b.code not in already])
    notify(holder, "vae.jury", f"Résultat du jury VAE enregistré pour « {certification.title} » : "
           f"{VaeStatus(result).label}.", local_path("passport_docs.vae_detail", code=certification.code))
    audit(actor, "vae.jury", candidacy, {"result": result, "blocks": chosen, "entries": len(created)})
    db.session.commit()
    return created


def _certification_entries(actor, holder, certification, blocks):
    existing = set(db.session.scalars(
        db.select(PassportEntry.competency_id).where(
            PassportEntry.holder_id == holder.id,
            PassportEntry.source == EntrySource.CERTIFICATION.value,
            PassportEntry.certification_id == certification.id,
            PassportEntry.status == EntryStatus.VALIDATED.value,
        )
    ))
    now = utcnow()
    created = []
    for block in blocks:
        for competency in block.competencies:
            if competency.id in existing:
                continue
            existing.add(competency.id)
            entry = PassportEntry(
                holder_id=holder.id, competency_id=competency.id, level=CERTIFIED_LEVEL,
                source=EntrySource.CERTIFICATION.value, status=EntryStatus.VALIDATED.value,
                description=f"Bloc {block.code} « {block.title} » de la certification {certification.title}, "
                            "validé par un jury de VAE.",
                certification_id=certification.id, validated_by_id=actor.id,
                validated_by_org_id=holder.organisation_id, validated_at=now,
            )
            db.session.add(entry)
            db.session.flush()
            db.session.add(EvidenceLog(entry_id=entry.id, actor_id=actor.id, action="validated",
                                       note=f"Jury VAE : bloc {block.code} validé."))
            created.append(entry)
    return created

