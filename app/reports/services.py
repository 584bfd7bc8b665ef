"""Report use cases for agents, and the queries that scope reports to who may see them.

Every free text is masked by `redact` before it is stored; only the masked text and the
count of each kind found are kept.
"""
import functools
import hmac
import re
import time
from collections import defaultdict

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer
from itsdangerous.encoding import base64_encode, int_to_bytes
from sqlalchemy import false
from sqlalchemy.exc import IntegrityError

from app.accounts.models import Role
from app.audit.services import audit, record_read_audit
from app.common.timezones import utcnow
from app.extensions import db
from app.notifications.services import deliver_inline
from app.reports import images, notify, search, webhooks
from app.reports.enums import (
    Browser,
    CommentKind,
    Device,
    FollowReason,
    ProblemType,
    Reproducible,
    Status,
    WebhookEvent,
)
from app.reports.models import (
    REDACTION_KINDS,
    Application,
    MeToo,
    NotificationSetting,
    Procedure,
    Report,
    ReportAttachment,
    ReportComment,
    ReportEvent,
    ReportFollower,
    Step,
    empty_counts,
)
from app.reports.redaction import redact
from app.reports.workflow import OPEN, WorkflowError, resume_after_info, withdraw

REFERENCE = re.compile(r"^R-\d{4}-\d{6}$")
# Control characters (NUL above all, which PostgreSQL refuses in text) never reach the database.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Free-text fields of a report, all masked before saving (with their maximum length).
TEXT_FIELDS = {
    "title": 200, "screen": 200, "page_url": 500, "what_happened": 5000, "expected": 3000,
    "error_message": 2000, "workaround_used": 3000, "citizen_words": 3000,
}
MAX_PEOPLE = 100_000


class ReportError(ValueError):
    """A report use case refused its input (French message)."""

    def __init__(self, message, field=None, detail=None):
        super().__init__(message)
        self.field = field
        self.detail = detail  # what to say next to the field, when it differs from the message


# --- scope ------------------------------------------------------------------------------------------


def team_scope(user):
    """Reports a user may triage or read as a team member (admins: all); others: none."""
    query = db.select(Report).join(Application, Report.application_id == Application.id)
    if user.role == Role.ADMIN:
        return query
    if user.role == Role.TRIAGER and user.team_id is not None:
        return query.where(Application.team_id == user.team_id)
    return query.where(false())


def agent_scope(user):
    """Reports an agent filed or joined."""
    if user.role != Role.AGENT or user.id is None:
        return db.select(Report).where(false())
    return db.select(Report).join(
        ReportFollower, (ReportFollower.report_id == Report.id) & (ReportFollower.user_id == user.id)
    )


def visible_reports(user):
    """Reports whose full detail this user may open."""
    return agent_scope(user) if user.role == Role.AGENT else team_scope(user)


def clean(value):
    """Text without control characters (tabs and line breaks kept)."""
    return CONTROL.sub("", value or "")


def key_clause(key):
    key = clean(str(key)).strip()
    if key.isascii() and key.isdigit() and len(key) <= 9:  # "³".isdigit() is True too
        return Report.id == int(key)
    if REFERENCE.match(key.upper()):
        return Report.reference == key.upper()
    return false()


def find_report(user, key):
    """The report with this id or reference, if this user may open it; else None."""
    return db.session.scalar(visible_reports(user).where(key_clause(key)))


def record_read(user, report, attachment_id=None):
    """Audit a team member's or admin's read of a report or download of a screenshot (who, what, when)."""
    if user.role not in (Role.TRIAGER, Role.ADMIN):
        return  # agents read the reports they filed or joined: not someone else's data
    if attachment_id is None:
        record_read_audit(user, "report.read", report, {})
    else:  # nothing else written: one round trip, no wait for the WAL flush on PostgreSQL
        record_read_audit(user, "report.attachment_read", report, {"attachment": attachment_id})


def find_open_report(key):
    """An open report by id or reference, for the reduced view and "moi aussi"."""
    return db.session.scalar(
        db.select(Report).where(key_clause(key), Report.status.in_([s.value for s in OPEN]))
    )


# « Moi aussi » is offered on the reports the similar search showed to this agent: each one it shows
# carries a signed offer (agent, report), valid for a day. Report ids are sequential: without it any
# agent could join (and follow) any open report.
ME_TOO_OFFER_SECONDS = 24 * 3600


def _offers():
    return _offers_signed_with(current_app.secret_key)


@functools.lru_cache(maxsize=4)
def _offers_signed_with(secret_key):
    # Made once per key (making one costs twice what signing an offer does; the search signs one per report shown).
    return URLSafeTimedSerializer(secret_key, salt="report-me-too-offer")


