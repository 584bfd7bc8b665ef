"""Offset pagination for HTML lists, and keyset pagination (by id) for the API's cursors.

Long lists (HR queues, team views, triage boards over tens of thousands of rows) pass `count_cap`:
the total is then counted only up to a window past the current page (the database stops early), and
the page says "plus de N" instead of paying for an exact COUNT(*) over the whole set on every view.
"""
from dataclasses import dataclass

from flask import current_app

from app.common.sql import MAX_ID
from app.extensions import db


@dataclass
class Page:
    items: list
    number: int
    per_page: int
    total: int
    capped: bool = False  # True when there are more than `total` rows (the count stopped early)

    @property
    def pages(self):
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self):
        return self.number > 1

    @property
    def has_next(self):
        return self.number < self.pages or (self.capped and len(self.items) == self.per_page)

    @property
    def total_text(self):
        """The total for people: "1 234", or "plus de 1 000" when the count stopped early."""
        figure = f"{self.total:,}".replace(",", "\u202f")
        return f"plus de {figure}" if self.capped else figure


# Row offsets and limits are bound as 32-bit integers on PostgreSQL: page numbers are kept below that.
MAX_ROWS = MAX_ID


def page_number(page_arg, per_page, count_cap=0):
    """The ?page= number (1 when missing or not a number), low enough for the page's row bounds,
    counting window included, to stay 32-bit integers."""
    try:
        number = max(1, int(page_arg or 1))
    except (TypeError, ValueError):
        number = 1
    return min(number, (MAX_ROWS - (count_cap or 0)) // per_page - 1)


def paginate(select, page_arg, per_page=None, count_cap=None):
    """Run a select for one page; `page_arg` is the raw ?page= value.

    With `count_cap`, rows are counted up to `count_cap` past the start of the current page.
    """
    per_page = per_page or current_app.config["PER_PAGE"]
    number = page_number(page_arg, per_page, count_cap)
    offset = (number - 1) * per_page
    counted = select.order_by(None)
    window = None
    if count_cap:
        window = offset + max(count_cap, per_page)
        counted = counted.limit(window + 1)
    total = db.session.scalar(db.select(db.func.count()).select_from(counted.subquery()))
    capped = window is not None and total > window
    if capped:
        total = window
    items = db.session.scalars(select.limit(per_page).offset(offset)).unique().all()
    return Page(items, number, per_page, total, capped)


def keyset(select, id_column, limit, after=None, descending=False):
    """Run `select` for one page ordered by `id_column`, past the id `after` (newest first when
    `descending`); returns (rows, more), `more` telling whether rows follow the page."""
    if after is not None:
        select = select.where(id_column < after if descending else id_column > after)
    order = id_column.desc() if descending else id_column
    rows = db.session.scalars(select.order_by(None).order_by(order).limit(limit + 1)).unique().all()
    return rows[:limit], len(rows) > limit
