"""Triage use cases of the report page that go beyond one field: answer and change the status in one
submit, acknowledge receipt. Each checks the team and makes one commit."""
from app.accounts.models import Role, User, normalise_email
from app.audit.services import audit
from app.common.timezones import utcnow
from app.extensions import db
from app.notifications.services import deliver_inline
from app.reports import notify, triage
from app.reports.enums import CommentKind, Status
from app.reports.services import ReportError, find_report, mask
from app.reports.workflow import REQUIRES_REASON, WorkflowError, check_team_transition

# Statuses whose reason agents read (the decision callout, the question): the text goes out as an answer.
PUBLIC_REASON = REQUIRES_REASON | {Status.NOT_REPRODUCIBLE}


def respond(actor, report, body="", internal=False, status="", redirect="", workaround=""):
    """One submit of the team's comment box: an answer or an internal note, and/or a status change.

    The text is the reason of a status that needs one (« Ne sera pas corrigée », the question of
    « Informations demandées »...): it is then published as an answer, never kept as an internal note.
    Returns the comment written (or None).
    """
    triage._require_team(actor, report)
    text, counts = mask((body or "").strip()[:5000])
    redirect_text, _ = mask((redirect or "").strip()[:300])
    workaround_text, workaround_counts = mask((workaround or "").strip()[:5000])
    target = Status(status) if status in Status.values() else None
    if status and target is None:
        raise ReportError(f"Statut inconnu : {status}.", "status")
    if target is None and not text.strip():
        raise ReportError("Écrivez une réponse ou une note, ou choisissez un nouveau statut.", "body")
    reason_is_text = target in PUBLIC_REASON
    if reason_is_text and internal:
        raise ReportError(
            f"Les agents lisent la raison du statut « {target.label} » : choisissez « Répondre », pas une note interne.",
            "visibility")
    previous = None
    if target is not None:
        previous = triage.move(actor, report, target, text if reason_is_text else "", counts if reason_is_text else {},
                               redirect_text, workaround_text)
    comment = None
    # The question of « Informations demandées » is already posted by the status change.
    if text.strip() and target != Status.INFO_REQUESTED:
        kind = CommentKind.INTERNAL_NOTE if internal else CommentKind.PUBLIC_ANSWER
        comment = triage._public_comment(actor, report, text, counts, kind)
        if not internal and target is None:
            notify.notify_followers(report, "report_answer",
                                    f"L'équipe a répondu sur la remontée {report.reference}.")
    report.updated_at = utcnow()
    audit(actor, "report.respond", report, {
        "kind": "internal_note" if internal else "public_answer" if text.strip() else None,
        "from": previous, "to": report.status if target is not None else None,
        "masked": sum(counts.values()) + sum(workaround_counts.values()),
    })
    db.session.commit()
    deliver_inline()
    if target is not None:
        triage.announce(report)
    return comment


def acknowledge(actor, report):
    """« Accuser réception »: the team tells the agents it has the report (meets the acknowledgement deadline)."""
    triage._require_team(actor, report)
    if report.acknowledged_at is not None:
        raise ReportError("La réception de cette remontée a déjà été accusée.", "status")
    if report.status != Status.NEW:
        raise ReportError(
            f"Une remontée « {report.status_label} » ne peut pas recevoir d'accusé de réception.", "status")
    previous = triage.move(actor, report, Status.ACKNOWLEDGED, "", {})
    audit(actor, "report.acknowledge", report, {"from": previous})
    db.session.commit()
    deliver_inline()
    triage.announce(report)
    return report


UNCHANGED = object()


def update(actor, report, status="", reason="", redirect="", workaround="", duplicate_of="", assignee=UNCHANGED,
           tracker_url=None, tracker_key=None):
    """The API's PATCH: tracker link, assignee (an e-mail, or None for nobody) and status (or a merge into
    `duplicate_of`) in one transaction: one commit, the audit line of each change, and nothing applied
    when any part is refused. `tracker_url`/`tracker_key` None keep the current value."""
    main = member = None
    # Check what the request names first, so that a refused change says which field is wrong.
    if status == Status.DUPLICATE:
        main = find_report(actor, duplicate_of or "")
        if main is None:
            raise ReportError("Indiquez la remontée principale de votre équipe.", "duplicate_of",
                              "Référence inconnue.")
    elif status:
        try:
            check_team_transition(report, status, reason, redirect, workaround)
        except WorkflowError as exc:
            raise ReportError(str(exc), "status") from None
    if assignee and assignee is not UNCHANGED:
        member = db.session.scalar(db.select(User).where(User.email == normalise_email(assignee)))
        if member is None or member.team_id != actor.team_id or member.role != Role.TRIAGER:
            raise ReportError("Choisissez un membre de l'équipe.", "assignee",
                              "Aucun membre de l'équipe avec cette adresse.")
    try:
        if tracker_url is not None or tracker_key is not None:
            triage.link_tracker(actor, report, report.tracker_url if tracker_url is None else tracker_url,
                                report.tracker_key if tracker_key is None else tracker_key)
        if assignee is not UNCHANGED:
            triage.give_to(actor, report, member)
        if main is not None:
            triage.merge_into(actor, report, main)
            audit(actor, "report.merge", report, {"into": main.reference})
        elif status:
            triage.set_status(actor, report, status, reason, redirect, workaround)
    except ReportError:
        db.session.rollback()
        raise
    db.session.commit()
    deliver_inline()
    if status and main is None:
        triage.announce(report)
    return report
