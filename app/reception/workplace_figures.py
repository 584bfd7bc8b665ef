"""The desk log's figures for the working-conditions indicators (registered with app.workplace's providers).

Read from the monthly summaries (one row per organisation and month), never from the raw log:
- accompaniments: the number of desk-log rows of the organisation in the month;
- waiting_over_15: the share of them that waited more than 15 minutes (15 à 30 min, plus de 30 min),
  among the rows whose waiting time was recorded (the quality indicators' definition); no value when
  no row of the month recorded a waiting time.
"""
from datetime import date

from sqlalchemy import Integer, String

from app.common.sql import Part, as_tuple
from app.extensions import db
from app.reception import summary
from app.reception.models import QualityMonth
from app.workplace.providers import ProviderRead, register_provider, register_total


def _months(start, end):
    """First days of the months from start (included) to end (excluded)."""
    found, year, month = [], start.year, start.month
    while date(year, month, 1) < end:
        found.append(date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


def _counters(org_ids, start, end, *keys):
    """{(org_id, "YYYY-MM"): (value of each key)} from the organisations' summary rows (JSON read in SQL)."""
    if not org_ids:
        return {}
    scopes = {summary.org_scope(org_id): org_id for org_id in org_ids}
    columns = [db.func.coalesce(QualityMonth.counts[key].as_integer(), 0) for key in keys]
    rows = db.session.execute(
        db.select(QualityMonth.scope, QualityMonth.month, *columns)
        .where(QualityMonth.scope.in_(list(scopes)), QualityMonth.month.in_(_months(start, end)))
    )
    return {(scopes[scope], f"{month:%Y-%m}"): tuple(values) for scope, month, *values in rows}


def accompaniments(org_ids, start, end):
    """{(org_id, "YYYY-MM"): accompaniments recorded in the desk log} (months without any left out)."""
    return {key: visits for key, (visits,) in _counters(org_ids, start, end, "visits").items() if visits}


def waiting_over_15(org_ids, start, end):
    """{(org_id, "YYYY-MM"): share (0 to 1) of recorded waits over 15 minutes}."""
    found = _counters(org_ids, start, end, "waiting_over_15", "waiting_known")
    return {key: round(over / known, 3) for key, (over, known) in found.items() if known}


def accompaniments_total(level, key, start, end):
    """The accompaniments of a whole scope over the period, from its own summary rows (département and
    nation are kept up to date with every write, so this reads three rows, whatever the network's size)."""
    scope = {"organisation": lambda: summary.org_scope(key), "department": lambda: summary.department_scope(key),
             "national": lambda: summary.NATIONAL}[level]()
    return db.session.scalar(
        db.select(db.func.coalesce(db.func.sum(db.func.coalesce(QualityMonth.counts["visits"].as_integer(), 0)), 0))
        .where(QualityMonth.scope == scope, QualityMonth.month.in_(_months(start, end)))
    )


# --- the same figures as parts of the working-conditions indicators' single query ------------------------

def _visits_count():
    return db.func.coalesce(QualityMonth.counts["visits"].as_integer(), 0)


def _per_org_month(orgs, quarter, *keys):
    """(organisation's summary scope, month index, value of each key) of the organisations' summary rows of the
    quarter. On PostgreSQL each organisation's rows are looked up by index (a LATERAL subquery): the planner
    cannot tell how few organisations `orgs` holds and would otherwise read the whole quarter's rows."""
    Q = QualityMonth
    columns = [db.func.coalesce(Q.counts[key].as_integer(), 0).label(key) for key in keys]
    if db.session.get_bind().dialect.name == "postgresql":
        distinct = db.select(orgs.c.org_id).distinct().subquery("desk_orgs")
        # The JSON text parsed once per row for every key (json_to_record), not once per key: the parsing is
        # most of the part's time.
        record = (db.func.json_to_record(Q.counts).table_valued(*[db.column(key, Integer) for key in keys])
                  .render_derived(name="desk_counts", with_types=True))
        columns = [db.func.coalesce(record.c[key], 0).label(key) for key in keys]
        found = (db.select(Q.scope, Q.month, *columns).select_from(Q).join(record, db.true())
                 .where(Q.scope == db.literal("org:", String) + db.cast(distinct.c.org_id, String),
                        Q.month.in_(quarter.months))
                 .offset(0)  # keeps the subquery from being merged into a join (then a hash join over the table)
                 .lateral("desk_months"))
        return db.select(found.c.scope, quarter.month_of_date(found.c.month).label("month"),
                         *[found.c[key] for key in keys]).select_from(distinct).join(found, db.true())
    org_scopes = db.select(db.literal("org:", String) + db.cast(orgs.c.org_id, String))
    return (db.select(Q.scope, quarter.month_of_date(Q.month).label("month"), *columns)
            .where(Q.scope.in_(org_scopes), Q.month.in_(quarter.months)))


def _org_id(scope):
    return int(scope.split(":", 1)[1])


def _desk_part(orgs, quarter):
    """The organisations' summary rows of the quarter, for both figures: one part, read once (same name)."""
    return Part("desk_months", _per_org_month(orgs, quarter, "visits", "waiting_over_15", "waiting_known"),
                as_tuple)


def _accompaniments_figures(rows):
    return {(_org_id(scope), month): int(visits) for scope, month, visits, _over, _known in rows if visits}


def _accompaniments_total_part(quarter):
    total = db.select(db.func.coalesce(db.func.sum(_visits_count()), 0).label("visits")).where(
        QualityMonth.scope == db.bindparam("desk_total_scope", type_=String), QualityMonth.month.in_(quarter.months))
    return Part("desk_accompaniments_total", total, int)


def _accompaniments_total_params(level, key):
    scope = {"organisation": lambda: summary.org_scope(key), "department": lambda: summary.department_scope(key),
             "national": lambda: summary.NATIONAL}[level]()
    return {"desk_total_scope": scope}


def _waiting_figures(rows):
    return {(_org_id(scope), month): round(int(over) / int(known), 3)
            for scope, month, _visits, over, known in rows if known}


def register():
    register_provider("accompaniments", accompaniments, ProviderRead(
        _desk_part, _accompaniments_figures, _accompaniments_total_part, _accompaniments_total_params))
    register_provider("waiting_over_15", waiting_over_15, ProviderRead(_desk_part, _waiting_figures))
    register_total("accompaniments", accompaniments_total)
