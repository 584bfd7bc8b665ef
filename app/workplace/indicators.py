"""Working-conditions indicators of a scope and quarter, and the cross-readings with other domains."""
from dataclasses import dataclass, field
from datetime import date, datetime

from app.accounts.models import Organisation
from app.common.timezones import utcnow
from app.extensions import db
from app.workplace import anonymity, barometer, indicator_read, providers
from app.workplace.enums import BAROMETER_CODES, IncidentKind, Severity
from app.workplace.models import IncidentMonth
from app.workplace.periods import months_of, parse_quarter, previous_quarters


@dataclass
class Figure:
    """A count as it may be published: the value, or None when a small-number rule hides it."""

    label: str
    value: int | None
    rate: float | None = None  # per 1,000 accompaniments


CROSS_LIMIT = 60  # rows of cross-readings on a page or in the PDF; the CSV holds them all


@dataclass
class Indicators:
    scope: object
    quarter: str
    minimum: int
    total: Figure
    by_kind: list
    by_severity: list
    within_48h: float | None
    support_given: Figure
    accompaniments: int | None
    checklist_scores: dict
    assessed: int
    open_actions: int
    barometer_trend: list = field(default_factory=list)  # [(quarter, Cell)]
    cross: list = field(default_factory=list)
    available: dict = field(default_factory=dict)
    # False when `cross` holds only the CROSS_LIMIT rows with most incidents (a page of a large scope);
    # cross_with_incidents then counts the organisation-months with at least one incident.
    cross_complete: bool = True
    cross_with_incidents: int | None = None
    computed_at: datetime | None = None  # shown on the page, whose figures are kept INDICATORS_CACHE_SECONDS

    @property
    def cross_shown(self):
        """The cross-reading rows a page or the PDF lists: all of them, or the CROSS_LIMIT with most incidents."""
        if len(self.cross) <= CROSS_LIMIT:
            return self.cross
        return sorted(self.cross, key=lambda r: (-r.incidents, r.organisation, r.month))[:CROSS_LIMIT]


def _published(counts, labels, minimum, accompaniments):
    shown = anonymity.suppress_breakdown(counts, minimum)
    return [Figure(labels[key], counts[key] if shown[key] else None,
                   _rate(counts[key], accompaniments) if shown[key] else None) for key in counts]


def _rate(count, accompaniments):
    if not accompaniments:
        return None
    return round(1000 * count / accompaniments, 1)


def _months(start, end):
    """First days of the months from start (included) to end (excluded): the summary rows' `month`."""
    return [date(int(m[:4]), int(m[5:]), 1) for m in months_of(start, end)]


def compute(scope, quarter, minimum, cross_limit=None):
    """Every indicator of one scope and quarter, small-number rules applied.

    `cross_limit` (a page): the cross-readings hold only that many rows, those with most incidents, when
    there are more; the quarterly file asks for all of them (None). One query (indicator_read), plus one per
    figure of another domain registered without a ProviderRead."""
    start, end = parse_quarter(quarter)
    read = indicator_read.read(scope, quarter, start, end, cross_limit)
    by_kind = {k.value: 0 for k in IncidentKind}
    by_severity = {s.value: 0 for s in Severity}
    on_time = support = 0
    for kind, severity, count, taken_in_time, supported in read.incidents:
        by_kind[kind] += count
        by_severity[severity] += count
        on_time += taken_in_time
        support += supported
    total = sum(by_kind.values())
    if "accompaniments" in read.totals:
        accompaniments = read.totals["accompaniments"]
    else:
        accompaniments = providers.total("accompaniments", scope, start, end)
    total_shown = total == 0 or total >= minimum
    assessed, means, open_actions = read.site
    quarters = previous_quarters(quarter, 4)
    trend = [(q, read.trend[q]) for q in quarters]
    cross, with_incidents = _cross_rows(read.busiest, read.with_incidents, cross_limit, start, end, read.figures)
    return Indicators(
        scope=scope, quarter=quarter, minimum=minimum,
        total=Figure("Incidents", total if total_shown else None, _rate(total, accompaniments) if total_shown else None),
        by_kind=_published(by_kind, {k.value: k.label for k in IncidentKind}, minimum, accompaniments),
        by_severity=_published(by_severity, {s.value: s.label for s in Severity}, minimum, accompaniments),
        within_48h=round(100 * on_time / total) if total >= minimum else None,
        support_given=Figure("Soutien proposé", support if support == 0 or support >= minimum else None),
        accompaniments=accompaniments,
        checklist_scores={theme: None if mean is None else round(mean) for theme, mean in means.items()},
        assessed=assessed, open_actions=open_actions,
        barometer_trend=trend, cross=cross, cross_complete=with_incidents is None,
        cross_with_incidents=with_incidents,
        available={name: providers.provider(name) is not None for name in providers.PROVIDER_NAMES},
        computed_at=utcnow(),
    )


@dataclass
class CrossRow:
    organisation: str
    month: str
    incidents: int
    accompaniments: int | None
    per_thousand: float | None
    waiting_over_15: float | None
    support_delay: float | None
    online_failures: int | None
    small: bool