class _OfferSigner:
    """_offers().dumps([user id, report id]), byte for byte (the same offers, read by the same serializer), with
    the HMAC's derived key set once: about 4 µs per offer instead of 23 (the search signs one per report shown).

    The serializer writes its compact JSON, base64 (zlib never shortens a JSON this short: `dumps` itself is
    called past 24 bytes), a dot, the time in seconds, a dot, the HMAC of what precedes."""

    def __init__(self, serializer):
        signer = serializer.make_signer(serializer.salt)
        self.serializer = serializer
        self.mac = hmac.new(signer.derive_key(), digestmod=signer.digest_method)

    def dumps(self, user_id, report_id):
        payload = b"[%d,%d]" % (user_id, report_id)
        if len(payload) > 24:
            return self.serializer.dumps([user_id, report_id])
        value = base64_encode(payload) + b"." + base64_encode(int_to_bytes(int(time.time())))
        mac = self.mac.copy()
        mac.update(value)
        return (value + b"." + base64_encode(mac.digest())).decode("ascii")


@functools.lru_cache(maxsize=4)
def _offer_signer(secret_key):
    return _OfferSigner(_offers_signed_with(secret_key))


def me_too_offer(user, report_id):
    """The signed offer to join this report, for the agent the similar search shows it to."""
    return _offer_signer(current_app.secret_key).dumps(int(user.id), int(report_id))


def find_offered_report(user, key, offer):
    """The open report by id or reference if the similar search offered it to this agent; else None."""
    report = find_open_report(key)
    if report is None or not offer or user.role != Role.AGENT:
        return None
    try:
        offered = _offers().loads(offer, max_age=ME_TOO_OFFER_SECONDS)
    except BadSignature:
        return None
    return report if offered == [user.id, report.id] else None


def active_applications():
    return db.session.scalars(
        db.select(Application).where(Application.is_active.is_(True)).order_by(Application.name)
    ).all()


def team_applications(user):
    query = db.select(Application).where(Application.is_active.is_(True)).order_by(Application.name)
    if user.role != Role.ADMIN:
        query = query.where(Application.team_id == (user.team_id if user.role == Role.TRIAGER else -1))
    return db.session.scalars(query).all()


def application_by_code(code):
    return db.session.scalar(
        db.select(Application).where(Application.code == clean(code).strip().lower())
    )


# --- masking ------------------------------------------------------------------------------------------


def mask(text):
    """(masked text, counts) of one free text."""
    result = redact(clean(text))
    return result.text, {k: int(result.found.get(k, 0)) for k in REDACTION_KINDS}


def mask_fields(values):
    """Mask every free-text field of a report; returns (masked values, summed counts)."""
    masked, counts = {}, empty_counts()
    for name in TEXT_FIELDS:
        text, found = mask(values.get(name) or "")
        masked[name] = text.strip()
        for kind, count in found.items():
            counts[kind] += count
    return masked, counts


# --- filing -------------------------------------------------------------------------------------------


def _check_choice(value, enum, field, message):
    if value not in enum.values():
        raise ReportError(message, field)
    return value


def check_values(values):
    """Validate a report's input the same way for the form and the API; returns the catalogue rows."""
    application = db.session.get(Application, values.get("application_id") or 0)
    if application is None or not application.is_active:
        raise ReportError("Choisissez un service en ligne du catalogue.", "application")
    procedure = step = None
    if values.get("procedure_id"):
        procedure = db.session.get(Procedure, values["procedure_id"])
        if procedure is None or procedure.application_id != application.id or not procedure.is_active:
            raise ReportError("Cette démarche n'appartient pas au service choisi.", "procedure")
    if values.get("step_id"):
        step = db.session.get(Step, values["step_id"])
        if step is None or procedure is None or step.procedure_id != procedure.id:
            raise ReportError("Cette étape n'appartient pas à la démarche choisie.", "step")
    _check_choice(values.get("problem_type"), ProblemType, "problem_type", "Choisissez le type de problème.")
    for name in ("title", "what_happened"):
        if not (values.get(name) or "").strip():
            raise ReportError("Ce champ est obligatoire.", name)
    for name, limit in TEXT_FIELDS.items():
        if len(values.get(name) or "") > limit:
            raise ReportError(f"Ce texte dépasse {limit} caractères.", name)
    people = values.get("people_affected") or 1
    if not isinstance(people, int) or not 1 <= people <= MAX_PEOPLE:
        raise ReportError("Indiquez un nombre de personnes entre 1 et 100 000.", "people_affected")
    if values.get("on_behalf") and not values.get("consent"):
        raise ReportError(
            "Cochez cette case seulement si la personne a donné son accord : sinon, ne la mentionnez pas.",
            "consent",
        )
    occurred = values.get("occurred_at")
    if occurred is not None and occurred > utcnow():
        raise ReportError("La date ne peut pas être dans le futur.", "occurred_at")
    return application, procedure, step


