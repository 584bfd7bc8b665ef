"""Triage use cases of the owning team: statuses, answers, workaround, assignee, tracker, merge.

Each function checks `report.can_triage(actor)` (a triager of the team, or a team token),
makes one commit and writes its audit line. Texts are masked like the agents' ones.
"""
from urllib.parse import urlsplit

from app.accounts.models import Role, User
from app.audit.services import audit
from app.common.timezones import utcnow
from app.extensions import db
from app.notifications.services import deliver_inline
from app.reports import notify, signals, webhooks
from app.reports.enums import CommentKind, Status, WebhookEvent
from app.reports.models import MeToo, ReportComment, ReportEvent, ReportFollower
from app.reports.services import ReportError, clean, comment_payload, mask, recount_impact
from app.reports.workflow import (
    CLOSING,
    OPEN,
    TEAM_TRANSITIONS,
    WorkflowError,
    check_team_transition,
    mark_duplicate,
    team_transition,
)


def _require_team(actor, report):
    if not report.can_triage(actor):
        raise ReportError("Cette remontée ne relève pas de votre équipe.")


def _actor_id(actor):
    # Team tokens act for the team, not for a person: no user to record.
    return actor.id if isinstance(actor, User) else None


def _status_changed(actor, report, previous, note=""):
    db.session.add(ReportEvent(report_id=report.id, from_status=previous, to_status=report.status,
                               by_team=True, note=note[:500]))
    webhooks.queue_event(report, WebhookEvent.STATUS_CHANGED,
                         {"change": {"from": previous, "to": report.status}})
    notify.notify_followers(
        report, "report_status",
        f"La remontée {report.reference} est passée au statut « {report.status_label} ».",
    )


def _public_comment(actor, report, text, counts, kind=CommentKind.PUBLIC_ANSWER):
    comment = ReportComment(report_id=report.id, author_id=_actor_id(actor), kind=kind.value,
                            body=text, redaction_counts=counts)
    db.session.add(comment)
    db.session.flush()
    if kind == CommentKind.PUBLIC_ANSWER and report.answered_at is None:
        report.answered_at = utcnow()
    webhooks.queue_event(report, WebhookEvent.COMMENTED, {"comment": comment_payload(comment)})
    return comment


def change_status(actor, report, target, reason="", redirect="", workaround=""):
    """Move a report along the workflow; a question, reason or workaround goes with it."""
    set_status(actor, report, target, reason, redirect, workaround)
    db.session.commit()
    deliver_inline()
    announce(report)
    return report


def set_status(actor, report, target, reason="", redirect="", workaround=""):
    """The work of change_status (texts masked, audited), without commit or announce."""
    _require_team(actor, report)
    reason_text, reason_counts = mask((reason or "").strip()[:3000])
    redirect_text, _ = mask((redirect or "").strip()[:300])
    workaround_text, workaround_counts = mask((workaround or "").strip()[:5000])
    previous = move(actor, report, target, reason_text, reason_counts, redirect_text, workaround_text)
    audit(actor, "report.status", report, {"from": previous, "to": report.status,
                                           "masked": sum(reason_counts.values()) + sum(workaround_counts.values())})


def announce(report):
    """After a committed status change: tell the domains that listen (the passport counts contributions)."""
    status = Status(report.status)
    if status in signals.ACCEPTING:
        signals.report_qualified.send(None, report=report)
    elif status == Status.VERIFIED:
        signals.report_fix_verified.send(None, report=report)


def move(actor, report, target, reason_text, reason_counts, redirect_text="", workaround_text=""):
    """The status change of change_status on already masked texts, without audit or commit (for the
    use cases that change the status along with something else); returns the previous status."""
    try:
        target = check_team_transition(report, target, reason_text, redirect_text, workaround_text)
    except WorkflowError as exc:
        raise ReportError(str(exc), "status") from None
    if target == Status.DUPLICATE:
        raise ReportError("Pour marquer un doublon, fusionnez-le dans la remontée principale.", "status")
    previous = team_transition(report, target, reason_text, redirect_text, workaround_text)
    if target == Status.INFO_REQUESTED:
        _public_comment(actor, report, reason_text, reason_counts)
    if target == Status.WORKAROUND_AVAILABLE and workaround_text:
        report.workaround = workaround_text
        report.workaround_at = utcnow()
    if target in CLOSING or target == Status.WORKAROUND_AVAILABLE:
        report.answered_at = report.answered_at or utcnow()
    _status_changed(actor, report, previous, reason_text)
    return previous


def publish_workaround(actor, report, text):
    """Publish a workaround shown to every agent who filed or joined the report."""
    _require_team(actor, report)
    masked, counts = mask((text or "").strip()[:5000])
    if not masked.strip():
        raise ReportError("Décrivez le contournement.", "workaround")
    report.workaround = masked
    report.workaround_at = utcnow()
    report.answered_at = report.answered_at or report.workaround_at
    report.updated_at = report.workaround_at
    previous = report.status
    if Status.WORKAROUND_AVAILABLE in TEAM_TRANSITIONS.get(Status(report.status), set()):
        team_transition(report, Status.WORKAROUND_AVAILABLE, workaround=masked)
        _status_changed(actor, report, previous, "Contournement publié")
    else:
        notify.notify_followers(report, "report_workaround",
                                f"Un contournement est publié sur la remontée {report.reference}.")
    audit(actor, "report.workaround", report, {"masked": sum(counts.values())})
    db.session.commit()
    deliver_inline()
    return report


