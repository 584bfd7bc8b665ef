"""Invitations follow their request's status: `request_open` is what the expert board reads.

A request's invitations are marked when it closes or reopens (`follow_request`, called by `conversation`);
the seeders, which write requests and invitations in bulk, set every mark from the requests' status
(`follow_status`), which is also how a database whose marks went wrong is repaired.
"""
from sqlalchemy import update

from app.backoffice.enums import Status
from app.backoffice.models import SupportInvitation, SupportRequest
from app.extensions import db

CLOSED = Status.CLOSED.value


def follow_request(request):
    """Mark `request`'s invitations open or not as the request now is (in the caller's transaction)."""
    # The ORM's default synchronisation evaluates the condition on the invitations already loaded in the
    # session and gives them the new value: they say the same as the table.
    db.session.execute(update(SupportInvitation).where(SupportInvitation.request_id == request.id)
                       .values(request_open=request.status != CLOSED))


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
