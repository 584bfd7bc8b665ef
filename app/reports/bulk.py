"""Bulk actions of the triage board: qualify, acknowledge, assign, label, close as duplicate of….

One use case, one commit: every selected report of the team is handled in the same transaction, with
an audit line each. Ids outside the team's scope are skipped (never named: they are not the team's);
a report whose status refuses the action is skipped with the workflow's French reason.
"""
from dataclasses import dataclass, field

from app.accounts.models import Role, User
from app.audit.services import audit
from app.extensions import db
from app.notifications.services import deliver_inline
from app.reports import labels, triage
from app.reports.enums import Status
from app.reports.models import Report
from app.reports.services import ReportError, key_clause, team_scope
from app.reports.workflow import OPEN

MAX_SELECTED = 100


@dataclass
class BulkResult:
    done: list = field(default_factory=list)  # references handled
    refused: list = field(default_factory=list)  # (reference, French reason)
    out_of_scope: int = 0  # ids not found in the team's reports


def _ids(raw_ids):
    ids = {int(raw) for raw in raw_ids if isinstance(raw, str) and raw.isascii() and raw.isdigit() and len(raw) <= 9}
    return sorted(ids)


def apply(actor, raw_ids, action, assignee_id=None, label_id=None, main_key=""):
    """Apply `action` to the team's reports among `raw_ids`; returns a BulkResult."""
    if actor.role != Role.TRIAGER or actor.team_id is None:
        raise ReportError("Seule une équipe peut traiter ses remontées.")
    ids = _ids(raw_ids)
    if not ids:
        raise ReportError("Cochez au moins une remontée.", "ids")
    if len(ids) > MAX_SELECTED:
        raise ReportError(f"Sélectionnez au plus {MAX_SELECTED} remontées à la fois.", "ids")
    assignee = label = main = None
    if action == "assign":
        assignee = db.session.get(User, assignee_id) if assignee_id else None
        if assignee_id and (assignee is None or assignee.role != Role.TRIAGER or assignee.team_id != actor.team_id
                            or not assignee.active):
            raise ReportError("Choisissez un membre actif de l'équipe.", "assignee")
    elif action == "label":
        label = labels.find_team_label(actor, label_id)
        if label is None:
            raise ReportError("Choisissez une étiquette de votre équipe.", "label")
    elif action == "duplicate":
        main = db.session.scalar(team_scope(actor).where(key_clause((main_key or "").strip().upper())))
        if main is None:
            raise ReportError("Aucune remontée de votre équipe ne porte cette référence.", "main")
        if main.status not in {s.value for s in OPEN}:
            raise ReportError(f"La remontée principale {main.reference} est close : choisissez une remontée ouverte.",
                              "main")
    elif action not in ("qualify", "acknowledge"):
        raise ReportError("Choisissez une action.", "action")

    reports = db.session.scalars(team_scope(actor).where(Report.id.in_(ids)).order_by(Report.id)).all()
    result = BulkResult(out_of_scope=len(ids) - len(reports))
    moved = []
    for report in reports:
        if not report.can_triage(actor):  # admins' scope is wider than a team's
            result.out_of_scope += 1
            continue
        try:
            details = _apply_one(actor, report, action, assignee, label, main)
        except ReportError as exc:
            result.refused.append((report.reference, str(exc)))
            continue
        audit(actor, f"report.bulk_{action}", report, details)
        result.done.append(report.reference)
        if action in ("qualify", "acknowledge"):
            moved.append(report)
    db.session.commit()
    deliver_inline()
    for report in moved:
        triage.announce(report)
    return result


def _apply_one(actor, report, action, assignee, label, main):
    """One report of the selection; raises ReportError before changing anything when it is refused."""
    if action == "qualify":
        previous = triage.move(actor, report, Status.QUALIFIED, "", {})
        return {"from": previous, "to": report.status}
    if action == "acknowledge":
        if report.acknowledged_at is not None or report.status != Status.NEW:
            raise ReportError(f"une remontée « {report.status_label} » a déjà été prise en compte")
        previous = triage.move(actor, report, Status.ACKNOWLEDGED, "", {})
        return {"from": previous, "to": report.status}
    if action == "assign":
        report.assignee_id = assignee.id if assignee else None
        return {"assignee": report.assignee_id}
    if action == "label":
        labels.add_label(report, label)
        return {"label": label.id}
    if report.id == main.id:
        raise ReportError("c'est la remontée principale")
    triage.merge_into(actor, report, main)
    return {"into": main.reference}


def summary(result, action):
    """The French flash message of a bulk action."""
    from app.reports.triage_forms import BULK_ACTIONS

    parts = []
    count = len(result.done)
    if count:
        parts.append(f"« {BULK_ACTIONS[action].rstrip('…')} » appliqué à {count} remontée{'s' if count > 1 else ''} "
                     f"({', '.join(result.done)}).")
    else:
        parts.append("Aucune remontée n'a été traitée.")
    for reference, reason in result.refused:
        parts.append(f"{reference} ignorée : {reason[:1].lower() + reason[1:].rstrip('.')}.")
    if result.out_of_scope:
        n = result.out_of_scope
        parts.append(f"{n} remontée{'s' if n > 1 else ''} ignorée{'s' if n > 1 else ''} : hors de votre équipe.")
    return " ".join(parts)
