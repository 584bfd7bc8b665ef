"""Monthly incident summaries: counters per scope, month, kind and severity, updated with each write.

An incident adds its counters to three rows of the month it occurred in (UTC): its organisation's,
its département's (when the organisation has one) and the nation's. Filing adds 1 to `incidents`;
taking it in charge within 48 h of filing adds 1 to `taken_within_48h`; offering support adds 1 to
`support_given`. Incidents are never deleted nor moved to another month, kind or organisation (the
victim's erasure keeps them, for legal needs); a use case that did so would subtract its counters
here. An organisation that changes département takes its counters along (`follow_department_change`).
The indicators read these rows, never the incidents; `rebuild` recomputes everything from the
incidents (after a bulk load, or as a repair: `flask workplace rebuild-summaries`).

Filing also adds 1 to the organisation-month's IncidentOrgMonth row (all kinds and severities, with the
organisation's département), from which the cross-readings pick the busiest organisation-months by index.
"""
from collections import Counter
from datetime import timedelta

from app.accounts.models import Organisation
from app.common.sql import insert_for
from app.common.timezones import as_utc, utc_month_of
from app.extensions import db
from app.workplace.enums import TAKE_IN_CHARGE_HOURS
from app.workplace.models import Incident, IncidentMonth, IncidentOrgMonth

NATIONAL = "nat"
COUNTERS = ("incidents", "taken_within_48h", "support_given")


def org_scope(organisation_id):
    return f"org:{organisation_id}"


def department_scope(department):
    return f"dep:{department}"


def scope_key(scope):
    """The summary scope of an app.workplace.scope.Scope."""
    if scope.level == "organisation":
        return org_scope(scope.organisation_id)
    if scope.level == "department":
        return department_scope(scope.department)
    return NATIONAL



def taken_in_time(created_at, taken_at):
    """Taken in charge at most 48 h after filing."""
    return taken_at is not None and as_utc(taken_at) - as_utc(created_at) <= timedelta(hours=TAKE_IN_CHARGE_HOURS)


def _scopes(organisation_id, department):
    """(scope, organisation_id of the row) of the three rows an incident counts in."""
    found = [(org_scope(organisation_id), organisation_id), (NATIONAL, None)]
    if department:
        found.append((department_scope(department), None))
    return found


def _key_rows(organisation_id, department, month, kind, severity, delta):
    return [{"scope": scope, "organisation_id": row_org, "month": month, "kind": kind, "severity": severity,
             **{name: delta.get(name, 0) for name in COUNTERS}}
            for scope, row_org in _scopes(organisation_id, department)]


def _insert():
    return insert_for(db.session.get_bind())


def _upsert(rows):
    """Add the rows' counters to the stored ones (created when missing), in one statement per row; rows
    are written in a fixed order so that two transactions never wait on each other crosswise."""
    table = IncidentMonth.__table__
    insert = _insert()
    for row in sorted(rows, key=lambda r: (r["scope"], r["month"], r["kind"], r["severity"])):
        statement = insert(table).values(**row)
        db.session.execute(statement.on_conflict_do_update(
            index_elements=["scope", "month", "kind", "severity"],
            set_={name: table.c[name] + statement.excluded[name] for name in COUNTERS}))


def _add(incident, delta):
    department, month = incident.organisation.department, utc_month_of(incident.occurred_at)
    _upsert(_key_rows(incident.organisation_id, department, month, incident.kind, incident.severity, delta))
    if delta.get("incidents"):
        # After the IncidentMonth rows, always: two transactions lock the rows in the same order.
        table = IncidentOrgMonth.__table__
        statement = _insert()(table).values(organisation_id=incident.organisation_id, department=department,
                                            month=month, incidents=delta["incidents"])
        db.session.execute(statement.on_conflict_do_update(
            index_elements=["organisation_id", "month"],
            set_={"incidents": table.c.incidents + statement.excluded.incidents}))


def record_filed(incident):
    """A new incident counts in its month (the caller commits, with the incident)."""
    _add(incident, {"incidents": 1, "taken_within_48h": int(taken_in_time(incident.created_at, incident.taken_at)),
                    "support_given": int(incident.support_at is not None)})


