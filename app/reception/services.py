"""Use cases of the desk log, the site tokens, the « Votre avis » links and answers.

Each public function is one use case: it takes the actor, writes its audit line and commits once.
The monthly summaries move in the same transaction as the rows they count.
"""
import hashlib
import hmac
import secrets
from collections import Counter
from dataclasses import dataclass
from datetime import date

from flask import current_app

from app.accounts.models import Role, hash_token
from app.audit.services import audit
from app.common.sql import is_id
from app.common.timezones import utcnow
from app.extensions import db
from app.reception import summary
from app.reception.enums import OPERATOR_VALUES, Channel, Duration, Need, Outcome, Question, Waiting
from app.reception.models import Answer, IdempotentRequest, NetworkDepartment, SiteToken, Visit, VoiceLink
from app.reports.catalog_models import Application, Procedure
from app.reports.redaction import redact

MAX_BULK = 500
COMMENT_MAX = 500


class ReceptionError(ValueError):
    """A refused use case, with the field at fault and a French message."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.field = field


class BulkError(ValueError):
    """Rows refused in a bulk write: {row number (1-based): {field: message}}; nothing recorded."""

    def __init__(self, errors):
        super().__init__("Des lignes sont invalides : rien n'a été enregistré.")
        self.errors = errors


@dataclass
class VisitValues:
    visited_on: date
    channel: str
    operators: str
    procedure_id: int | None
    outcome: str
    support_request: str | None
    duration: str
    waiting: str | None
    needs: str


def _choice(value, enum, field, label, required=True):
    value = (value or "").strip() if isinstance(value, str) else value
    if not value:
        if required:
            raise ReceptionError(f"Indiquez {label}.", field)
        return None
    if value not in enum.values():
        raise ReceptionError(f"Valeur inconnue pour {label} : {value}.", field)
    return value


def _list(value, allowed, field, label):
    if value is None or value == "":
        return ""
    items = value.replace(";", ",").split(",") if isinstance(value, str) else value
    if not isinstance(items, list | tuple):
        raise ReceptionError(f"{label} : une liste est attendue.", field)
    cleaned = sorted({str(v).strip() for v in items if str(v).strip()})
    unknown = [v for v in cleaned if v not in allowed]
    if unknown:
        raise ReceptionError(f"Valeur inconnue pour {label} : {', '.join(unknown)}.", field)
    return ",".join(cleaned)


def _day(value, today):
    if value in (None, ""):
        return today
    if isinstance(value, date):
        day = value
    else:
        try:
            day = date.fromisoformat(str(value).strip())
        except ValueError:
            raise ReceptionError("Date invalide : attendu AAAA-MM-JJ.", "visited_on") from None
    if day > today:
        raise ReceptionError("La date ne peut pas être dans le futur.", "visited_on")
    if day.year < 2000:
        raise ReceptionError("Date trop ancienne.", "visited_on")
    return day


def clean_visit(data, today=None, procedures=None):
    """Check one desk-log row (form, JSON or CSV line) and return its values, or raise ReceptionError."""
    today = today or utcnow().date()
    operators = _list(data.get("operators"), OPERATOR_VALUES, "operators", "les opérateurs")
    if not operators:
        raise ReceptionError("Choisissez au moins un opérateur concerné.", "operators")
    outcome = _choice(data.get("outcome"), Outcome, "outcome", "l'issue")
    support = str(data.get("support_request") or "").strip() or None
    if support and len(support) > 40:
        raise ReceptionError("La référence de la demande d'appui dépasse 40 caractères.", "support_request")
    if support and outcome != Outcome.ESCALATED:
        raise ReceptionError("Une demande d'appui ne se lie qu'à l'issue « Appui expert demandé ».", "support_request")
    procedure_id = data.get("procedure_id") or None
    if procedure_id is not None:
        try:
            procedure_id = int(procedure_id)
        except (TypeError, ValueError):
            raise ReceptionError("Démarche inconnue.", "procedure_id") from None
        known = procedures if procedures is not None else _active_procedure_ids()
        if procedure_id not in known:
            raise ReceptionError("Démarche inconnue.", "procedure_id")
    return VisitValues(
        visited_on=_day(data.get("visited_on"), today),
        channel=_choice(data.get("channel"), Channel, "channel", "le canal"),
        operators=operators,
        procedure_id=procedure_id,
        outcome=outcome,
        support_request=support,
        duration=_choice(data.get("duration"), Duration, "duration", "la durée"),
        waiting=_choice(data.get("waiting"), Waiting, "waiting", "l'attente", required=False),
        needs=_list(data.get("needs"), set(Need.values()), "needs", "les besoins"),
    )


def _active_procedure_ids():
    return set(db.session.scalars(db.select(Procedure.id).where(Procedure.is_active.is_(True))))


def clean_rows(rows, today=None):
    """Check every row of a bulk write; raise BulkError listing each bad row in French."""
    procedures = _active_procedure_ids()
    values, errors = [], {}
    for number, row in enumerate(rows, start=1):
        try:
            if not isinstance(row, dict):
                raise ReceptionError("Ligne illisible : un objet est attendu.", "row")
            values.append(clean_visit(row, today, procedures))
        except ReceptionError as exc:
            errors[number] = {exc.field or "row": str(exc)}
    if errors:
        raise BulkError(errors)
    return values


def record_visits(actor, organisation, values, site_token=None, before_commit=None, action="visit.create"):
    """Record checked rows for an organisation (all or nothing) and move the summaries; returns the visits.

    `before_commit(visits)` runs in the same transaction (the API stores its idempotent answer there).
    """
    now = utcnow()
    agent_id = actor.id if site_token is None else None
    visits = [
        Visit(organisation_id=organisation.id, agent_id=agent_id, site_token_id=getattr(site_token, "id", None),
              created_at=now, **vars(v))
        for v in values
    ]
    db.session.add_all(visits)
    db.session.flush()
    deltas = {}
    for visit in visits:
        deltas.setdefault((organisation, summary.month_of(visit.visited_on)), Counter()).update(
            summary.visit_counts(visit))
    summary.add_many(deltas)
    audit(actor if site_token is None else None, action, organisation,
          {"count": len(visits), "site_token": getattr(site_token, "id", None)})
    if before_commit is not None:
        before_commit(visits)
    db.session.commit()
    return visits


def record_visit(actor, values):
    """An agent records one accompaniment for their organisation."""
    return record_visits(actor, actor.organisation, [values])[0]


def correct_visit(actor, visit, values):
    """An agent corrects one of their own rows within seven days."""
    if not visit.can_edit(actor):
        raise ReceptionError("Seules vos propres saisies des sept derniers jours peuvent être corrigées.")
    old_month, old_counts = summary.month_of(visit.visited_on), summary.visit_counts(visit)
    for name, value in vars(values).items():
        setattr(visit, name, value)
    visit.updated_at = utcnow()
    new_month, new_counts = summary.month_of(visit.visited_on), summary.visit_counts(visit)
    if old_month == new_month:
        new_counts.subtract(old_counts)
        summary.add(visit.organisation, new_month, new_counts)
    else:
        summary.add(visit.organisation, old_month, Counter({k: -v for k, v in old_counts.items()}))
        summary.add(visit.organisation, new_month, new_counts)
    audit(actor, "visit.correct", visit)
    db.session.commit()
    return visit


# --- idempotent API posts ------------------------------------------------------------------------


class IdempotencyConflict(ValueError):
    pass


def stored_answer(principal, key, body_hash):
    """(status, response) already given for this key, or None; IdempotencyConflict for another body."""
    row = db.session.scalar(
        db.select(IdempotentRequest).where(IdempotentRequest.principal == principal, IdempotentRequest.key == key)
    )
    if row is None:
        return None
    if row.body_hash != body_hash:
        raise IdempotencyConflict("Cette clé d'idempotence a déjà servi pour une autre requête.")
    return row.status, row.response


def keep_answer(principal, key, body_hash, status, response):
    """Stage the answer of an idempotent post (committed with the rows it created)."""
    db.session.add(IdempotentRequest(principal=principal, key=key, body_hash=body_hash, status=status,
                                     response=response))


# --- site tokens ---------------------------------------------------------------------------------


def create_site_token(actor, label=""):
    """HR creates a token for a queue-management system of their site; the raw value is shown once."""
    raw = "pst_" + secrets.token_urlsafe(32)
    token = SiteToken(organisation_id=actor.organisation_id, label=label.strip()[:100], token_hash=hash_token(raw),
                      prefix=raw[:10], created_by_id=actor.id)
    db.session.add(token)
    db.session.flush()
    audit(actor, "site_token.create", token)
    db.session.commit()
    return token, raw


def revoke_site_token(actor, token):
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        audit(actor, "site_token.revoke", token)
        db.session.commit()
    return token


def site_token_for(raw):
    """The active site token for a raw value, or None (use recorded at most once a minute)."""
    token = db.session.scalar(db.select(SiteToken).where(SiteToken.token_hash == hash_token(raw)))
    if token is None or token.revoked_at is not None:
        return None
    now = utcnow()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        token.last_used_at = now
        db.session.commit()
    return token


# --- « Votre avis » ------------------------------------------------------------------------------


def first_voice_token(organisation_id):
    """The address an organisation has before HR ever renews it: its id and a keyed MAC of it, so that
    reading the HR page or the poster (GET) never writes a row, and nobody can guess another site's."""
    mac = hmac.new(current_app.secret_key.encode(), f"voice-link:{organisation_id}".encode(), hashlib.sha256)
    return f"{organisation_id}-{mac.hexdigest()[:32]}"