def _busiest(scope, start, end, limit=None):
    """The organisation-months of the scope with incidents, most first (ties: organisation name, month),
    and how many there are; when there are at most `limit` of them (or no limit), also the scope's
    organisations without any (the other domains may report months of theirs). One query, read from the
    organisations' summary rows: a UNION of two named parts, the second read only when needed.

    Returns ([(org_id, name, month label or None, incidents)], organisation-months with incidents)."""
    S = IncidentMonth
    labels = {first: label for first, label in zip(_months(start, end), months_of(start, end), strict=True)}
    per_month = (db.select(S.organisation_id.label("org_id"), S.month.label("month"),
                           db.func.sum(S.incidents).label("incidents"))
                 .where(S.organisation_id.is_not(None), scope.condition(S.organisation_id), S.month.in_(list(labels)))
                 .group_by(S.organisation_id, S.month).having(db.func.sum(S.incidents) > 0).cte("per_month"))
    with_incidents = db.select(db.func.count()).select_from(per_month).scalar_subquery()
    busiest = (db.select(per_month.c.org_id, Organisation.name, per_month.c.month, per_month.c.incidents,
                         with_incidents.label("with_incidents"))
               .join(Organisation, Organisation.id == per_month.c.org_id))
    if limit is not None:
        # Only the rows with at least the limit-th largest count can be among the first `limit` (ties included):
        # the organisations' names are joined and compared for those, not for every organisation-month.
        nth = (db.select(per_month.c.incidents).order_by(per_month.c.incidents.desc()).limit(1).offset(limit - 1)
               .scalar_subquery())
        busiest = busiest.where(per_month.c.incidents >= db.func.coalesce(nth, 0))
    busiest = (busiest.order_by(per_month.c.incidents.desc(), Organisation.name, per_month.c.month, per_month.c.org_id)
               .limit(limit).subquery("busiest"))
    quiet = (db.select(Organisation.id, Organisation.name, db.null(), db.null(), with_incidents)
             .where(scope.condition(Organisation.id)))
    if limit is not None:
        quiet = quiet.where(with_incidents <= limit)
    rows = db.session.execute(db.union_all(db.select(busiest), quiet)).all()
    found = [(org_id, name, labels[_as_date(month)], int(n)) for org_id, name, month, n, _c in rows if month is not None]
    found.sort(key=lambda r: (-r[3], r[1], r[2], r[0]))  # a UNION keeps no order
    quiet_orgs = [(org_id, name, None, 0) for org_id, name, month, _n, _c in rows if month is None]
    return found + quiet_orgs, (rows[0][4] if rows else 0)


def _as_date(value):
    """A DATE column read through a UNION comes back as text on SQLite."""
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def cross_readings(scope, quarter, org_ids=None, limit=None, counted=False):
    """Per organisation and month: incidents against waiting, back-office delays and online failures.

    A figure from a domain that registered no provider is None (« non disponible »); the rate per 1,000
    accompaniments is shown only when the desk log gives the number of accompaniments.

    With `limit`, when more than `limit` organisation-months count incidents, only the `limit` busiest are
    read (the other domains are asked about their organisations only): a page of the whole network then
    costs what a page of one département does. The number of queries is the same either way.
    `counted=True` returns (rows, organisation-months with incidents when the rows were cut to `limit`,
    else None).
    """
    start, end = parse_quarter(quarter)
    busiest, with_incidents = _busiest(scope, start, end, limit)
    rows, cut = _cross_rows(busiest, with_incidents, limit, start, end, org_ids=org_ids)
    return (rows, cut) if counted else rows


def _cross_rows(busiest, with_incidents, limit, start, end, figures=None, org_ids=None):
    """(cross-reading rows, organisation-months with incidents when cut to `limit`, else None) from
    _busiest's answer; `figures` holds the providers' figures already read ({name: {key: value}}), the
    others are fetched here (those of the organisations listed, or of `org_ids`)."""
    figures = dict(figures or {})
    names = {org_id: name for org_id, name, _m, _n in busiest}

    def fetched(asked):
        return {name: figures[name] if name in figures else providers.fetch(name, asked, start, end)
                for name in providers.PROVIDER_NAMES}

    if limit is not None and with_incidents > limit:
        return [_row(name, m, incidents, org_id, fetched(sorted(names)))
                for org_id, name, m, incidents in busiest[:limit]], with_incidents
    # Every organisation-month with incidents is in `busiest`; the other domains may add months without.
    figures = fetched(org_ids if org_ids is not None else sorted(names))
    counts = {(org_id, m): n for org_id, _name, m, n in busiest if m is not None}
    keys = set(counts)
    for values in figures.values():
        keys |= set(values or {})
    months = set(months_of(start, end))
    rows = []
    for org_id, m in sorted(keys, key=lambda k: (names.get(k[0], ""), k[1])):
        if m not in months or org_id not in names:
            continue
        rows.append(_row(names[org_id], m, counts.get((org_id, m), 0), org_id, figures))
    return rows, None


def _row(name, month, incidents, org_id, figures):
    accompaniments = _get(figures["accompaniments"], org_id, month)
    return CrossRow(
        organisation=name, month=month, incidents=incidents, accompaniments=accompaniments,
        per_thousand=_rate(incidents, accompaniments),
        waiting_over_15=_get(figures["waiting_over_15"], org_id, month),
        support_delay=_get(figures["support_delays"], org_id, month),
        online_failures=_get(figures["online_failures"], org_id, month, default=0),
        small=incidents < barometer.minimum_group(),
    )


def _get(values, org_id, month, default=None):
    if values is None:
        return None
    return values.get((org_id, month), default)


def barometer_rows(trend):
    """[header, rows]: the barometer trend of a scope (hidden cells carry no figure)."""
    from app.workplace.enums import BAROMETER_ITEMS

    header = ["trimestre", "répondants"] + [label for _c, label in BAROMETER_ITEMS]
    rows = [header]
    for quarter, cell in trend:
        means = cell.means()
        if means is None:
            rows.append([quarter, "non publié"] + [""] * len(BAROMETER_CODES))
        else:
            rows.append([quarter, cell.count] + [f"{means[c]:.1f}".replace(".", ",") for c in BAROMETER_CODES])
    return rows
