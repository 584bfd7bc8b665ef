"""The online-service failures reported by agents of a site, read from the reports domain."""
from datetime import UTC, datetime, time

from app.common.sql import Part, as_tuple
from app.extensions import db
from app.reports.models import Report
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
    month = quarter.month_index(Report.created_at)
    return Part("reports_online_failures", db.select(Report.organisation_id, month.label("month"),
                                                     db.func.count().label("reports"))
                .where(Report.organisation_id.in_(db.select(orgs.c.org_id)), Report.created_at >= quarter.start_at,
                       Report.created_at < quarter.end_at)
                .group_by(Report.organisation_id, month), as_tuple)


def _failures_figures(rows):
    return {(org_id, month): int(count) for org_id, month, count in rows}


ONLINE_FAILURES_READ = ProviderRead(_failures_part, _failures_figures)
