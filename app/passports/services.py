"""Passport use cases: declare, edit, add evidence, submit, renew, share; decide, revoke, observe.

Services take the acting user first, make one commit per use case and write their audit line.
Every status change is a compare-and-set UPDATE (id, version, allowed statuses): of two concurrent
decisions on the same entry, exactly one changes the row; the other gets a conflict.
"""
from contextlib import contextmanager

from app.accounts.models import Role, User
from app.audit.services import audit
from app.common.sql import is_id
from app.common.timezones import utcnow
from app.common.urls import local_path
from app.extensions import db
from app.notifications.services import notify
from app.passports import evidence
from app.passports.models import (
    EntrySource,
    EntryStatus,
    EvidenceFile,
    EvidenceLog,
    PassportEntry,
    PassportShare,
)
from app.passports.scope import has_active_share
from app.passports.workflow import DECISIONS, TRANSITIONS, TransitionRefused, next_status
from app.referential.models import Competency

LEVELS = (1, 2, 3, 4)
S = EntryStatus
EDITABLE = {S.DRAFT, S.CHANGES_REQUESTED}
DECISION_NOTES = {
    "validate": "validée",
    "reject": "refusée",
    "request_changes": "renvoyée pour modifications",
}
COMMENT_REQUIRED = {"reject", "request_changes"}
MAX_TEXT = 5000


