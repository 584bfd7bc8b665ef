"""The back office's figures for the working-conditions cross-readings (app.workplace) and the reception
quality pages (app.reception: median first-answer time).

support_delays: per organisation and month (UTC month of the request), the median time to the first
answer of the expert groups, in business hours (09:00-17:00 by default, public holidays of the
agent's département), over the requests answered — the definition of the groups' statistics page
(« 1re réponse médiane, h ouvrées »). A month whose requests are all unanswered has no value.

Both read the delay stored on each request when its first answer is written
(SupportRequest.first_answer_business_hours): one query, however many requests the period holds. The
median is PostgreSQL's percentile_cont; SQLite has none, so it is taken here from the single column.
Inside the indicators' single query, the same medians are read from the monthly rows
app.backoffice.delay_summary keeps (one row per organisation-month).
"""
from collections import defaultdict
from datetime import UTC, datetime, time

from app.backoffice.models import SupportDelayMonth, SupportRequest
from app.backoffice.stats import percentile
from app.common.sql import Part, as_tuple
from app.common.timezones import as_utc
from app.extensions import db
from app.workplace.periods import month_bucket
from app.workplace.providers import ProviderRead, register_provider

R = SupportRequest
HOURS = R.first_answer_business_hours


def _bounds(start, end):
    return datetime.combine(start, time(), UTC), datetime.combine(end, time(), UTC)


def _in_sql():
    return db.session.get_bind().dialect.name == "postgresql"


def _median():
    return db.func.percentile_cont(0.5).within_group(HOURS)


def _answered(start, end):
    start_at, end_at = _bounds(start, end)
    return (R.created_at >= start_at, R.created_at < end_at, R.first_answer_at.is_not(None), HOURS.is_not(None))


def support_delays(org_ids, start, end):
    """{(org_id, "YYYY-MM"): median business hours to the first answer, rounded to 0.1}."""
    if not org_ids:
        return {}
    scope = (R.organisation_id.in_(list(org_ids)), *_answered(start, end))
    if _in_sql():
        # The month as an index among the period's months (comparisons with their first instants), cheaper to
        # compute and to sort than a formatted date for each request of a large scope.
        month, labels = month_bucket(R.created_at, start, end)
        rows = db.session.execute(db.select(R.organisation_id, month, _median()).where(*scope)
                                  .group_by(R.organisation_id, month))
        return {(org_id, labels[index]): round(value, 1) for org_id, index, value in rows}
    hours = defaultdict(list)
    for org_id, created, value in db.session.execute(db.select(R.organisation_id, R.created_at, HOURS).where(*scope)):
        hours[(org_id, as_utc(created).strftime("%Y-%m"))].append(value)
    return {key: round(percentile(values, 0.5), 1) for key, values in hours.items()}


def first_answer_hours(org_ids, start, end):
    """Median business hours to the first answer of the requests made by these organisations' agents
    (None: every organisation) between start and end, for the reception quality pages; None if none."""
    scope = _answered(start, end)
    if org_ids is not None:
        if not org_ids:
            return None
        scope = (R.organisation_id.in_(list(org_ids)), *scope)
    if _in_sql():
        value = db.session.scalar(db.select(_median()).where(*scope))
    else:
        value = percentile(db.session.scalars(db.select(HOURS).where(*scope)).all(), 0.5)
    return None if value is None else round(value, 1)


def _delays_part(orgs, quarter):
    """Part of the working-conditions indicators' single query: the organisations' monthly medians, stored by
    app.backoffice.delay_summary (the median support_delays takes, one row per organisation-month whatever the
    number of requests)."""
    S = SupportDelayMonth
    # Read from the index (month, organisation_id) with the median: a hash join with the few organisations asked.
    statement = (db.select(S.organisation_id, quarter.month_of_date(S.month).label("month"),
                           S.median_hours.label("hours"))
                 .where(S.organisation_id.in_(db.select(orgs.c.org_id)), S.month.in_(quarter.months)))
    return Part("backoffice_support_delays", statement, as_tuple)


def _delays_figures(rows):
    return {(org_id, month): round(value, 1) for org_id, month, value in rows}


def register():
    from app.reception.providers import register_support_time_provider

    register_provider("support_delays", support_delays, ProviderRead(_delays_part, _delays_figures))
    register_support_time_provider(first_answer_hours)
