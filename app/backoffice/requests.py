"""Support requests: preview of the masked texts, creation with consent and the encrypted citizen
file block, reads of that block (audited), consent withdrawal, hand-over to a colleague, sharing."""
import functools
from datetime import date

from app.accounts.models import Role, User
from app.audit.services import audit, record_read_audit
from app.backoffice import crypto, notify
from app.backoffice.businessdays import deadline_after
from app.backoffice.enums import CITIZEN_FIELDS, ConsentKind, MessageKind, Operator, Urgency
from app.backoffice.groups import my_group_ids, route
from app.backoffice.models import SupportAttachment, SupportEvent, SupportMessage, SupportRequest
from app.backoffice.workflow import WorkflowError, check
from app.common.timezones import as_utc, utcnow
from app.extensions import db
from app.reports.images import ScreenshotError, reencode
from app.reports.redaction import KINDS, redact

SUBJECT_MAX = 150
TEXT_MAX = 5000
MAX_ATTACHMENTS = 5
MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
CITIZEN_KEYS = dict(CITIZEN_FIELDS)


class RequestError(ValueError):
    """A refused request operation; `field` names the form field at fault."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.field = field


def refusals_roll_back(use_case):
    """A refused use case (RequestError, WorkflowError) leaves the session clean: what it had changed
    before refusing is rolled back, so the caller (a view) never touches the session."""

    @functools.wraps(use_case)
    def run(*args, **kwargs):
        try:
            return use_case(*args, **kwargs)
        except (RequestError, WorkflowError):
            db.session.rollback()
            raise

    return run


def masked(values):
    """The masked subject, situation and tried texts, and the count per kind of what was masked."""
    counts = dict.fromkeys(KINDS, 0)
    out = {}
    for key in ("subject", "situation", "tried"):
        result = redact(values.get(key) or "")
        out[key] = result.text.strip()
        for kind, n in result.found.items():
            counts[kind] += n
    return out, counts


def clean_citizen(citizen):
    """Keep only the known identifiers, trimmed; None when nothing was given."""
    if not citizen:
        return None
    block = {key: str(citizen.get(key) or "").strip()[:100] for key in CITIZEN_KEYS}
    block = {k: v for k, v in block.items() if v}
    return block or None


def check_consent(block, consent):
    """A citizen file block needs a recorded consent: kind and date (not in the future)."""
    if block is None:
        return None
    if not consent or not consent.get("kind"):
        raise RequestError("Le bloc usager exige le consentement enregistré de l'usager.", "consent_kind")
    if consent["kind"] not in ConsentKind.values():
        raise RequestError("Type de consentement inconnu.", "consent_kind")
    given = consent.get("date")
    if isinstance(given, str):
        try:
            given = date.fromisoformat(given)
        except ValueError:
            raise RequestError("Date du consentement invalide (AAAA-MM-JJ).", "consent_date") from None
    if not isinstance(given, date):
        raise RequestError("Indiquez la date du consentement.", "consent_date")
    if given > utcnow().date():
        raise RequestError("La date du consentement ne peut pas être dans le futur.", "consent_date")
    return consent["kind"], given


def check_attachment(name, data):
    """Images decoded and re-encoded as the report screenshots; PDFs kept if they look like PDFs."""
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise RequestError(f"« {name} » dépasse 5 Mo.", "attachments")
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension == "pdf":
        if not data.startswith(b"%PDF-"):
            raise RequestError(f"« {name} » n'est pas un PDF valide.", "attachments")
        return data, "application/pdf", "pdf"
    if extension not in ("png", "jpg", "jpeg"):
        raise RequestError(f"« {name} » : seuls les fichiers PNG, JPEG et PDF sont acceptés.", "attachments")
    try:
        shot = reencode(data, name)
    except ScreenshotError as exc:
        raise RequestError(str(exc), "attachments") from None
    return shot.data, shot.content_type, shot.suffix


def _check_values(values):
    if values.get("operator") not in Operator.values():
        raise RequestError("Choisissez l'opérateur concerné.", "operator")
    if not (values.get("subject") or "").strip():
        raise RequestError("Indiquez l'objet de la demande.", "subject")
    if len(values["subject"].strip()) > SUBJECT_MAX:
        raise RequestError(f"L'objet ne doit pas dépasser {SUBJECT_MAX} caractères.", "subject")
    if not (values.get("situation") or "").strip():
        raise RequestError("Décrivez la situation.", "situation")
    for key in ("situation", "tried"):
        if len(values.get(key) or "") > TEXT_MAX:
            raise RequestError(f"Le texte ne doit pas dépasser {TEXT_MAX} caractères.", key)
    urgency = values.get("urgency") or Urgency.NONE.value
    if urgency not in Urgency.values():
        raise RequestError("Urgence inconnue.", "urgency")
    if urgency == Urgency.DEADLINE and not values.get("urgency_date"):
        raise RequestError("Indiquez la date de l'échéance.", "urgency_date")


def event(request, actor, action, label, handoff=False):
    """Add a step to the request's history; the caller commits."""
    db.session.add(SupportEvent(request_id=request.id, actor_id=getattr(actor, "id", None), action=action,
                                label=label[:300], is_handoff=handoff))


