"""Figures other domains own, registered by them (the desk log, the back office, the reports).

Each provider is called as fn(org_ids, start, end) with a list of organisation ids and two dates
(start included, end excluded), and returns {(org_id, "YYYY-MM"): value} (missing keys = no data):

- "accompaniments":  number of accompaniments recorded in the desk log (int) — app.reception;
- "waiting_over_15": share of the recorded waits that lasted more than 15 minutes (float, 0 to 1) —
  app.reception;
- "support_delays":  median time to the back office's first answer, in business hours (float), over
  the site's support requests of the month that were answered — app.backoffice;
- "online_failures": number of online-service failures reported by agents of the site (int) — app.reports,
  registered by this package (it may import the reports domain).

A domain registers them from its own init_app: register_provider("accompaniments", fn). When a
provider is absent the pages say « non disponible » (and no rate per 1,000 accompaniments is shown).

A provider may also register a total, fn(level, key, start, end) -> value for a whole scope (level
"organisation" with an organisation id, "department" with a département code, "national" with None):
the indicators of a département or of the nation then read one figure instead of one per organisation.
Without it, the total is the sum of the provider's figures.

A provider may also say how to read its figure inside the indicators' single query (`ProviderRead`,
given with register_provider): a page then reads every section and every domain's figure in one
statement (app.common.sql.PartsUnion) instead of one query per provider. The plain function stays the
reference (the cross-readings of app.workplace.indicators.cross_readings call it).
"""
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Date, DateTime

from app.extensions import db

PROVIDER_NAMES = ("accompaniments", "waiting_over_15", "support_delays", "online_failures")
PROVIDER_LABELS = {
    "accompaniments": "Accompagnements (registre d'accueil)",
    "waiting_over_15": "Part des attentes de plus de 15 minutes",
    "support_delays": "Délai médian de première réponse du back-office (heures ouvrées)",
    "online_failures": "Dysfonctionnements de services en ligne remontés",
}

_providers = {}
_totals = {}
_reads = {}
_generation = [0]  # bumped at each change: the indicators' statement is rebuilt for the new providers


class QuarterParams:
    """The bind parameters of a quarter in the indicators' single query, for the providers' parts: the first
    days of its three months (`months`, DATE), its first and last instants (`start_at`, `end_at`, UTC), and
    `month_index(timestamp column)` / `month_of_date(date column)`: 0, 1 or 2, the month within the quarter."""

    MONTHS = 3

    def __init__(self):
        self.months = [db.bindparam(f"wc_month_{i}", type_=Date) for i in range(self.MONTHS)]
        self.instants = [db.bindparam(f"wc_month_{i}_at", type_=DateTime(timezone=True))
                         for i in range(self.MONTHS + 1)]
        self.start_at, self.end_at = self.instants[0], self.instants[-1]

    def month_index(self, column):
        """The month (0-2) of a timestamp column known to lie in the quarter: comparisons, not formatting."""
        return db.case(*[(column < self.instants[i], i - 1) for i in range(1, self.MONTHS)], else_=self.MONTHS - 1)

    def month_of_date(self, column):
        """The month (0-2) of a column holding the first day of one of the quarter's months."""
        return db.case(*[(column == self.months[i], i) for i in range(self.MONTHS - 1)], else_=self.MONTHS - 1)

    @classmethod
    def values(cls, start):
        """{bind name: value} of the quarter starting on `start`."""
        from datetime import UTC, date, datetime

        firsts, year, month = [], start.year, start.month
        for _ in range(cls.MONTHS + 1):
            firsts.append(date(year, month, 1))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        found = {f"wc_month_{i}": firsts[i] for i in range(cls.MONTHS)}
        found.update({f"wc_month_{i}_at": datetime(d.year, d.month, 1, tzinfo=UTC) for i, d in enumerate(firsts)})
        return found


@dataclass(frozen=True)
class ProviderRead:
    """How the indicators read a provider's figure in their single query.

    `part(orgs, quarter)`: an app.common.sql.Part (its name prefixed by the provider's domain; two providers
    whose parts have the same name share one, read once) over the organisations
    whose ids the one-column selectable `orgs` gives (column `org_id`) and the quarter's parameters
    (QuarterParams); `figures(rows)`: its rows -> {(org_id, month index 0-2): value}, the provider's values.
    `total_part(quarter)` and `total_params(level, key)` (optional): a Part of one row and one column, the
    figure over a whole scope (what register_total's function answers), and its own bind parameters (named
    after the provider)."""

    part: Callable
    figures: Callable
    total_part: Callable | None = None
    total_params: Callable | None = None


def register_provider(name, fn, read=None):
    """Register the function that answers one of PROVIDER_NAMES (replaces any earlier one), and how the
    indicators read it in their single query (`read`, a ProviderRead; without it, `fn` is called)."""
    if name not in PROVIDER_NAMES:
        raise ValueError(f"unknown working-conditions provider: {name}")
    _providers[name] = fn
    if read is None:
        _reads.pop(name, None)
    else:
        _reads[name] = read
    _generation[0] += 1


def register_total(name, fn):
    """Register the whole-scope total of a provider (see the module's docstring)."""
    if name not in PROVIDER_NAMES:
        raise ValueError(f"unknown working-conditions provider: {name}")
    _totals[name] = fn


def unregister_provider(name):
    _providers.pop(name, None)
    _totals.pop(name, None)
    _reads.pop(name, None)
    _generation[0] += 1


def registered():
    """{name: (provider, total, read)} of the registered providers (to restore them after a test swaps them)."""
    return {name: (_providers[name], _totals.get(name), _reads.get(name)) for name in _providers}


def restore(saved):
    """Put back what registered() returned."""
    _providers.clear()
    _totals.clear()
    _reads.clear()
    for name, (fn, total_fn, read) in saved.items():
        _providers[name] = fn
        if total_fn is not None:
            _totals[name] = total_fn
        if read is not None:
            _reads[name] = read
    _generation[0] += 1


def reads():
    """(generation, {name: ProviderRead}) of the registered providers read in the indicators' query."""
    return _generation[0], {name: read for name, read in _reads.items() if name in _providers}


def has_total(name):
    """Whether the provider registered a whole-scope total function."""
    return name in _totals


def provider(name):
    """The registered function, or None (figure « non disponible »)."""
    return _providers.get(name)


def fetch(name, org_ids, start, end):
    """{(org_id, month): value} from the provider, or None when it is not registered."""
    fn = _providers.get(name)
    if fn is None:
        return None
    wanted = set(org_ids)
    # Only the organisations asked for, whatever the provider returns.
    return {key: value for key, value in fn(sorted(wanted), start, end).items() if key[0] in wanted}


def total(name, scope, start, end):
    """The provider's figure summed over a whole scope and period, or None when it is not registered.

    `scope` has level, organisation_id and department (app.workplace.scope.Scope)."""
    if name not in _providers:
        return None
    fn = _totals.get(name)
    if fn is not None:
        key = {"organisation": scope.organisation_id, "department": scope.department}.get(scope.level)
        return fn(scope.level, key, start, end)
    return sum(fetch(name, scope.org_ids(), start, end).values())
