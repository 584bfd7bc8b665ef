"""Triage use cases of the report page that go beyond one field: answer and change the status in one
submit, acknowledge receipt. Each checks the team, makes one commit and writes one audit line."""
from app.audit.services import audit
from app.common.timezones import utcnow
from app.extensions import db
from app.notifications.services import deliver_inline
from app.reports import notify, triage
from app.reports.enums import CommentKind, Status
from app.reports.services import ReportError, mask
from app.reports.workflow import REQUIRES_REASON

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
