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
"""
PROVIDER_NAMES = ("accompaniments", "waiting_over_15", "support_delays", "online_failures")
PROVIDER_LABELS = {
    "accompaniments": "Accompagnements (registre d'accueil)",
    "waiting_over_15": "Part des attentes de plus de 15 minutes",
    "support_delays": "Délai médian de première réponse du back-office (heures ouvrées)",
    "online_failures": "Dysfonctionnements de services en ligne remontés",
}

_providers = {}
_totals = {}


def register_provider(name, fn):
    """Register the function that answers one of PROVIDER_NAMES (replaces any earlier one)."""
    if name not in PROVIDER_NAMES:
        raise ValueError(f"unknown working-conditions provider: {name}")
    _providers[name] = fn


def register_total(name, fn):
    """Register the whole-scope total of a provider (see the module's docstring)."""
    if name not in PROVIDER_NAMES:
        raise ValueError(f"unknown working-conditions provider: {name}")
    _totals[name] = fn


def unregister_provider(name):
    _providers.pop(name, None)
    _totals.pop(name, None)


def registered():
    """{name: (provider, total)} of the registered providers (to restore them after a test swaps them)."""
    return {name: (_providers[name], _totals.get(name)) for name in _providers}


def restore(saved):
    """Put back what registered() returned."""
    _providers.clear()
    _totals.clear()
    for name, (fn, total_fn) in saved.items():
        _providers[name] = fn
        if total_fn is not None:
            _totals[name] = total_fn


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
