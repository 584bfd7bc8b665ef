"""Figures other domains own, registered by them (the desk log, the back office, the reports).

Each provider is called as fn(org_ids, start, end) with a list of organisation ids and two dates
(start included, end excluded), and returns {(org_id, "YYYY-MM"): value} (missing keys = no data):

- "accompaniments":  number of accompaniments recorded in the desk log (int);
- "waiting_over_15": share of accompaniments that waited more than 15 minutes (float, 0 to 1);
- "support_delays":  mean delay to the first answer of the back office, in days (float);
- "online_failures": number of online-service failures reported by agents of the site (int).

A domain registers them from its own init_app: register_provider("accompaniments", fn). When a
provider is absent the pages say « non disponible » (and no rate per 1,000 accompaniments is shown).
"""
PROVIDER_NAMES = ("accompaniments", "waiting_over_15", "support_delays", "online_failures")
PROVIDER_LABELS = {
    "accompaniments": "Accompagnements (registre d'accueil)",
    "waiting_over_15": "Part des attentes de plus de 15 minutes",
    "support_delays": "Délai moyen de première réponse du back-office (jours)",
    "online_failures": "Dysfonctionnements de services en ligne remontés",
}

_providers = {}


def register_provider(name, fn):
    """Register the function that answers one of PROVIDER_NAMES (replaces any earlier one)."""
    if name not in PROVIDER_NAMES:
        raise ValueError(f"unknown working-conditions provider: {name}")
    _providers[name] = fn


def unregister_provider(name):
    _providers.pop(name, None)


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
