"""Invitations follow their request's status: `request_open` is what the expert board reads.

Whenever a request is updated through the ORM and its being open (not closed) changed, its invitations are
marked in the same transaction (a listener, as app.backoffice.open_counts keeps the groups' counts). The
seeders, which write requests and invitations in bulk, set every mark from the requests' status
(`follow_status`), which is also the repair (`flask support repair`).
"""
from sqlalchemy import event, update

from app.backoffice.enums import Status
from app.backoffice.models import SupportInvitation, SupportRequest
from app.common.models import committed_and_current
from app.extensions import db

CLOSED = Status.CLOSED.value


@event.listens_for(SupportRequest, "after_update")
def _updated(_mapper, connection, request):
    (before,), (now,) = committed_and_current(request, ("status",))
    if (before == CLOSED) != (now == CLOSED):
        connection.execute(update(SupportInvitation.__table__).where(
            SupportInvitation.__table__.c.request_id == request.id).values(request_open=now != CLOSED))


def follow_status():
    """Set every invitation's mark from its request's status; returns how many marks changed. For bulk
    writers (seeders, repair): invitations already loaded in the session are not refreshed."""
    closed = db.select(SupportRequest.id).where(SupportRequest.status == CLOSED)
    changed = 0
    for is_open, ids in ((False, SupportInvitation.request_id.in_(closed)),
                         (True, SupportInvitation.request_id.not_in(closed))):
        changed += db.session.execute(update(SupportInvitation).where(ids, SupportInvitation.request_open != is_open)
                                      .values(request_open=is_open),
                                      execution_options={"synchronize_session": False}).rowcount
    return changed
