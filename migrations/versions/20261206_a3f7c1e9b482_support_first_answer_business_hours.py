"""support requests store their first-answer delay in business hours

Revision ID: a3f7c1e9b482
Revises: b5d2e8f4a917
Create Date: 2026-12-06 18:00:00

The reception quality pages and the working-conditions cross-readings took the median first-answer
time by counting business hours in Python for every answered request of the period, on every view
(~0.25 ms each: 0.7 s at national size). The delay is now stored when the first answer is written;
this migration fills it for the requests already answered, with a copy of
app.backoffice.businessdays.business_hours (migrations do not import the application) and the
application's SUPPORT_DAY_START/END.
"""
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays
import sqlalchemy as sa
from alembic import op
from flask import current_app


revision = 'a3f7c1e9b482'
down_revision = 'b5d2e8f4a917'
branch_labels = None
depends_on = None

# Copies of app.backoffice.businessdays.SUBDIVISIONS and app.common.timezones.OVERSEAS_TZ, 2026-12-06.
SUBDIVISIONS = {
    "57": "57", "67": "6AE", "68": "6AE",
    "971": "971", "972": "972", "973": "973", "974": "974", "975": "PM", "976": "976",
}
OVERSEAS_TZ = {
    "971": "America/Guadeloupe", "972": "America/Martinique", "973": "America/Cayenne",
    "974": "Indian/Reunion", "975": "America/Miquelon", "976": "Indian/Mayotte",
}
BATCH = 1000

requests = sa.table(
    "support_requests",
    sa.column("id", sa.Integer), sa.column("department", sa.String), sa.column("created_at", sa.DateTime),
    sa.column("first_answer_at", sa.DateTime), sa.column("first_answer_business_hours", sa.Float),
)


def _as_utc(value):
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def _clock(value):
    hours, _, minutes = str(value).partition(":")
    return time(int(hours), int(minutes or 0))


def _business_hours(start, end, department, opening, closing, calendars):
    department = (department or "").strip()
    tz = ZoneInfo(OVERSEAS_TZ.get(department, "Europe/Paris"))
    subdivision = SUBDIVISIONS.get(department)
    if subdivision not in calendars:
        calendars[subdivision] = holidays.France(subdiv=subdivision) if subdivision else holidays.France()
    calendar = calendars[subdivision]
    start, end = _as_utc(start).astimezone(tz), _as_utc(end).astimezone(tz)
    if end <= start:
        return 0.0
    total = timedelta()
    day = start.date()
    while day <= end.date():
        if day.weekday() < 5 and day not in calendar:
            lo = max(start, datetime.combine(day, opening, tzinfo=tz))
            hi = min(end, datetime.combine(day, closing, tzinfo=tz))
            if hi > lo:
                total += hi - lo
        day += timedelta(days=1)
    return total.total_seconds() / 3600


def upgrade():
    with op.batch_alter_table("support_requests") as batch:
        batch.add_column(sa.Column("first_answer_business_hours", sa.Float(), nullable=True))
    config = current_app.config
    opening, closing = _clock(config.get("SUPPORT_DAY_START", "09:00")), _clock(config.get("SUPPORT_DAY_END", "17:00"))
    bind = op.get_bind()
    rows = bind.execute(sa.select(requests.c.id, requests.c.department, requests.c.created_at,
                                  requests.c.first_answer_at)
                        .where(requests.c.first_answer_at.is_not(None)).order_by(requests.c.id)).all()
    update = (requests.update().where(requests.c.id == sa.bindparam("request_id"))
              .values(first_answer_business_hours=sa.bindparam("hours")))
    calendars = {}
    for offset in range(0, len(rows), BATCH):
        bind.execute(update, [
            {"request_id": row.id,
             "hours": _business_hours(row.created_at, row.first_answer_at, row.department, opening, closing, calendars)}
            for row in rows[offset:offset + BATCH]])


def downgrade():
    with op.batch_alter_table("support_requests") as batch:
        batch.drop_column("first_answer_business_hours")