def preview(values):
    """What would be stored: masked texts and the counts of each kind found."""
    check_values(values)
    return mask_fields(values)


def file_report(actor, values, screenshots=(), agent_browser=""):
    """File a report (texts masked, screenshots stored); returns the saved report."""
    # Back-office experts file the remontée of a recurring problem (issue 16).
    if actor.role not in (Role.AGENT, Role.EXPERT):
        raise ReportError("Seuls les agents d'accueil déposent des remontées.")
    application, procedure, step = check_values(values)
    key = (values.get("submission_key") or "")[:64] or None
    if key is not None and (already := _filed_with(actor, key)) is not None:
        return already  # the same form posted again: nothing new
    masked, counts = mask_fields(values)
    now = utcnow()
    people = values.get("people_affected") or 1
    blocked = bool(values.get("citizen_blocked"))
    report = Report(
        author_id=actor.id,
        organisation_id=actor.organisation_id,
        application_id=application.id,
        procedure_id=procedure.id if procedure else None,
        step_id=step.id if step else None,
        problem_type=values["problem_type"],
        occurred_at=values.get("occurred_at"),
        citizen_device=values.get("citizen_device") if values.get("citizen_device") in Device.values() else Device.UNKNOWN.value,
        citizen_browser=values.get("citizen_browser") if values.get("citizen_browser") in Browser.values() else Browser.UNKNOWN.value,
        agent_browser=(agent_browser or "")[:120],
        reproducible=values.get("reproducible") if values.get("reproducible") in Reproducible.values() else Reproducible.UNTRIED.value,
        citizen_blocked=blocked,
        right_at_risk=bool(values.get("right_at_risk")),
        people_affected=people,
        on_behalf=bool(values.get("on_behalf")),
        consent=bool(values.get("on_behalf") and values.get("consent")),
        redaction_counts=counts,
        status=Status.NEW.value,
        people_total=min(people, current_app.config["REPORT_PEOPLE_PER_ORGANISATION_DAY"]),
        blocked_total=min(people, current_app.config["REPORT_PEOPLE_PER_ORGANISATION_DAY"]) if blocked else 0,
        created_at=now,
        updated_at=now,
        submission_key=key,
        **masked,
    )
    if not report.on_behalf:
        report.citizen_words = ""
    report.search_text = search.report_search_text(report)
    report.set_deadlines(application)
    db.session.add(report)
    try:
        db.session.flush()
    except IntegrityError:
        # The same form posted twice at the same moment: the other request filed it.
        db.session.rollback()
        already = _filed_with(actor, key) if key is not None else None
        if already is None:
            raise
        return already
    report.reference = f"R-{now.year}-{report.id:06d}"
    db.session.add(ReportFollower(report_id=report.id, user_id=actor.id, reason=FollowReason.AUTHOR.value))
    db.session.add(ReportEvent(report_id=report.id, from_status=None, to_status=Status.NEW.value))
    for index, shot in enumerate(screenshots, start=1):
        stored = images.store_attachment(shot)
        db.session.add(ReportAttachment(
            report_id=report.id, stored_name=stored, download_name=f"{report.reference}-capture-{index}.{shot.suffix}",
            content_type=shot.content_type, size=len(shot.data), width=shot.width, height=shot.height,
        ))
    db.session.flush()
    webhooks.queue_event(report, WebhookEvent.REPORT_CREATED)
    audit(actor, "report.create", report, {"reference": report.reference, "masked": sum(counts.values())})
    db.session.commit()
    return report


def _filed_with(actor, key):
    return db.session.scalar(db.select(Report).where(Report.author_id == actor.id, Report.submission_key == key))


# --- agents' follow-up --------------------------------------------------------------------------------


def _bounded_total(entries):
    """Sum of (organisation, day, people) entries, each organisation counting at most the daily limit
    per day: one structure (or one account) cannot push a report to the top of the board."""
    limit = current_app.config["REPORT_PEOPLE_PER_ORGANISATION_DAY"]
    per_day = defaultdict(int)
    for organisation_id, day, people in entries:
        per_day[(organisation_id, day)] += people
    return sum(min(people, limit) for people in per_day.values())


def recount_impact(report):
    """Recompute the impact counters from the report and its me-too rows (bounded per organisation and day)."""
    rows = db.session.execute(
        db.select(MeToo.organisation_id, MeToo.created_at, MeToo.people_affected, MeToo.citizen_blocked)
        .where(MeToo.report_id == report.id)
    ).all()
    created = (report.created_at or utcnow()).date()
    own = (report.organisation_id, created, report.people_affected)
    others = [(o, (at or utcnow()).date(), p) for o, at, p, _b in rows]
    report.me_too_count = len(rows)
    report.people_total = _bounded_total([own, *others])
    blocked = [(o, (at or utcnow()).date(), p) for o, at, p, b in rows if b]
    if report.citizen_blocked:
        blocked.append(own)
    report.blocked_total = _bounded_total(blocked)


