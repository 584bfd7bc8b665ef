"""The passport entry workflow: an explicit transition table, and functions that refuse the wrong state."""
from typing import NamedTuple

from app.passports.models import EntryStatus, VaeStatus

S = EntryStatus


class Transition(NamedTuple):
    starts: frozenset  # the states the action may start from
    target: EntryStatus


# Who may act is the services' and the models' question (entry.can_validate(user)), not the table's.
TRANSITIONS = {
    "submit": Transition(frozenset({S.DRAFT, S.CHANGES_REQUESTED}), S.SUBMITTED),
    "validate": Transition(frozenset({S.SUBMITTED}), S.VALIDATED),
    "reject": Transition(frozenset({S.SUBMITTED}), S.REJECTED),
    "request_changes": Transition(frozenset({S.SUBMITTED}), S.CHANGES_REQUESTED),
    "revoke": Transition(frozenset({S.VALIDATED}), S.REVOKED),
}
DECISIONS = ("validate", "reject", "request_changes")


class TransitionRefused(ValueError):
    """The entry is not in a state where this action is possible (HTTP 409)."""

    def __init__(self, action, status):
        self.action = action
        self.status = status
        super().__init__(
            f"Action impossible : la ligne est « {EntryStatus(status).label} » ({status})."
        )


def next_status(action, current):
    """The state after `action`, or TransitionRefused if `current` does not allow it."""
    transition = TRANSITIONS[action]
    if current not in transition.starts:
        raise TransitionRefused(action, current)
    return transition.target.value


V = VaeStatus
VAE_TRANSITIONS = {
    V.PROJECT: {V.FEASIBILITY_SENT},
    V.FEASIBILITY_SENT: {V.ADMISSIBLE, V.NOT_ADMISSIBLE},
    V.NOT_ADMISSIBLE: {V.FEASIBILITY_SENT},
    V.ADMISSIBLE: {V.VALIDATION_SENT},
    V.VALIDATION_SENT: {V.JURY_FULL, V.JURY_PARTIAL, V.JURY_NONE},
    V.JURY_PARTIAL: {V.VALIDATION_SENT},
    V.JURY_NONE: {V.VALIDATION_SENT},
    V.JURY_FULL: set(),
}


def next_vae_status(current, target):
    if VaeStatus(target) not in VAE_TRANSITIONS[VaeStatus(current)]:
        raise ValueError(
            f"Étape impossible : de « {VaeStatus(current).label} » on ne peut pas passer à « {VaeStatus(target).label} »."
        )
    return VaeStatus(target).value
