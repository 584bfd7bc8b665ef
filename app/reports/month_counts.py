"""Reports per organisation and month (ReportOrgMonth), kept up to date on every write.

A report counts 1 in the row of its organisation and of the UTC month of its created_at. Inserting a report
through the ORM adds it; changing its organisation or creation time moves it; deleting it removes it (in
the same transaction, by mapper events). Reports written in bulk (the scale seed) call `rebuild` afterwards.
"""
from sqlalchemy import event

from app.common.models import committed_and_current
from app.common.sql import insert_for
from app.common.timezones import utc_month_of
from app.extensions import db
from app.reports.models import Report, ReportOrgMonth

_INPUTS = ("organisation_id", "created_at")



def _key(org_id, created_at):
    return None if org_id is None or created_at is None else (org_id, utc_month_of(created_at))


def _add(connection, changes):
    """Add {(organisation id, month): delta} to the stored counts (rows created when missing), in a fixed order
    so that two transactions never wait on each other crosswise."""
    table = ReportOrgMonth.__table__
    insert = insert_for(connection)
    for (org_id, month), delta in sorted(changes.items()):
        if delta:
            statement = insert(table).values(organisation_id=org_id, month=month, reports=delta)
            connection.execute(statement.on_conflict_do_update(
                index_elements=["organisation_id", "month"],
                set_={"reports": table.c.reports + statement.excluded.reports}))


def _before_and_now(report):
    before, now = committed_and_current(report, _INPUTS)
    return _key(*before), _key(*now)


@event.listens_for(Report, "after_insert")
def _inserted(_mapper, connection, report):
    key = _key(report.organisation_id, report.created_at)
    if key is not None:
        _add(connection, {key: 1})


@event.listens_for(Report, "after_update")
def _updated(_mapper, connection, report):
    before, now = _before_and_now(report)
    if before != now:
        changes = {}
        for key, delta in ((before, -1), (now, 1)):
            if key is not None:
                changes[key] = changes.get(key, 0) + delta
        _add(connection, changes)


@event.listens_for(Report, "after_delete")
def _deleted(_mapper, connection, report):
    before, _now = _before_and_now(report)
    if before is not None:
        _add(connection, {before: -1})


def recount():
    """{(organisation id, month): reports} counted from the reports themselves."""
    found = {}
    for org_id, created_at in db.session.execute(
            db.select(Report.organisation_id, Report.created_at).where(Report.organisation_id.is_not(None))
            .execution_options(yield_per=5000)):
        key = (org_id, utc_month_of(created_at))
        found[key] = found.get(key, 0) + 1
    return found


def stored():
    """The stored counts in the shape of recount() (zero counts left out)."""
    S = ReportOrgMonth
    return {(org_id, month): n for org_id, month, n in db.session.execute(
        db.select(S.organisation_id, S.month, S.reports)) if n}


def rebuild(commit=True):
    """Recount every row from the reports; returns the number of rows written."""
    db.session.execute(db.delete(ReportOrgMonth))
    rows = [{"organisation_id": org_id, "month": month, "reports": n} for (org_id, month), n in recount().items()]
    for start in range(0, len(rows), 5000):
        db.session.execute(db.insert(ReportOrgMonth.__table__), rows[start:start + 5000])
    if commit:
        db.session.commit()
    return len(rows)