@refusals_roll_back
def create_request(actor, values, citizen=None, consent=None, attachments=(), now=None):
    """An agent asks for expert support; texts masked, the citizen block encrypted, the group told."""
    if actor.role != Role.AGENT or actor.organisation is None:
        raise RequestError("Seul un agent d'accueil rattaché à une structure peut demander un appui.")
    _check_values(values)
    block = clean_citizen(citizen)
    consent_given = check_consent(block, consent)
    files = [(name, *check_attachment(name, data)) for name, data in attachments]
    if len(files) > MAX_ATTACHMENTS:
        raise RequestError(f"Joignez au plus {MAX_ATTACHMENTS} fichiers.", "attachments")
    department = actor.organisation.department
    group, message = route(values["operator"], department, values.get("procedure_id"))
    if group is None:
        raise RequestError(message, "operator")
    texts, counts = masked(values)
    if len(texts["subject"]) > SUBJECT_MAX:
        texts["subject"] = texts["subject"][:SUBJECT_MAX]
    now = now or utcnow()
    request = SupportRequest(
        author_id=actor.id, organisation_id=actor.organisation_id, department=department,
        operator=values["operator"], procedure_id=values.get("procedure_id"), group_id=group.id,
        subject=texts["subject"], situation=texts["situation"], tried=texts["tried"], redaction_counts=counts,
        urgency=values.get("urgency") or Urgency.NONE.value, urgency_date=values.get("urgency_date"),
        shared_with_site=bool(values.get("shared_with_site")),
        due_at=deadline_after(now, group.target_days, department), created_at=now, updated_at=now,
    )
    if block is not None:
        request.citizen_block = crypto.encrypt_json(block)
        request.consent_kind, request.consent_date = consent_given
    db.session.add(request)
    db.session.flush()
    request.reference = f"A-{now.year}-{request.id:06d}"
    for index, (_name, data, content_type, suffix) in enumerate(files, start=1):
        db.session.add(SupportAttachment(request_id=request.id, download_name=f"{request.reference}-piece-{index}.{suffix}",
                                         content_type=content_type, size=len(data), data=crypto.encrypt_bytes(data)))
    event(request, actor, "create", f"Demande envoyée au pôle « {group.name} »")
    audit(actor, "support.request_create", request, {"group": group.code, "citizen_block": block is not None})
    notify.tell_group(group, request, f"Nouvelle demande d'appui {request.reference} : {request.subject}",
                      exclude={actor.id})
    db.session.commit()
    return request


def read_citizen_block(actor, request):
    """The decrypted citizen block for the asking agent or the experts working on it; every read audited.

    None when there is none or the user may not see it (admins never do). `request`: the mapped request or the
    request page's RequestView (which holds whether there is a block, not the block: read here, once allowed).
    """
    if not request.has_citizen_block:
        return None
    if not request.can_see_citizen_block(actor, my_group_ids(actor)):
        return None
    stored = db.session.scalar(db.select(SupportRequest.citizen_block).where(SupportRequest.id == request.id))
    if stored is None:
        return None
    block = crypto.decrypt_json(stored)
    record_read_audit(actor, "support.citizen_read", request)  # one round trip, no wait for the WAL flush
    return [(label, block[key]) for key, label in CITIZEN_FIELDS if block and block.get(key)]


def attachment_data(actor, request, attachment_id):
    """(attachment, decrypted bytes) of a request in the user's scope (admins excluded), or None."""
    if actor.role == Role.ADMIN:
        return None
    row = db.session.scalar(db.select(SupportAttachment).where(
        SupportAttachment.request_id == request.id, SupportAttachment.id == attachment_id))
    if row is None or row.data is None:
        return None
    record_read_audit(actor, "support.attachment_read", request, {"attachment": row.id})  # as above
    return row, crypto.decrypt_bytes(row.data)


def wipe_citizen_data(request, now):
    """Drop the citizen block (and the attachments' content); the caller commits."""
    request.citizen_block = None
    request.citizen_wiped_at = now
    db.session.execute(db.update(SupportAttachment).where(SupportAttachment.request_id == request.id)
                       .values(data=None))


def withdraw_consent(actor, request, now=None):
    """The citizen withdraws consent: the agent records it and the citizen block is wiped at once."""
    if not request.is_owner(actor):
        raise RequestError("Seul l'agent qui a fait la demande enregistre le retrait du consentement.")
    if request.consent_kind is None or request.consent_withdrawn_at is not None:
        raise RequestError("Aucun consentement en cours sur cette demande.")
    now = now or utcnow()
    request.consent_withdrawn_at = now
    wipe_citizen_data(request, now)
    event(request, actor, "consent_withdrawn", "Consentement retiré : données de l'usager effacées")
    audit(actor, "support.consent_withdrawn", request)
    db.session.commit()


