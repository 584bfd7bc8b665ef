"""Monthly first-answer delays per organisation (SupportDelayMonth), kept up to date on every write.

A request counts in the row of its organisation and of the UTC month it was created in once its first answer
is written (first_answer_at and first_answer_business_hours set). Whenever a request is inserted, updated or
deleted through the ORM and its organisation, creation time or stored delay changed, the rows it left and
joined are recomputed from the requests themselves (the median of one organisation-month, read by index),
in the same transaction. Requests written in bulk (the scale seed) call `rebuild` afterwards; `rebuild` is
also the repair.

The median is PostgreSQL's percentile_cont, as app.backoffice.workplace_figures.support_delays takes it; on
SQLite app.backoffice.stats.percentile (the same interpolation).
"""
from datetime import UTC, date, datetime

from sqlalchemy import event

from app.backoffice.models import SupportDelayMonth, SupportRequest
from app.backoffice.stats import percentile
from app.common.models import committed_and_current
from app.common.sql import insert_for
from app.common.timezones import utc_month_of
from app.extensions import db

R = SupportRequest
HOURS = R.first_answer_business_hours
_INPUTS = ("organisation_id", "created_at", "first_answer_at", "first_answer_business_hours")



def _bounds(month):
    following = date(month.year + 1, 1, 1) if month.month == 12 else date(month.year, month.month + 1, 1)
    return datetime(month.year, month.month, 1, tzinfo=UTC), datetime(following.year, following.month, 1, tzinfo=UTC)


def _answered(org_id, month):
    start_at, end_at = _bounds(month)
    return (R.organisation_id == org_id, R.created_at >= start_at, R.created_at < end_at,
            R.first_answer_at.is_not(None), HOURS.is_not(None))


def _figures(connection, org_id, month):
    """(answered requests, median delay or None) of one organisation-month, from the requests."""
    if connection.dialect.name == "postgresql":
        answered, median = connection.execute(
            db.select(db.func.count(), db.func.percentile_cont(0.5).within_group(HOURS))
            .where(*_answered(org_id, month))).one()
        return int(answered), median
    values = connection.execute(db.select(HOURS).where(*_answered(org_id, month))).scalars().all()
    return len(values), percentile(values, 0.5)


def refresh(connection, keys):
    """Recompute the rows of these (organisation id, month) keys from the requests (in a fixed order, so that two
    transactions never wait on each other crosswise)."""
    table = SupportDelayMonth.__table__
    insert = insert_for(connection)
    for org_id, month in sorted(keys):
        answered, median = _figures(connection, org_id, month)
        if not answered:
            connection.execute(db.delete(table).where(table.c.organisation_id == org_id, table.c.month == month))
            continue
        statement = insert(table).values(organisation_id=org_id, month=month, answered=answered, median_hours=median)
        connection.execute(statement.on_conflict_do_update(
            index_elements=["organisation_id", "month"],
            set_={"answered": statement.excluded.answered, "median_hours": statement.excluded.median_hours}))


def _key(org_id, created_at, answered_at, hours):
    if org_id is None or created_at is None or answered_at is None or hours is None:
        return None
    return org_id, utc_month_of(created_at)


def _keys(request, deleted=False):
    """The keys a written request left and joined: none when nothing it counts by changed (unless deleted)."""
    before, now = committed_and_current(request, _INPUTS)
    if before == now and not deleted:
        return set()
    return {_key(*before), _key(*now)} - {None}


@event.listens_for(SupportRequest, "after_insert")
def _inserted(_mapper, connection, request):
    key = _key(request.organisation_id, request.created_at, request.first_answer_at,
               request.first_answer_business_hours)
    if key is not None:
        refresh(connection, {key})


@event.listens_for(SupportRequest, "after_update")
def _updated(_mapper, connection, request):
    keys = _keys(request)
    if keys:
        refresh(connection, keys)


@event.listens_for(SupportRequest, "after_delete")
def _deleted(_mapper, connection, request):
    keys = _keys(request, deleted=True)
    if keys:
        refresh(connection, keys)


def recount():
    """{(organisation id, month): (answered, median)} computed from the requests themselves."""
    connection = db.session.connection()
    rows = db.session.execute(db.select(R.organisation_id, R.created_at).where(
        R.organisation_id.is_not(None), R.first_answer_at.is_not(None), HOURS.is_not(None)))
    keys = {(org_id, utc_month_of(created_at)) for org_id, created_at in rows}
    return {key: _figures(connection, *key) for key in keys}


def stored():
    """The stored rows in the shape of recount()."""
    S = SupportDelayMonth
    return {(org_id, month): (answered, median) for org_id, month, answered, median in db.session.execute(
        db.select(S.organisation_id, S.month, S.answered, S.median_hours))}


def rebuild(commit=True):
    """Recompute every row from the requests; returns the number of rows written."""
    db.session.execute(db.delete(SupportDelayMonth))
    if db.session.get_bind().dialect.name == "postgresql":
        month = db.cast(db.func.date_trunc("month", db.func.timezone("UTC", R.created_at)), db.Date)
        rows = [{"organisation_id": org_id, "month": m, "answered": n, "median_hours": median}
                for org_id, m, n, median in db.session.execute(
                    db.select(R.organisation_id, month, db.func.count(),
                              db.func.percentile_cont(0.5).within_group(HOURS))
                    .where(R.organisation_id.is_not(None), R.first_answer_at.is_not(None), HOURS.is_not(None))
                    .group_by(R.organisation_id, month))]
    else:
        rows = [{"organisation_id": org_id, "month": m, "answered": n, "median_hours": median}
                for (org_id, m), (n, median) in recount().items()]
    for start in range(0, len(rows), 5000):
        db.session.execute(db.insert(SupportDelayMonth.__table__), rows[start:start + 5000])
    if commit:
        db.session.commit()
    return len(rows)
