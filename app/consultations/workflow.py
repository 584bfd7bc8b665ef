"""The consultation workflow: draft -> open -> closed, and the function that applies it."""
from app.common.timezones import utcnow
from app.consultations.enums import ConsultationStatus


class ConsultationError(ValueError):
    """A consultation use case refused (French message), optionally naming the field."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.field = field


S = ConsultationStatus
TRANSITIONS = {
    S.DRAFT: {S.OPEN},
    S.OPEN: {S.CLOSED},
    S.CLOSED: set(),
}
TIMESTAMPS = {S.OPEN: "opened_at", S.CLOSED: "closed_at"}


def move(consultation, target, now=None):
    """Apply a transition the table allows; returns the previous status."""
    current, target = S(consultation.status), S(target)
    if target not in TRANSITIONS[current]:
        raise ConsultationError(
            f"Une consultation « {current.label} » ne peut pas passer à « {target.label} ».", "status"
        )
    now = now or utcnow()
    consultation.status = target.value
    consultation.updated_at = now
    setattr(consultation, TIMESTAMPS[target], now)
    return current.value