# Consents that cover the whole structure: an Aidants Connect mandate lets the structure's authorised
# aidants process the citizen's data (https://aidantsconnect.beta.gouv.fr/faq/responsabilite-juridique-et-rgpd/),
# and the signed paper form is headed with the structure's name. An oral consent is attested by
# the asking agent alone: it does not follow the request to a colleague unless the citizen renews it.
STRUCTURE_CONSENTS = frozenset({ConsentKind.MANDATE.value, ConsentKind.PAPER.value})


def handover_wipes_citizen_block(request, consent_renewed=False):
    """True when handing the request over would wipe the citizen file block (oral consent not renewed)."""
    return (request.citizen_block is not None and request.consent_kind not in STRUCTURE_CONSENTS
            and not consent_renewed)


def may_hand_over(actor, request):
    """The asking agent, or HR of the request's organisation (when the agent is away)."""
    return request.is_owner(actor) or (actor.role == Role.HR and actor.organisation_id is not None
                                       and actor.organisation_id == request.organisation_id)


def hand_over(actor, request, colleague, consent_renewed=False, now=None):
    """The asking agent (or HR of the organisation) hands an open request to a colleague agent of the
    same organisation. The citizen file block follows only under a consent covering the structure, or
    an oral consent the citizen renewed for the colleague (attested by the actor); else it is wiped."""
    if not may_hand_over(actor, request):
        raise RequestError("Vous ne pouvez pas confier cette demande.")
    try:
        check(request, "handover")
    except WorkflowError as exc:
        raise RequestError(str(exc)) from None
    if not isinstance(colleague, User) or colleague.role != Role.AGENT or not colleague.active \
            or colleague.organisation_id != request.organisation_id or colleague.id == request.author_id:
        raise RequestError("Choisissez un ou une collègue agent de la même structure.", "colleague")
    now = now or utcnow()
    previous = request.author_id
    wiped = handover_wipes_citizen_block(request, consent_renewed)
    renewed = bool(consent_renewed) and request.citizen_block is not None and not wiped \
        and request.consent_kind not in STRUCTURE_CONSENTS
    if wiped:
        wipe_citizen_data(request, now)
    request.author_id = colleague.id
    request.agent_read_at = None
    by_hr = actor.role == Role.HR
    label = f"Demande confiée à {colleague.full_name}" + (" par les RH de la structure" if by_hr else "")
    if wiped:
        label += " ; consentement oral donné au premier agent : données de l'usager effacées"
    elif renewed:
        label += f" ; accord oral de l'usager pour ce suivi attesté par {actor.full_name}"
    event(request, actor, "handover", label)
    audit(actor, "support.handover", request, {"from": previous, "to": colleague.id, "by_hr": by_hr,
                                               "citizen_block_wiped": wiped, "consent_renewed": renewed})
    notify.tell(colleague, request, f"La demande d'appui {request.reference} vous a été confiée.")
    db.session.commit()
    return wiped


def set_sharing(actor, request, shared):
    """Share (or not) the request with the colleagues of the agent's site."""
    if not request.is_owner(actor):
        raise RequestError("Seul l'agent qui a fait la demande peut la partager.")
    request.shared_with_site = bool(shared)
    audit(actor, "support.sharing", request, {"shared": bool(shared)})
    db.session.commit()


def mark_read(actor, request, messages=None):
    """The owner opened the request: its answers are read. Written only when an answer came since the last
    visit (otherwise the unread counts would not change): viewing a request is not a write each time.
    `messages` are the request's (each with its kind and creation), when the caller read them; `request` the
    mapped request or the request page's RequestView."""
    if not request.is_owner(actor):
        return
    seen = as_utc(request.agent_read_at)
    messages = request.messages if messages is None else messages
    if any(m.kind == MessageKind.ANSWER and (seen is None or as_utc(m.created_at) > seen) for m in messages):
        # An UPDATE of its own: `request` may be the request page's RequestView, not a mapped object.
        db.session.execute(db.update(SupportRequest).where(SupportRequest.id == request.id)
                           .values(agent_read_at=utcnow()))
        db.session.commit()


def add_message(request, actor, kind, body, hidden=False):
    """A message of the conversation, masked like every free text about a citizen; the caller commits."""
    text = redact(body or "").text.strip()
    if not text:
        raise RequestError("Le message est vide.", "body")
    if len(text) > TEXT_MAX:
        raise RequestError(f"Le message ne doit pas dépasser {TEXT_MAX} caractères.", "body")
    message = SupportMessage(request_id=request.id, author_id=getattr(actor, "id", None), kind=kind, body=text,
                             hidden_from_agent=hidden or kind == MessageKind.NOTE)
    db.session.add(message)
    return message


def save_preference(actor, opt_out):
    """Opt in or out of the back-office e-mails."""
    notify.set_email_opt_out(actor, opt_out)
    db.session.commit()
