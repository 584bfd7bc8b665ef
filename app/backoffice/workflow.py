"""The support request workflow: an explicit transition table per action.

new -> taken (« je m'en occupe ») -> answered -> closed (by the agent, with the usefulness answer).
« Pas le bon interlocuteur » reroutes to another group (rerouted, waiting to be taken again);
« transfert au niveau expert » keeps the case with the operator's own systems (transferred) while
the agent stays owner; a new message of the agent reopens an answered or closed request.
"""
from app.backoffice.enums import Status

S = Status
OPEN = frozenset(set(S) - {S.CLOSED})
WAITING = frozenset({S.NEW, S.REROUTED})

# action -> (statuses it may start from, status it leads to; None = unchanged)
TRANSITIONS = {
    "take": (frozenset({S.NEW, S.REROUTED, S.ANSWERED}), S.TAKEN),
    "answer": (frozenset({S.NEW, S.REROUTED, S.TAKEN, S.TRANSFERRED, S.ANSWERED}), S.ANSWERED),
    "note": (OPEN, None),
    "reroute": (frozenset({S.NEW, S.REROUTED, S.TAKEN}), S.REROUTED),
    "invite": (OPEN, None),
    "transfer": (frozenset({S.TAKEN, S.ANSWERED}), S.TRANSFERRED),
    "close": (OPEN, S.CLOSED),
    "reopen": (frozenset({S.ANSWERED, S.CLOSED}), None),  # target depends on the assignee
    "message": (OPEN, None),
    "handover": (OPEN, None),
}


class WorkflowError(ValueError):
    """An action refused from the request's current status (French message)."""


def check(request, action):
    """The status `action` leads to from the request's status; WorkflowError when not allowed."""
    allowed, target = TRANSITIONS[action]
    current = Status(request.status)
    if current not in allowed:
        raise WorkflowError(f"Action impossible sur une demande « {current.label} ».")
    if action == "reopen":
        return S.TAKEN if request.assignee_id else S.NEW
    return target or current


def allowed_actions(request):
    """Actions the table allows from the request's current status."""
    current = Status(request.status)
    return {action for action, (allowed, _t) in TRANSITIONS.items() if current in allowed}
