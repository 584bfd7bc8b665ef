"""Quarters ("2026-T4"), months ("2026-11") and the SQL that groups by month on both databases."""
import re
from datetime import UTC, date, datetime

from app.extensions import db

QUARTER_RE = re.compile(r"^(\d{4})-T([1-4])$")


def quarter_of(day):
    return f"{day.year}-T{(day.month - 1) // 3 + 1}"


def parse_quarter(value):
    """(start, end) dates of a quarter, end excluded; ValueError when malformed."""
    match = QUARTER_RE.match(value or "")
    if not match:
        raise ValueError("Trimestre invalide (format AAAA-T1 à AAAA-T4).")
    year, number = int(match.group(1)), int(match.group(2))
    start = date(year, 3 * number - 2, 1)
    end = date(year + (number == 4), 1 if number == 4 else 3 * number + 1, 1)
    return start, end


def previous_quarters(quarter, count):
    """`count` quarters ending with `quarter`, oldest first."""
    year, number = int(quarter[:4]), int(quarter[-1])
    found = []
    for _ in range(count):
        found.append(f"{year}-T{number}")
        number -= 1
        if number == 0:
            year, number = year - 1, 4
    return found[::-1]


def months_of(start, end):
    """"YYYY-MM" of every month from start (included) to end (excluded)."""
    months, year, month = [], start.year, start.month
    while date(year, month, 1) < end:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def at_most_hours_after(later, earlier, hours):
    """SQL condition: the timestamp `later` is set and at most `hours` after `earlier`."""
    if db.engine.dialect.name == "postgresql":
        return later <= earlier + db.func.make_interval(0, 0, 0, 0, hours)
    # SQLite: Julian days (resolution ~50 µs), with a millisecond of tolerance for the exact boundary.
    return (db.func.julianday(later) - db.func.julianday(earlier)) * 86400 <= hours * 3600 + 0.001


def month_bucket(column, start, end):
    """(SQL expression, labels): the index in `labels` ("YYYY-MM") of the month of a UTC timestamp column
    known to lie in [start, end). Comparisons with the months' first instants, cheaper than formatting every
    row's date (the national indicators group thousands of rows by month). Use the same expression object
    in SELECT and GROUP BY."""
    labels = months_of(start, end)
    firsts = [datetime(int(m[:4]), int(m[5:]), 1, tzinfo=UTC) for m in labels[1:]]
    if not firsts:
        return db.literal(0), labels
    return db.case(*[(column < first, index) for index, first in enumerate(firsts)], else_=len(firsts)), labels
