"""Times are stored in UTC and shown in the organisation's time zone."""
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

DEFAULT_TZ = "Europe/Paris"
OVERSEAS_TZ = {
    "971": "America/Guadeloupe",
    "972": "America/Martinique",
    "973": "America/Cayenne",
    "974": "Indian/Reunion",
    "975": "America/Miquelon",
    "976": "Indian/Mayotte",
}


def utcnow():
    """Aware current time in UTC."""
    return datetime.now(UTC)


def timezone_for_department(department):
    """The IANA time zone of a French département code."""
    return ZoneInfo(OVERSEAS_TZ.get((department or "").strip(), DEFAULT_TZ))


def as_utc(value):
    """Attach UTC to naive datetimes read back from SQLite."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def utc_month_of(moment):
    """First day of the UTC month of a timestamp (the monthly summaries and the quarters are cut in UTC)."""
    moment = as_utc(moment)
    return date(moment.year, moment.month, 1)


def to_local(value, department=None):
    """Convert a stored UTC datetime to the département's local time."""
    value = as_utc(value)
    if value is None:
        return None
    return value.astimezone(timezone_for_department(department))


def day_text(moment):
    """strftime("%d/%m/%Y") of a date or datetime, written directly: a list formats one or two per row."""
    return f"{moment.day:02d}/{moment.month:02d}/{moment.year}"
