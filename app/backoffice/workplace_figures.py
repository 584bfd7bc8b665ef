"""The back office's figures for the working-conditions cross-readings (app.workplace) and the reception
quality pages (app.reception: median first-answer time).

support_delays: per organisation and month (UTC month of the request), the median time to the first
answer of the expert groups, in business hours (09:00-17:00 by default, public holidays of the
agent's département), over the requests answered — the definition of the groups' statistics page
(« 1re réponse médiane, h ouvrées »). A month whose requests are all unanswered has no value.
"""
from collections import defaultdict
from datetime import UTC, datetime, time

from flask import current_app

from app.backoffice.businessdays import business_hours
from app.backoffice.models import SupportRequest
from app.backoffice.stats import percentile
from app.common.timezones import as_utc
from app.extensions import db
from app.workplace.providers import register_provider

R = SupportRequest


def _bounds(start, end):
    return datetime.combine(start, time(), UTC), datetime.combine(end, time(), UTC)


def support_delays(org_ids, start, end):
    """{(org_id, "YYYY-MM"): median business hours to the first answer, rounded to 0.1}."""
    if not org_ids:
        return {}
    start_at, end_at = _bounds(start, end)
    rows = db.session.execute(
        db.select(R.organisation_id, R.department, R.created_at, R.first_answer_at)
        .where(R.organisation_id.in_(list(org_ids)), R.created_at >= start_at, R.created_at < end_at,
               R.first_answer_at.is_not(None))
    )
    day_start, day_end = current_app.config["SUPPORT_DAY_START"], current_app.config["SUPPORT_DAY_END"]
    hours = defaultdict(list)
    for org_id, department, created, answered in rows:
        hours[(org_id, as_utc(created).strftime("%Y-%m"))].append(
            business_hours(created, answered, department, day_start, day_end))
    return {key: round(percentile(values, 0.5), 1) for key, values in hours.items()}


def first_answer_hours(org_ids, start, end):
    """Median business hours to the first answer of the requests made by these organisations' agents
    (None: every organisation) between start and end, for the reception quality pages; None if none."""
    start_at, end_at = _bounds(start, end)
    query = db.select(R.department, R.created_at, R.first_answer_at).where(
        R.created_at >= start_at, R.created_at < end_at, R.first_answer_at.is_not(None))
    if org_ids is not None:
        if not org_ids:
            return None
        query = query.where(R.organisation_id.in_(list(org_ids)))
    day_start, day_end = current_app.config["SUPPORT_DAY_START"], current_app.config["SUPPORT_DAY_END"]
    values = [business_hours(created, answered, department, day_start, day_end)
              for department, created, answered in db.session.execute(query)]
    return round(percentile(values, 0.5), 1) if values else None


def register():
    from app.reception.providers import register_support_time_provider

    register_provider("support_delays", support_delays)
    register_support_time_provider(first_answer_hours)