def add_team_comment(actor, report, body, internal=False):
    """A public answer (seen by the report's agents) or an internal note (team only)."""
    _require_team(actor, report)
    text, counts = mask((body or "").strip()[:5000])
    if not text.strip():
        raise ReportError("Écrivez le texte du commentaire.", "body")
    kind = CommentKind.INTERNAL_NOTE if internal else CommentKind.PUBLIC_ANSWER
    comment = _public_comment(actor, report, text, counts, kind)
    report.updated_at = utcnow()
    if not internal:
        notify.notify_followers(report, "report_answer",
                                f"L'équipe a répondu sur la remontée {report.reference}.")
    audit(actor, "report.comment", report, {"kind": kind.value, "masked": sum(counts.values())})
    db.session.commit()
    deliver_inline()
    return comment


def assign(actor, report, assignee):
    """Give the report to a member of the team (or to nobody)."""
    give_to(actor, report, assignee)
    db.session.commit()
    return report


def give_to(actor, report, assignee):
    """The work of assign, audited, without commit (for the use cases that change several fields)."""
    _require_team(actor, report)
    if assignee is not None and (assignee.role != Role.TRIAGER or assignee.team_id != report.application.team_id
                                 or not assignee.active):
        raise ReportError("Choisissez un membre actif de l'équipe.", "assignee")
    report.assignee_id = assignee.id if assignee else None
    report.updated_at = utcnow()
    audit(actor, "report.assign", report, {"assignee": report.assignee_id})


def team_members(actor):
    team_id = getattr(actor, "team_id", None)
    return db.session.scalars(
        db.select(User).where(User.team_id == team_id, User.role == Role.TRIAGER, User.active.is_(True))
        .order_by(User.full_name)
    ).all()


def set_tracker(actor, report, url, key):
    """Link the report to the team's own tracker (address and key)."""
    link_tracker(actor, report, url, key)
    db.session.commit()
    return report


def link_tracker(actor, report, url, key):
    """The work of set_tracker, audited, without commit (for the use cases that change several fields)."""
    _require_team(actor, report)
    url, key = clean(url).strip(), clean(key).strip()
    if url and (urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).netloc):
        raise ReportError("L'adresse du ticket doit commencer par https://.", "tracker_url")
    if len(url) > 500 or len(key) > 60:
        raise ReportError("Adresse ou clé trop longue.", "tracker_url")
    report.tracker_url, report.tracker_key = url, key
    report.updated_at = utcnow()
    audit(actor, "report.tracker", report, {"key": key})


def merge(actor, duplicate, main):
    """Close `duplicate` into `main`: its me-too, impact and followers move to the main report."""
    try:
        merge_into(actor, duplicate, main)
    except ReportError:
        db.session.rollback()  # nothing of a refused merge stays in the session
        raise
    audit(actor, "report.merge", duplicate, {"into": main.reference})
    db.session.commit()
    deliver_inline()
    return main


def merge_into(actor, duplicate, main):
    """The work of merge, without audit or commit (the bulk action merges several reports at once)."""
    _require_team(actor, duplicate)
    _require_team(actor, main)
    if duplicate.id == main.id:
        raise ReportError("Une remontée ne peut pas être fusionnée dans elle-même.", "main")
    if main.status not in {s.value for s in OPEN}:
        raise ReportError(f"La remontée principale {main.reference} est close : choisissez une remontée ouverte.",
                          "main")
    try:
        previous = mark_duplicate(duplicate, main)
    except WorkflowError as exc:
        raise ReportError(str(exc), "main") from None
    # The duplicate's own impact becomes a "moi aussi" of its author on the main report.
    db.session.add(MeToo(
        report_id=main.id, user_id=duplicate.author_id, organisation_id=duplicate.organisation_id,
        people_affected=duplicate.people_affected, citizen_blocked=duplicate.citizen_blocked,
        merged_from_id=duplicate.id, created_at=duplicate.created_at,
    ))
    db.session.execute(
        db.update(MeToo).where(MeToo.report_id == duplicate.id)
        .values(report_id=main.id, merged_from_id=duplicate.id)
    )
    already = set(db.session.scalars(db.select(ReportFollower.user_id).where(ReportFollower.report_id == main.id)))
    for follower in db.session.scalars(db.select(ReportFollower).where(ReportFollower.report_id == duplicate.id)):
        if follower.user_id not in already:
            db.session.add(ReportFollower(report_id=main.id, user_id=follower.user_id, reason=follower.reason))
            already.add(follower.user_id)
    db.session.flush()
    recount_impact(main)
    duplicate.me_too_count = 0
    duplicate.people_total = duplicate.people_affected
    duplicate.blocked_total = duplicate.people_affected if duplicate.citizen_blocked else 0
    duplicate.answered_at = duplicate.answered_at or utcnow()
    main.right_at_risk = main.right_at_risk or duplicate.right_at_risk
    main.updated_at = utcnow()
    note = f"Doublon de {main.reference}"
    db.session.add(ReportEvent(report_id=duplicate.id, from_status=previous, to_status=duplicate.status,
                               by_team=True, note=note))
    webhooks.queue_event(duplicate, WebhookEvent.STATUS_CHANGED,
                         {"change": {"from": previous, "to": duplicate.status, "duplicate_of": main.reference}})
    notify.notify_followers(
        duplicate, "report_merged",
        f"La remontée {duplicate.reference} est un doublon de {main.reference} : suivez désormais {main.reference}.",
    )
    return main