class PassportError(ValueError):
    """Refused input (HTTP 400); `field` names the form or API field concerned."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.field = field


class NotAllowed(PassportError):
    """The actor may not do this to this entry (HTTP 403), e.g. deciding their own entry."""


class StaleEntry(PassportError):
    """The entry changed since the actor saw it (HTTP 409); carries its current status and version."""

    def __init__(self, status, version):
        self.status = status
        self.version = version
        super().__init__(
            f"Cette ligne a été modifiée entre-temps : elle est maintenant « {EntryStatus(status).label} » "
            f"(version {version}). Rechargez la page avant de recommencer."
        )


# --- reference data ------------------------------------------------------------------------------


def clean(value):
    """Typed text without NUL characters (PostgreSQL refuses them in text)."""
    return (value or "").replace("\x00", "").strip()


def competency_by_code(code):
    return db.session.scalar(db.select(Competency).where(Competency.code == clean(code)[:20]))


def _competency(code):
    competency = competency_by_code(code)
    if competency is None:
        raise PassportError(f"Compétence inconnue : « {clean(code)[:20]} ». Choisissez une compétence du "
                            "référentiel.", "competency")
    return competency


def _level(value):
    try:
        level = int(value)
    except (TypeError, ValueError):
        level = None
    if level not in LEVELS:
        raise PassportError("Le niveau doit être compris entre 1 et 4.", "level")
    return level


def _text(value, field, message):
    text = clean(value)
    if not text:
        raise PassportError(message, field)
    if len(text) > MAX_TEXT:
        raise PassportError(f"{MAX_TEXT} caractères au plus.", field)
    return text


def entry_title(entry):
    return f"{entry.competency.code} — {entry.competency.title} (niveau {entry.level})"


def _log(entry, actor, action, note=None):
    db.session.add(EvidenceLog(entry_id=entry.id, actor_id=getattr(actor, "id", None), action=action, note=note))


def _entry_link(entry):
    return local_path("passport.entry_detail", entry_id=entry.id)


def _hr_of(organisation_id):
    return db.session.scalars(
        db.select(User).where(User.organisation_id == organisation_id, User.role == Role.HR, User.active.is_(True))
    ).all()


# --- compare-and-set -----------------------------------------------------------------------------


def _compare_and_set(entry, action, expected_version, values, allowed=None):
    """UPDATE the entry only if it still has this version and an allowed status; bumps the version.

    On PostgreSQL the second of two concurrent UPDATEs waits for the first to commit, then finds
    the version changed and updates nothing. Raises TransitionRefused or StaleEntry (409).
    """
    entry_id = entry.id
    allowed = allowed or TRANSITIONS[action].starts  # an edit keeps the status: EDITABLE, not a transition
    statement = (
        db.update(PassportEntry)
        .where(
            PassportEntry.id == entry_id,
            PassportEntry.version == expected_version,
            PassportEntry.status.in_([s.value for s in allowed]),
        )
        .values(version=PassportEntry.version + 1, updated_at=utcnow(), **values)
        .execution_options(synchronize_session=False)
    )
    if db.session.execute(statement).rowcount == 1:
        return expected_version + 1
    db.session.rollback()
    status, version = db.session.execute(
        db.select(PassportEntry.status, PassportEntry.version).where(PassportEntry.id == entry_id)
    ).one()
    if status not in {s.value for s in allowed}:
        raise TransitionRefused(action, status)
    raise StaleEntry(status, version)


def _version(value, current):
    if value in (None, ""):
        return current
    try:
        version = int(value)
    except (TypeError, ValueError):
        version = None
    if not is_id(version):
        raise PassportError("Version invalide.", "version")
    return version


# --- the holder ----------------------------------------------------------------------------------


def _store_files(actor, entry, files, keys):
    """Write checked files and their rows; `keys` collects the storage keys to remove on failure."""
    existing = len(entry.files)
    if existing + len(files) > evidence.MAX_FILES_PER_ENTRY:
        raise PassportError(f"{evidence.MAX_FILES_PER_ENTRY} pièces justificatives au plus par ligne.", "file")
    for checked in files:
        key = evidence.store(checked)
        keys.append(key)
        db.session.add(EvidenceFile(
            entry_id=entry.id, uploaded_by_id=actor.id, filename=evidence.download_name(checked),
            content_type=checked.content_type, size=checked.size, sha256=checked.sha256, storage_key=key,
        ))
        _log(entry, actor, "file_added", evidence.download_name(checked))


@contextmanager
def _files_transaction():
    """Commit at the end of the block; if anything fails, nothing stays: neither rows nor files."""
    keys = []
    try:
        yield keys
        db.session.commit()
    except Exception:
        db.session.rollback()
        for key in keys:
            evidence.remove(key)
        raise


def declare_entry(actor, competency_code, level, description, files=()):
    """The holder declares an experience entry (draft), with optional checked files."""
    competency = _competency(competency_code)
    level = _level(level)
    description = _text(description, "description", "Décrivez au moins une situation réelle où vous avez "
                                                    "mis en œuvre cette compétence.")
    entry = PassportEntry(
        holder_id=actor.id, competency_id=competency.id, level=level, source=EntrySource.EXPERIENCE.value,
        status=S.DRAFT.value, description=description,
    )
    with _files_transaction() as keys:
        db.session.add(entry)
        db.session.flush()
        _log(entry, actor, "created")
        _store_files(actor, entry, list(files), keys)
        audit(actor, "passport.entry_declare", entry, {"files": len(keys)})
    return entry


def update_entry(actor, entry, competency_code, level, description):
    """The holder changes a draft, or an entry sent back for changes."""
    if not entry.can_edit(actor):
        raise NotAllowed("Cette ligne ne peut plus être modifiée.")
    competency = _competency(competency_code)
    level = _level(level)
    description = _text(description, "description", "Décrivez au moins une situation réelle.")
    _compare_and_set(entry, "edit", entry.version,
                     {"competency_id": competency.id, "level": level, "description": description}, EDITABLE)
    _log(entry, actor, "edited")
    audit(actor, "passport.entry_update", entry, {})
    db.session.commit()
    return entry


def add_evidence(actor, entry, checked):
    """The holder attaches a checked file to a draft or an entry sent back for changes."""
    if not entry.can_edit(actor):
        raise NotAllowed("On ne peut plus ajouter de pièce à cette ligne.")
    with _files_transaction() as keys:
        _store_files(actor, entry, [checked], keys)
        audit(actor, "passport.evidence_add", entry, {"size": checked.size, "type": checked.kind})
    return entry


def submit_entry(actor, entry, version=None):
    """The holder sends an entry to their organisation's HR for validation."""
    if entry.holder_id != actor.id:
        raise NotAllowed("Seul le titulaire du passeport soumet ses lignes.")
    if actor.organisation_id is None:
        raise PassportError("Vous devez être rattaché à une structure pour soumettre une ligne.")
    next_status("submit", entry.status)
    org_id = actor.organisation_id
    _compare_and_set(entry, "submit", _version(version, entry.version), {
        "status": S.SUBMITTED.value, "submitted_to_org_id": org_id, "submitted_at": utcnow(),
    })
    _log(entry, actor, "submitted")
    audit(actor, "passport.entry_submit", entry, {"organisation_id": org_id})
    link = local_path("hr_passport.entry", entry_id=entry.id)
    for hr in _hr_of(org_id):
        notify(hr, "passport.submitted", f"{actor.full_name} a soumis une ligne de passeport à valider : "
                                         f"{entry_title(entry)}.", link)
    db.session.commit()
    return entry


def renew_entry(actor, entry, today=None):
    """The holder starts renewing an expired (or soon expiring) entry: a new draft, prefilled."""
    if not entry.can_renew(actor, today):
        raise NotAllowed("Seule une ligne validée échue, ou qui arrive à échéance, peut être renouvelée.")
    if entry.source == EntrySource.TRAINING and entry.module_version is not None:
        intro = f"Renouvellement de l'acquis de la formation « {entry.module_version.title} ». "
    else:
        intro = "Renouvellement. "
    renewal = PassportEntry(
        holder_id=actor.id, competency_id=entry.competency_id, level=entry.level,
        source=EntrySource.EXPERIENCE.value, status=S.DRAFT.value,
        description=(intro + (entry.description or "")).strip()[:MAX_TEXT],
    )
    db.session.add(renewal)
    db.session.flush()
    _log(entry, actor, "renewal_started", f"Nouvelle ligne n° {renewal.id}")
    _log(renewal, actor, "renewal_of", f"Renouvelle la ligne n° {entry.id}")
    audit(actor, "passport.entry_renew", renewal, {"renews": entry.id})
    db.session.commit()
    return renewal


