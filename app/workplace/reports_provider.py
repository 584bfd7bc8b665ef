"""The online-service failures reported by agents of a site, read from the reports domain."""
from datetime import UTC, datetime, time

from app.extensions import db
from app.reports.models import Report
from app.workplace.periods import month_bucket


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
