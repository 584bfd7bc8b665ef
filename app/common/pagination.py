"""Offset pagination for HTML lists, and keyset pagination (by id) for the API's cursors.

Long lists (HR queues, team views, triage boards over tens of thousands of rows) pass `count_cap`:
the total is then counted only up to a window past the current page (the database stops early), and
the page says "plus de N" instead of paying for an exact COUNT(*) over the whole set on every view.
"""
from dataclasses import dataclass

from flask import current_app, request, url_for
from markupsafe import Markup, escape

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


_PREV, _NEXT = ("fr-pagination__link fr-pagination__link--prev fr-pagination__link--lg-label", "Page précédente"), (
    "fr-pagination__link fr-pagination__link--next fr-pagination__link--lg-label", "Page suivante")


def _page_link(kind, url):
    css, text = kind
    if url is None:
        return f'<a class="{css}" aria-disabled="true" role="link">{text}</a>'
    return f'<a class="{css}" href="{escape(url)}">{text}</a>'


_MARKER = "2147483647"  # a page number no list reaches (page_number keeps them lower): stands for the number
_PAGE_URLS_KEPT = 1024


def _page_url(endpoint, args, number):
    """url_for(endpoint, page=number, **args), the URL built once per process for every page of a list (its
    endpoint, arguments and script root): the number goes in place of a marker. url_for with query arguments
    costs a page about 70 calls a link."""
    urls = current_app.extensions.setdefault("pagination_urls", {})
    key = (request.script_root, endpoint, tuple(args.items()))
    parts = urls.get(key)
    if parts is None:
        url = url_for(endpoint, page=_MARKER, **args)
        head, found, tail = url.partition(_MARKER)
        parts = (head, tail) if found and _MARKER not in tail else ()  # () : the marker not found once
        if len(urls) >= _PAGE_URLS_KEPT:
            urls.clear()
        urls[key] = parts
    if not parts:
        return url_for(endpoint, page=number, **args)
    return f"{parts[0]}{number}{parts[1]}"


def pagination_nav(page, endpoint, **args):
    """The pagination macro of _macros/forms.html ({{ pagination(page, endpoint, **args) }}), the same markup
    written in Python: a macro call (and its template's import) cost a page about 350 calls, its links
    excepted. The links are url_for(endpoint, page=..., **args)."""
    if page.pages <= 1:
        return Markup("")
    previous = _page_url(endpoint, args, page.number - 1) if page.has_prev else None
    following = _page_url(endpoint, args, page.number + 1) if page.has_next else None
    return Markup(  # noqa: S704  # nosec B704 - the URLs escaped, the rest numbers and fixed text
        '\n<nav role="navigation" class="fr-pagination fr-mt-3w" aria-label="Pagination">\n'
        '  <ul class="fr-pagination__list">\n'
        f"    <li>{_page_link(_PREV, previous)}</li>\n"
        f'    <li><a class="fr-pagination__link" aria-current="page" title="Page {page.number}">{page.number} / '
        f'{page.pages}{" et plus" if page.capped else ""}</a></li>\n'
        f"    <li>{_page_link(_NEXT, following)}</li>\n"
        "  </ul>\n</nav>\n")