def record_taken(incident):
    """The incident was just taken in charge: counted as on time when within 48 h of filing."""
    if taken_in_time(incident.created_at, incident.taken_at):
        _add(incident, {"taken_within_48h": 1})


def record_support(incident):
    """Support was just offered for the incident."""
    _add(incident, {"support_given": 1})


def recount():
    """{(scope, organisation_id, month, kind, severity): Counter} computed from the incidents themselves."""
    departments = dict(db.session.execute(db.select(Organisation.id, Organisation.department)).all())
    totals = {}
    rows = db.session.execute(
        db.select(Incident.organisation_id, Incident.occurred_at, Incident.kind, Incident.severity,
                  Incident.created_at, Incident.taken_at, Incident.support_at).execution_options(yield_per=5000))
    for org_id, occurred_at, kind, severity, created_at, taken_at, support_at in rows:
        delta = {"incidents": 1, "taken_within_48h": int(taken_in_time(created_at, taken_at)),
                 "support_given": int(support_at is not None)}
        for scope, row_org in _scopes(org_id, departments.get(org_id)):
            totals.setdefault((scope, row_org, utc_month_of(occurred_at), kind, severity), Counter()).update(delta)
    return totals


def stored():
    """The stored summary rows in the same shape as recount() (zero counters left out)."""
    S = IncidentMonth
    found = {}
    for row in db.session.execute(db.select(S.scope, S.organisation_id, S.month, S.kind, S.severity,
                                            *[getattr(S, name) for name in COUNTERS])):
        counts = Counter({name: value for name, value in zip(COUNTERS, row[5:], strict=True) if value})
        if counts:
            found[tuple(row[:5])] = counts
    return found


def org_months_of(totals):
    """{(organisation_id, département, month): incidents} from recount()'s or stored()'s answer."""
    departments = dict(db.session.execute(db.select(Organisation.id, Organisation.department)).all())
    found = Counter()
    for (_scope, org_id, month, _kind, _severity), counts in totals.items():
        if org_id is not None and counts.get("incidents"):
            found[(org_id, departments.get(org_id), month)] += counts["incidents"]
    return dict(found)


def stored_org_months():
    """The stored IncidentOrgMonth rows in the shape of org_months_of (zero counts left out)."""
    S = IncidentOrgMonth
    return {(org_id, department, month): n for org_id, department, month, n in db.session.execute(
        db.select(S.organisation_id, S.department, S.month, S.incidents)) if n}


def rebuild(commit=True):
    """Recompute every summary row from the incidents; returns the number of rows written."""
    totals = recount()
    db.session.execute(db.delete(IncidentMonth))
    db.session.execute(db.delete(IncidentOrgMonth))
    rows = [{"scope": scope, "organisation_id": org_id, "month": month, "kind": kind, "severity": severity,
             **{name: counts.get(name, 0) for name in COUNTERS}}
            for (scope, org_id, month, kind, severity), counts in totals.items()]
    for start in range(0, len(rows), 5000):
        db.session.execute(db.insert(IncidentMonth.__table__), rows[start:start + 5000])
    org_rows = [{"organisation_id": org_id, "department": department, "month": month, "incidents": n}
                for (org_id, department, month), n in org_months_of(totals).items()]
    for start in range(0, len(org_rows), 5000):
        db.session.execute(db.insert(IncidentOrgMonth.__table__), org_rows[start:start + 5000])
    if commit:
        db.session.commit()
    return len(rows)


def follow_department_change(_sender, organisation, old, new, **_kwargs):
    """The organisation changed département (accounts' signal, inside its transaction): its counters of
    every month leave the old département's rows for the new one's, as `rebuild` would count them."""
    S = IncidentMonth
    moved = []
    for month, kind, severity, *values in db.session.execute(
            db.select(S.month, S.kind, S.severity, *[getattr(S, name) for name in COUNTERS])
            .where(S.scope == org_scope(organisation.id))):
        for department, sign in ((old, -1), (new, 1)):
            if department:
                moved.append({"scope": department_scope(department), "organisation_id": None, "month": month,
                              "kind": kind, "severity": severity,
                              **{name: sign * value for name, value in zip(COUNTERS, values, strict=True)}})
    _upsert(moved)
    db.session.execute(db.update(IncidentOrgMonth).where(IncidentOrgMonth.organisation_id == organisation.id)
                       .values(department=new))
