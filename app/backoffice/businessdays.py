"""French business days and business hours, with the public holidays of the agent's département.

Calendars come from the `holidays` library: its French subdivisions cover Moselle (57), the two
Alsace départements (67 and 68 share the « 6AE » calendar) and the overseas départements; the
other départements use the national calendar.
"""
from datetime import UTC, datetime, time, timedelta
from functools import lru_cache

import holidays

from app.common.timezones import as_utc, timezone_for_department

# Département -> subdivision of holidays.France.
SUBDIVISIONS = {
    "57": "57", "67": "6AE", "68": "6AE",
    "971": "971", "972": "972", "973": "973", "974": "974", "975": "PM", "976": "976",
}


@lru_cache(maxsize=32)
def _calendar(subdivision):
    return holidays.France(subdiv=subdivision) if subdivision else holidays.France()


def calendar_for(department):
    """The public holidays of a département (a lazy, year-extending holidays mapping)."""
    return _calendar(SUBDIVISIONS.get((department or "").strip()))


def is_business_day(day, department):
    return day.weekday() < 5 and day not in calendar_for(department)


def add_business_days(day, count, department):
    """The `count`-th business day after `day` (`day` itself is not counted)."""
    while count > 0:
        day += timedelta(days=1)
        if is_business_day(day, department):
            count -= 1
    return day


def local_date(moment, department):
    return as_utc(moment).astimezone(timezone_for_department(department)).date()


def deadline_after(moment, count, department):
    """The end of the `count`-th business day after the day of `moment` (UTC instant).

    A request asked on a Thursday with a 3-day target has Friday, Monday and Tuesday: it is late
    from Wednesday 00:00 local time.
    """
    last = add_business_days(local_date(moment, department), count, department)
    tz = timezone_for_department(department)
    return datetime.combine(last + timedelta(days=1), time(0, 0), tzinfo=tz).astimezone(UTC)


def parse_clock(value):
    hours, _, minutes = str(value).partition(":")
    return time(int(hours), int(minutes or 0))


def business_hours(start, end, department, day_start="09:00", day_end="17:00"):
    """Hours between two instants counted on business days, from day_start to day_end local time."""
    if start is None or end is None:
        return None
    tz = timezone_for_department(department)
    start, end = as_utc(start).astimezone(tz), as_utc(end).astimezone(tz)
    if end <= start:
        return 0.0
    opening, closing = parse_clock(day_start), parse_clock(day_end)
    total = timedelta()
    day = start.date()
    while day <= end.date():
        if is_business_day(day, department):
            window_start = datetime.combine(day, opening, tzinfo=tz)
            window_end = datetime.combine(day, closing, tzinfo=tz)
            lo, hi = max(start, window_start), min(end, window_end)
            if hi > lo:
                total += hi - lo
        day += timedelta(days=1)
    return total.total_seconds() / 3600
