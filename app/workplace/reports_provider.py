"""The online-service failures reported by agents of a site, read from the reports domain."""
from datetime import UTC, datetime, time

from app.common.sql import Part, as_tuple
from app.extensions import db
from app.reports.models import Report, ReportOrgMonth
from app.workplace.periods import month_bucket
from app.workplace.providers import ProviderRead


def online_failures(org_ids, start, end):
    """{(org_id, "YYYY-MM"): number of reports filed by agents of the organisation}."""
    if not org_ids:
        return {}
    month, labels = month_bucket(Report.created_at, start, end)
    rows = db.session.execute(
        db.select(Report.organisation_id, month, db.func.count())
        .where(Report.organisation_id.in_(org_ids),
               Report.created_at >= datetime.combine(start, time(), UTC),
               Report.created_at < datetime.combine(end, time(), UTC))
        .group_by(Report.organisation_id, month)
    )
    return {(org_id, labels[m]): count for org_id, m, count in rows}


def _failures_part(orgs, quarter):
    """The organisations' monthly report counts (app.reports.month_counts), one row per organisation-month."""
    S = ReportOrgMonth
    # Read from the index (month, organisation_id) with the count: a hash join with the few organisations asked.
    statement = (db.select(S.organisation_id, quarter.month_of_date(S.month).label("month"), S.reports)
                 .where(S.organisation_id.in_(db.select(orgs.c.org_id)), S.month.in_(quarter.months)))
    return Part("reports_online_failures", statement, as_tuple)


def _failures_figures(rows):
    return {(org_id, month): int(count) for org_id, month, count in rows if count}


ONLINE_FAILURES_READ = ProviderRead(_failures_part, _failures_figures)
