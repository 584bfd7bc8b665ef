"""The cross-readings of the indicators page as HTML rows, built once in Python.

A page of a large scope lists 60 rows twice (the table and the chart): written by the template, each
value went through Jinja's expressions, filters and escaping, and the rows cost more than the rest of the
page. The strings are the template's own (escaped here with markupsafe, cut with Jinja's truncate)."""
from dataclasses import dataclass

from jinja2.filters import do_truncate
from markupsafe import Markup, escape

from app.common.refcache import cached
from app.workplace import indicators

NA = "non disponible"
SMALL_BADGE = ' <span class="fr-badge fr-badge--sm">effectif faible</span>'


def _na(value, suffix=""):
    return NA if value is None else f"{value}{suffix}"


def _bar(value, maximum):
    """The bar's width: (200 * value / maximum)|round|int in the template."""
    return int(round(200 * value / maximum, 0))


def cross_table_rows(rows):
    """The <tr> rows of the cross-readings' table."""
    parts = []
    for r in rows:
        waiting = NA if r.waiting_over_15 is None else f"{int(round(100 * r.waiting_over_15, 0))} %"
        parts.append(
            f"<tr><td>{escape(r.organisation)}</td><td>{escape(r.month)}</td>"
            f"<td>{r.incidents}{SMALL_BADGE if r.small else ''}</td>"
            f"<td>{_na(r.per_thousand)}</td><td>{waiting}</td><td>{_na(r.support_delay, ' h')}</td>"
            f"<td>{_na(r.online_failures)}</td></tr>")
    return Markup("".join(parts))  # noqa: S704  # nosec B704 - texts escaped above, the rest are numbers


def cross_chart_bars(rows, environment):
    """The <text> and <rect> elements of the cross-readings' chart (bars relative to each column's maximum)."""
    max_incidents = max([r.incidents for r in rows] + [1])
    max_failures = max([r.online_failures or 0 for r in rows] + [1])
    parts = []
    for index, r in enumerate(rows):
        y = 30 * index + 5
        name = escape(do_truncate(environment, r.organisation, 18))
        parts.append(
            f'\n    <text x="0" y="{y + 12}" font-size="11">{name} {escape(r.month)}</text>'
            f'\n    <rect x="170" y="{y}" width="{_bar(r.incidents, max_incidents)}" height="10" fill="#000091"></rect>'
            f'\n    <rect x="170" y="{y + 12}" width="{_bar(r.online_failures or 0, max_failures)}" height="10"'
            f' fill="#e1000f"></rect>')
    return Markup("".join(parts) + "\n")  # noqa: S704  # nosec B704 - texts escaped above, the rest are numbers


@dataclass(frozen=True)
class Page:
    """What the indicators page shows of a scope and quarter: the figures and the cross-readings' rows."""

    ind: indicators.Indicators
    cross_rows: Markup
    cross_bars: Markup


def page(scope, quarter, minimum, environment):
    """The page's figures, kept by this process `INDICATORS_CACHE_SECONDS` per scope, quarter and threshold,
    as the reception-quality pages' (the page says when they were computed; the quarterly file is always
    computed afresh). The caller has already checked that the reader may see the scope."""
    def load():
        ind = indicators.compute(scope, quarter, minimum, cross_limit=indicators.CROSS_LIMIT)
        shown = ind.cross_shown
        return Page(ind, cross_table_rows(shown), cross_chart_bars(shown, environment))

    return cached(("working-conditions", scope.key, quarter, minimum), load, "INDICATORS_CACHE_SECONDS")