def voice_link(organisation):
    """The organisation's public link: its renewed one, else the first one (not stored)."""
    link = db.session.get(VoiceLink, organisation.id)
    if link is None:
        link = VoiceLink(organisation_id=organisation.id, token=first_voice_token(organisation.id))
    return link


def renew_voice_link(actor, organisation):
    """A new token: the posters with the old address stop working."""
    link = voice_link(organisation)
    if link not in db.session:
        db.session.add(link)
    link.token = secrets.token_urlsafe(24)
    link.created_at = utcnow()
    audit(actor, "voice_link.renew", organisation)
    db.session.commit()
    return link


def submit_answer(organisation, handled=None, welcome=None, waiting=None, comment="", application_id=None,
                  problem=""):
    """Store a citizen's anonymous answer, comment and problem text masked first."""
    scores = {"handled": handled, "welcome": welcome, "waiting": waiting}
    for name, value in scores.items():
        if value is not None and value not in (1, 2, 3, 4, 5):
            raise ReceptionError("Choisissez une réponse de 1 à 5.", name)
    # NUL characters are never text a citizen typed (and PostgreSQL refuses them).
    comment = (comment or "").replace("\x00", "").strip()
    problem = (problem or "").replace("\x00", "").strip()
    if len(comment) > COMMENT_MAX or len(problem) > COMMENT_MAX:
        raise ReceptionError(f"{COMMENT_MAX} caractères au maximum.", "comment" if len(comment) > COMMENT_MAX else "problem")
    if application_id is not None and (not is_id(application_id) or db.session.get(Application, application_id) is None):
        raise ReceptionError("Service en ligne inconnu.", "application_id")
    if problem and application_id is None:
        raise ReceptionError("Choisissez le service en ligne qui vous a posé problème.", "application_id")
    if all(v is None for v in scores.values()) and not comment and application_id is None:
        raise ReceptionError("Répondez à au moins une question.", Question.HANDLED.value)
    answer = Answer(organisation_id=organisation.id, **scores,
                    comment=redact(comment).text or None, application_id=application_id,
                    problem=redact(problem).text or None, created_at=utcnow())
    db.session.add(answer)
    db.session.flush()
    summary.add(organisation, summary.month_of(answer.created_at), summary.answer_counts(answer))
    db.session.commit()
    return answer


def assign_department(actor, user, department):
    """Give an « animateur réseau » a département to follow."""
    if user.role != Role.MANAGER_NETWORK:
        raise ReceptionError("Seul un animateur réseau suit des départements.")
    department = department.strip().upper()
    if not (2 <= len(department) <= 3 and department.isalnum()):
        raise ReceptionError("Code de département invalide (par exemple 69, 2A ou 974).", "department")
    exists = db.session.scalar(db.select(NetworkDepartment).where(
        NetworkDepartment.user_id == user.id, NetworkDepartment.department == department))
    if exists is None:
        db.session.add(NetworkDepartment(user_id=user.id, department=department))
        audit(actor, "network_department.assign", user, {"department": department})
        db.session.commit()


def remove_department(actor, assignment):
    """Take a département back from an « animateur réseau »."""
    db.session.delete(assignment)
    audit(actor, "network_department.remove", assignment.user, {"department": assignment.department})
    db.session.commit()