def add_me_too(actor, report, people_affected=1, citizen_blocked=False):
    """An agent met the same problem: their organisation, date and impact join the report."""
    if actor.role != Role.AGENT:
        raise ReportError("Seuls les agents d'accueil peuvent signaler « moi aussi ».")
    if not report.is_open:
        raise ReportError("Cette remontée est close : déposez une nouvelle remontée si le problème persiste.")
    if report.author_id == actor.id:
        raise ReportError("Vous avez déposé cette remontée : complétez-la plutôt par un message.")
    if report.is_followed_by(actor):
        raise ReportError("Vous avez déjà signalé ce problème sur cette remontée.")
    if not isinstance(people_affected, int) or not 1 <= people_affected <= MAX_PEOPLE:
        raise ReportError("Indiquez un nombre de personnes entre 1 et 100 000.", "people_affected")
    db.session.add(MeToo(
        report_id=report.id, user_id=actor.id, organisation_id=actor.organisation_id,
        people_affected=people_affected, citizen_blocked=bool(citizen_blocked),
    ))
    db.session.add(ReportFollower(report_id=report.id, user_id=actor.id, reason=FollowReason.ME_TOO.value))
    db.session.flush()
    recount_impact(report)
    report.updated_at = utcnow()
    audit(actor, "report.me_too", report, {"people": people_affected})
    db.session.commit()
    return report


def withdraw_report(actor, report):
    """The author withdraws a report not yet qualified."""
    try:
        previous = withdraw(report, actor)
    except WorkflowError as exc:
        raise ReportError(str(exc)) from None
    db.session.add(ReportEvent(report_id=report.id, from_status=previous, to_status=report.status))
    webhooks.queue_event(report, WebhookEvent.STATUS_CHANGED, {"change": {"from": previous, "to": report.status}})
    notify.notify_team(report, "report_withdrawn", f"La remontée {report.reference} a été retirée par l'agent.")
    audit(actor, "report.withdraw", report)
    db.session.commit()
    deliver_inline()


def post_agent_message(actor, report, body):
    """An agent following the report writes to the team; it answers a pending request for information."""
    # Agents who said « moi aussi » do not see the discussion (reduced view): only the author writes.
    if actor.role != Role.AGENT or report.author_id != actor.id:
        raise ReportError("Seul l'agent qui a déposé cette remontée peut écrire à l'équipe.")
    if report.is_closed:
        raise ReportError("Cette remontée est close : déposez une nouvelle remontée si besoin.")
    text, counts = mask((body or "").strip()[:5000])
    if not text.strip():
        raise ReportError("Écrivez votre message.", "body")
    comment = ReportComment(report_id=report.id, author_id=actor.id, kind=CommentKind.AGENT_MESSAGE.value,
                            body=text, redaction_counts=counts)
    db.session.add(comment)
    db.session.flush()
    if report.status == Status.INFO_REQUESTED:
        previous = resume_after_info(report)
        db.session.add(ReportEvent(report_id=report.id, from_status=previous, to_status=report.status,
                                   note="Réponse de l'agent"))
        webhooks.queue_event(report, WebhookEvent.STATUS_CHANGED,
                             {"change": {"from": previous, "to": report.status}})
    report.updated_at = utcnow()
    webhooks.queue_event(report, WebhookEvent.COMMENTED, {"comment": comment_payload(comment)})
    notify.notify_team(report, "report_message", f"Nouveau message d'un agent sur la remontée {report.reference}.")
    audit(actor, "report.agent_message", report, {"masked": sum(counts.values())})
    db.session.commit()
    deliver_inline()
    return comment


def comment_payload(comment):
    return {"kind": comment.kind, "body": comment.body, "created_at": comment.created_at.isoformat()
            if comment.created_at else utcnow().isoformat()}


def set_email_opt_in(actor, enabled):
    """Choose whether report notifications also come by e-mail."""
    setting = db.session.get(NotificationSetting, actor.id)
    if setting is None:
        setting = NotificationSetting(user_id=actor.id)
        db.session.add(setting)
    setting.email_opt_in = bool(enabled)
    audit(actor, "report.email_opt_in" if enabled else "report.email_opt_out", actor)
    db.session.commit()


def email_opt_in(user):
    setting = db.session.get(NotificationSetting, user.id)
    return bool(setting and setting.email_opt_in)
