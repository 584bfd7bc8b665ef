"""The report workflow: statuses, the transition table and the functions that apply it.

The team moves a report along `new -> qualified -> acknowledged -> in_progress -> fixed ->
verified`, with side states (`workaround_available`, `info_requested`) and closing states.
The agent who filed a report may only withdraw it while it is not yet qualified.
"""
from app.common.timezones import utcnow
from app.reports.enums import Status


class WorkflowError(ValueError):
    """A transition refused from the report's current status (French message)."""


S = Status
CLOSING = {S.DUPLICATE, S.NOT_REPRODUCIBLE, S.WONT_FIX, S.OUT_OF_SCOPE}
CLOSED = frozenset(CLOSING | {S.VERIFIED, S.WITHDRAWN})
OPEN = frozenset(set(S) - CLOSED)

# Transitions the owning team may make. Duplicate is reached only by merging (see triage.merge).
TEAM_TRANSITIONS = {
    S.NEW: {S.QUALIFIED, S.ACKNOWLEDGED, S.WORKAROUND_AVAILABLE, S.INFO_REQUESTED,
            S.NOT_REPRODUCIBLE, S.WONT_FIX, S.OUT_OF_SCOPE, S.DUPLICATE},
    S.QUALIFIED: {S.ACKNOWLEDGED, S.IN_PROGRESS, S.WORKAROUND_AVAILABLE, S.INFO_REQUESTED,
                  S.NOT_REPRODUCIBLE, S.WONT_FIX, S.OUT_OF_SCOPE, S.DUPLICATE},
    S.ACKNOWLEDGED: {S.IN_PROGRESS, S.FIXED, S.WORKAROUND_AVAILABLE, S.INFO_REQUESTED,
                     S.NOT_REPRODUCIBLE, S.WONT_FIX, S.DUPLICATE},
    S.IN_PROGRESS: {S.FIXED, S.WORKAROUND_AVAILABLE, S.INFO_REQUESTED, S.WONT_FIX, S.DUPLICATE},
    S.WORKAROUND_AVAILABLE: {S.IN_PROGRESS, S.FIXED, S.WONT_FIX, S.DUPLICATE},
    S.INFO_REQUESTED: {S.QUALIFIED, S.ACKNOWLEDGED, S.IN_PROGRESS, S.WORKAROUND_AVAILABLE,
                       S.NOT_REPRODUCIBLE, S.WONT_FIX, S.OUT_OF_SCOPE, S.DUPLICATE},
    S.FIXED: {S.VERIFIED, S.IN_PROGRESS},
    S.VERIFIED: set(),
    # A closed report can be reopened when new facts arrive.
    S.NOT_REPRODUCIBLE: {S.QUALIFIED},
    S.WONT_FIX: {S.QUALIFIED},
    S.OUT_OF_SCOPE: {S.QUALIFIED},
    S.DUPLICATE: set(),
    S.WITHDRAWN: set(),
}

# What a transition needs besides the target status.
REQUIRES_REASON = {S.WONT_FIX, S.OUT_OF_SCOPE, S.INFO_REQUESTED}
REQUIRES_REDIRECT = {S.OUT_OF_SCOPE}
REQUIRES_WORKAROUND = {S.WORKAROUND_AVAILABLE}
# Any first decision of the team meets the deadline to acknowledge the report.
ACKNOWLEDGING = frozenset(set(S) - {S.NEW, S.WITHDRAWN})


def team_targets(status):
    """Statuses the team may choose next, in workflow order (duplicate excluded: use merge)."""
    allowed = TEAM_TRANSITIONS.get(Status(status), set()) - {S.DUPLICATE}
    return [s for s in Status if s in allowed]


def check_team_transition(report, target, reason="", redirect="", workaround=""):
    """Refuse a team transition that the table or its required fields do not allow."""
    current = Status(report.status)
    try:
        target = Status(target)
    except ValueError:
        raise WorkflowError(f"Statut inconnu : {target}.") from None
    if target not in TEAM_TRANSITIONS[current]:
        raise WorkflowError(
            f"Une remontée « {current.label} » ne peut pas passer à « {target.label} »."
        )
    if target in REQUIRES_REASON and not (reason or "").strip():
        if target == S.INFO_REQUESTED:
            raise WorkflowError("Écrivez la question posée à l'agent.")
        raise WorkflowError(f"Indiquez la raison pour « {target.label} ».")
    if target in REQUIRES_REDIRECT and not (redirect or "").strip():
        raise WorkflowError("Indiquez vers quel service rediriger l'agent.")
    if target in REQUIRES_WORKAROUND and not ((workaround or "").strip() or report.workaround):
        raise WorkflowError("Décrivez le contournement à publier.")
    return target


def apply_status(report, target, now=None):
    """Set the status and the timestamps that depend on it (no checks, no I/O)."""
    now = now or utcnow()
    previous = report.status
    target = Status(target)
    if target == S.INFO_REQUESTED:
        report.status_before_info = previous
    report.status = target.value
    report.updated_at = now
    if target in ACKNOWLEDGING and report.acknowledged_at is None:
        report.acknowledged_at = now
    if target == S.FIXED:
        report.fixed_at = now
    if target in CLOSED:
        report.closed_at = now
    elif previous in CLOSED:
        report.closed_at = None
    return previous


def team_transition(report, target, reason="", redirect="", workaround="", now=None):
    """Move a report as its team; returns the previous status."""
    target = check_team_transition(report, target, reason, redirect, workaround)
    if target in (S.WONT_FIX, S.OUT_OF_SCOPE, S.NOT_REPRODUCIBLE):
        report.status_reason = (reason or "").strip()
    if target == S.OUT_OF_SCOPE:
        report.redirect_to = (redirect or "").strip()
    return apply_status(report, target, now)


def withdraw(report, user, now=None):
    """The author withdraws a report the team has not qualified yet."""
    if user.id != report.author_id:
        raise WorkflowError("Seul l'agent qui a déposé la remontée peut la retirer.")
    if not report.can_withdraw(user):
        raise WorkflowError(
            "Cette remontée a déjà été qualifiée par l'équipe : elle ne peut plus être retirée."
        )
    return apply_status(report, S.WITHDRAWN, now)


def resume_after_info(report, now=None):
    """The agent answered a request for information: back to the status before it."""
    if report.status != S.INFO_REQUESTED:
        raise WorkflowError("Aucune information n'est demandée sur cette remontée.")
    previous_target = report.status_before_info or S.NEW.value
    report.status_before_info = None
    return apply_status(report, previous_target, now)


def mark_duplicate(report, main, now=None):
    """Close a report as a duplicate of the main one (called by the merge use case)."""
    current = Status(report.status)
    if S.DUPLICATE not in TEAM_TRANSITIONS[current]:
        raise WorkflowError(
            f"Une remontée « {current.label} » ne peut pas être fusionnée dans une autre."
        )
    report.duplicate_of_id = main.id
    return apply_status(report, S.DUPLICATE, now)