def share_passport(actor):
    """The holder lets their current organisation's HR see their whole passport (consent)."""
    if actor.organisation_id is None:
        raise PassportError("Vous n'êtes rattaché à aucune structure.")
    if has_active_share(actor, actor.organisation_id):
        raise PassportError("Votre passeport est déjà partagé avec votre structure.")
    share = PassportShare(holder_id=actor.id, organisation_id=actor.organisation_id)
    db.session.add(share)
    db.session.flush()
    audit(actor, "passport.share", share, {"organisation_id": actor.organisation_id})
    link = local_path("hr_passport.agent_passport", user_id=actor.id)
    for hr in _hr_of(actor.organisation_id):
        notify(hr, "passport.shared", f"{actor.full_name} partage son passeport de compétences avec votre structure.",
               link)
    db.session.commit()
    return share


def withdraw_share(actor, share):
    """The holder withdraws their consent: HR of that organisation stop seeing what they did not validate."""
    if share.holder_id != actor.id or share.withdrawn_at is not None:
        raise NotAllowed("Ce partage n'est pas actif.")
    share.withdrawn_at = utcnow()
    audit(actor, "passport.share_withdraw", share, {"organisation_id": share.organisation_id})
    db.session.commit()
    return share


# --- HR ------------------------------------------------------------------------------------------


def decide(actor, entry, decision, comment, version):
    """HR validate, reject or send back a submitted entry; a comment is required except to validate.

    `version` is the entry version the HR user saw: a stale one is a conflict (StaleEntry).
    """
    if decision not in DECISIONS:
        raise PassportError("Choisissez une décision : valider, refuser ou demander des modifications.", "decision")
    comment = clean(comment)
    if decision in COMMENT_REQUIRED and not comment:
        raise PassportError("Un commentaire est obligatoire pour refuser ou demander des modifications.", "comment")
    if len(comment) > MAX_TEXT:
        raise PassportError(f"{MAX_TEXT} caractères au plus.", "comment")
    if not entry.can_decide(actor):
        raise NotAllowed("Vous ne pouvez pas décider de cette ligne (on ne décide jamais de ses propres lignes).")
    if version in (None, ""):
        raise PassportError("La version de la ligne est obligatoire.", "version")
    target = next_status(decision, entry.status)
    values = {"status": target}
    if decision == "validate":
        values.update(validated_by_id=actor.id, validated_by_org_id=actor.organisation_id, validated_at=utcnow())
    new_version = _compare_and_set(entry, decision, _version(version, None), values)
    _log(entry, actor, target, comment or None)
    audit(actor, "passport.entry_decide", entry, {"decision": decision, "version": new_version})
    message = f"Votre ligne « {entry_title(entry)} » a été {DECISION_NOTES[decision]}"
    message += f" par {actor.organisation.name}." if actor.organisation else "."
    if comment:
        message += f" Commentaire : {comment}"
    notify(entry.holder, "passport.decision", message, _entry_link(entry))
    db.session.commit()
    return entry


def revoke(actor, entry, reason, version=None):
    """HR revoke a validation their organisation made, with a reason the agent reads."""
    reason = _text(reason, "reason", "Indiquez le motif de la révocation.")
    next_status("revoke", entry.status)
    if not entry.can_revoke(actor):
        raise NotAllowed("Seule la structure qui a validé une ligne peut la révoquer.")
    new_version = _compare_and_set(entry, "revoke", _version(version, entry.version), {
        "status": S.REVOKED.value, "revoked_reason": reason,
    })
    _log(entry, actor, "revoked", reason)
    audit(actor, "passport.entry_revoke", entry, {"version": new_version})
    notify(entry.holder, "passport.revoked",
           f"La validation de votre ligne « {entry_title(entry)} » a été révoquée. Motif : {reason}",
           _entry_link(entry))
    db.session.commit()
    return entry


def record_observation(actor, agent, competency_code, level, description):
    """HR record a situation observed at the desk: validated by them, in the name of their organisation."""
    if not actor.can_manage(agent) or actor.role != Role.HR:
        raise NotAllowed("Vous n'enregistrez des observations que pour les agents de votre structure.")
    competency = _competency(competency_code)
    level = _level(level)
    description = _text(description, "description", "Décrivez la situation observée.")
    now = utcnow()
    entry = PassportEntry(
        holder_id=agent.id, competency_id=competency.id, level=level, source=EntrySource.OBSERVATION.value,
        status=S.VALIDATED.value, description=description, recorded_by_id=actor.id,
        submitted_to_org_id=actor.organisation_id, submitted_at=now, validated_by_id=actor.id,
        validated_by_org_id=actor.organisation_id, validated_at=now,
    )
    db.session.add(entry)
    db.session.flush()
    _log(entry, actor, "observed")
    audit(actor, "passport.observation_record", entry, {"holder": agent.id})
    notify(agent, "passport.observation",
           f"{actor.organisation.name} a ajouté une observation en situation à votre passeport : "
           f"{competency.code} — {competency.title} (niveau {level}).", _entry_link(entry))
    db.session.commit()
    return entry
