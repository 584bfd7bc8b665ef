"""Each group's number of open requests (SupportGroupOpenCount), kept up to date on every write.

A request counts for its group while it is not closed. Whenever a request is inserted, updated or deleted
through the ORM and its group or its being open changed, the group it left loses one and the group it joined
gains one, in the same transaction (an increment, so that two transactions writing requests of the same
group at once both count). Requests written in bulk (the scale seed) call `rebuild` afterwards; `rebuild` is
also the repair (`flask support repair`).
"""
from sqlalchemy import event

from app.backoffice.enums import Status
from app.backoffice.models import SupportGroupOpenCount, SupportRequest
from app.common.models import committed_and_current
from app.common.sql import insert_for
from app.extensions import db

R = SupportRequest
CLOSED = Status.CLOSED.value
_INPUTS = ("group_id", "status")


def _group(group_id, status):
    """The group a request counts for, or None (no group, or closed)."""
    return group_id if group_id is not None and status != CLOSED else None


def add(connection, group_id, delta):
    """Add `delta` to the group's count (the row made when missing)."""
    table = SupportGroupOpenCount.__table__
    statement = insert_for(connection)(table).values(group_id=group_id, open_requests=delta)
    connection.execute(statement.on_conflict_do_update(
        index_elements=[table.c.group_id], set_={"open_requests": table.c.open_requests + delta}))


def _moved(connection, left, joined):
    if left == joined:
        return
    for group_id, delta in sorted(((left, -1), (joined, 1)), key=lambda pair: (pair[0] is None, pair[0] or 0)):
        if group_id is not None:  # a fixed order: two transactions never wait on each other crosswise
            add(connection, group_id, delta)


@event.listens_for(SupportRequest, "after_insert")
def _inserted(_mapper, connection, request):
    _moved(connection, None, _group(request.group_id, request.status))


@event.listens_for(SupportRequest, "after_update")
def _updated(_mapper, connection, request):
    before, now = committed_and_current(request, _INPUTS)
    if before != now:
        _moved(connection, _group(*before), _group(*now))


@event.listens_for(SupportRequest, "after_delete")
def _deleted(_mapper, connection, request):
    before, _now = committed_and_current(request, _INPUTS)
    _moved(connection, _group(*before), None)


def recount():
    """{group id: open requests} counted from the requests themselves (groups with none left out)."""
    return dict(db.session.execute(db.select(R.group_id, db.func.count()).where(
        R.group_id.is_not(None), R.status != CLOSED).group_by(R.group_id)).all())


def stored():
    """The stored counts in the shape of recount() (groups at zero left out)."""
    C = SupportGroupOpenCount
    return dict(db.session.execute(db.select(C.group_id, C.open_requests).where(C.open_requests != 0)).all())


def rebuild(commit=True):
    """Count every group's open requests again from the requests; returns the number of groups that had a
    wrong count (0 when the kept counts were right)."""
    counted, kept = recount(), stored()
    wrong = sum(1 for key in counted.keys() | kept.keys() if counted.get(key, 0) != kept.get(key, 0))
    db.session.execute(db.delete(SupportGroupOpenCount))
    db.session.execute(db.insert(SupportGroupOpenCount).from_select(
        ["group_id", "open_requests"],
        db.select(R.group_id, db.func.count()).where(R.group_id.is_not(None), R.status != CLOSED)
        .group_by(R.group_id)))
    if commit:
        db.session.commit()
    return wrong
