"""Offset pagination for HTML lists."""
from dataclasses import dataclass

from flask import current_app

from app.extensions import db


@dataclass
class Page:
    items: list
    number: int
    per_page: int
    total: int

    @property
    def pages(self):
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self):
        return self.number > 1

    @property
    def has_next(self):
        return self.number < self.pages


def paginate(select, page_arg, per_page=None):
    """Run a select for one page; `page_arg` is the raw ?page= value."""
    per_page = per_page or current_app.config["PER_PAGE"]
    try:
        number = max(1, int(page_arg or 1))
    except (TypeError, ValueError):
        number = 1
    total = db.session.scalar(db.select(db.func.count()).select_from(select.order_by(None).subquery()))
    items = db.session.scalars(select.limit(per_page).offset((number - 1) * per_page)).unique().all()
    return Page(items, number, per_page, total)
