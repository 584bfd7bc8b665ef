"""SQL helpers the domains share: the 32-bit id bound, values written into the SQL text for stable plans,
and a page of rows with a total counted only so far."""
from dataclasses import dataclass

from sqlalchemy import Integer

from app.extensions import db

# Ids, row offsets and limits are 32-bit integers on PostgreSQL: larger values from a URL match nothing.
MAX_ID = 2**31 - 1


def is_id(value):
    """Whether `value` can be a row id (a positive 32-bit integer)."""
    return isinstance(value, int) and 0 < value <= MAX_ID


def inline(value, name="value"):
    """A value written into the SQL text when the statement runs, instead of sent as a parameter (quoted by
    SQLAlchemy; lists and tuples expand); the compiled statement stays cached.

    For statements whose plan depends on the value: psycopg prepares a statement run 5 times, and PostgreSQL
    may then settle on a generic plan that ignores the values (one made for an "average" organisation, or
    one reading every report matching a common word). Written into the SQL, each value gets its own plan.
    """
    return db.bindparam(name, value, literal_execute=True, unique=True, expanding=isinstance(value, list | tuple))


def inline_param(name, type_=Integer, expanding=False):
    """A value given when the statement runs (`name`), yet written into the SQL text like `inline`'s: a
    statement made of these is built once and reused (building one costs more than running it)."""
    return db.bindparam(name, type_=type_, literal_execute=True, expanding=expanding)


@dataclass(frozen=True)
class CappedWindow:
    """Where a page starts, and how far its total is counted: `window` rows from the start of the list
    (the page's offset plus the cap), so a long list answers "plus de N" instead of counting every row."""

    number: int
    per_page: int
    offset: int
    window: int

    @property
    def count_limit(self):
        """Rows to count: one past the window tells that there are more."""
        return self.window + 1

    def page(self, items, total):
        from app.common.pagination import Page

        capped = total > self.window
        return Page(items, self.number, self.per_page, self.window if capped else total, capped)


def capped_window(page_arg, per_page, count_cap):
    """The window of the ?page= value `page_arg` (1 when missing or not a number, kept 32-bit)."""
    from app.common.pagination import page_number

    number = page_number(page_arg, per_page, count_cap)
    offset = (number - 1) * per_page
    return CappedWindow(number, per_page, offset, offset + max(count_cap, per_page))


def capped_page(page_arg, per_page, count_cap, read_page, read_count):
    """A Page and its total counted up to `count_cap` rows past the page's start, in one query when possible.

    `read_page(window)` returns (items, total) where the page's rows carried the capped total (a subquery
    of the rows' query), or (items, None) when there were no rows; `read_count(window)` is then run, past
    the first page only, to tell how many pages there are.
    """
    window = capped_window(page_arg, per_page, count_cap)
    items, total = read_page(window)
    if total is None:
        total = read_count(window) if window.offset else 0
    return window.page(items, total)
