"""Working-conditions indicators of a scope and quarter, and the cross-readings with other domains."""
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta

from app.accounts.models import Organisation
from app.extensions import db
from app.workplace import anonymity, barometer, checklist, providers
from app.workplace.enums import BAROMETER_CODES, CHECKLIST, IncidentKind, Severity
from app.workplace.models import Incident
from app.workplace.periods import month_of, months_of, parse_quarter, previous_quarters


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

    @property
    def cross_shown(self):
        """The cross-reading rows a page or the PDF lists: all of them, or the CROSS_LIMIT with most incidents."""
        if len(self.cross) <= CROSS_LIMIT:
            return self.cross
        return sorted(self.cross, key=lambda r: (-r.incidents, r.organisation, r.month))[:CROSS_LIMIT]


def _bounds(quarter):
    start, end = parse_quarter(quarter)
    return start, end, datetime.combine(start, time(), UTC), datetime.combine(end, time(), UTC)


def _published(counts, labels, minimum, accompaniments):
    shown = anonymity.suppress_breakdown(counts, minimum)
    return [Figure(labels[key], counts[key] if shown[key] else None,
                   _rate(counts[key], accompaniments) if shown[key] else None) for key in counts]


def _rate(count, accompaniments):
    if not accompaniments:
        return None
    return round(1000 * count / accompaniments, 1)


def compute(scope, quarter, minimum):
    """Every indicator of one scope and quarter, small-number rules applied."""
    start, end, start_at, end_at = _bounds(quarter)
    in_scope = (scope.condition(Incident.organisation_id), Incident.occurred_at >= start_at,
                Incident.occurred_at < end_at)
    rows = db.session.execute(db.select(Incident.kind, Incident.severity, Incident.created_at, Incident.taken_at,
                                        Incident.support_at).where(*in_scope)).all()
    by_kind = {k.value: 0 for k in IncidentKind}
    by_severity = {s.value: 0 for s in Severity}
    on_time = support = 0
    for kind, severity, created, taken, support_at in rows:
        by_kind[kind] += 1
        by_severity[severity] += 1
        if taken is not None and _utc(taken) - _utc(created) <= timedelta(hours=48):
            on_time += 1
        support += support_at is not None
    total = len(rows)
    org_ids = scope.org_ids()
    accompaniments_by_month = providers.fetch("accompaniments", org_ids, start, end)
    accompaniments = sum(accompaniments_by_month.values()) if accompaniments_by_month is not None else None
    total_shown = total == 0 or total >= minimum
    scores = checklist.latest_scores(scope)
    themes = {theme: [s[theme] for s in scores.values() if s.get(theme) is not None] for theme in CHECKLIST}
    trend = []
    for q in previous_quarters(quarter, 4):
        root, _children = barometer.view_of(barometer.cells_for(q, scope), scope)
        trend.append((q, root))
    return Indicators(
        scope=scope, quarter=quarter, minimum=minimum,
        total=Figure("Incidents", total if total_shown else None, _rate(total, accompaniments) if total_shown else None),
        by_kind=_published(by_kind, {k.value: k.label for k in IncidentKind}, minimum, accompaniments),
        by_severity=_published(by_severity, {s.value: s.label for s in Severity}, minimum, accompaniments),
        within_48h=round(100 * on_time / total) if total >= minimum else None,
        support_given=Figure("Soutien proposé", support if support == 0 or support >= minimum else None),
        accompaniments=accompaniments,
        checklist_scores={theme: round(sum(v) / len(v)) if v else None for theme, v in themes.items()},
        assessed=len(scores), open_actions=checklist.open_action_count(scope),
        barometer_trend=trend, cross=cross_readings(scope, quarter, org_ids),
        available={name: providers.provider(name) is not None for name in providers.PROVIDER_NAMES},
    )


def _utc(value):
    return value if value.tzinfo else value.replace(tzinfo=UTC)


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


def cross_readings(scope, quarter, org_ids=None):
    """Per organisation and month: incidents against waiting, back-office delays and online failures.

    A figure from a domain that registered no provider is None (« non disponible »); the rate per 1,000
    accompaniments is shown only when the desk log gives the number of accompaniments.
    """
    start, end, start_at, end_at = _bounds(quarter)
    org_ids = org_ids if org_ids is not None else scope.org_ids()
    month = month_of(Incident.occurred_at)
    counts = {(org_id, m): n for org_id, m, n in db.session.execute(
        db.select(Incident.organisation_id, month, db.func.count())
        .where(scope.condition(Incident.organisation_id), Incident.occurred_at >= start_at,
               Incident.occurred_at < end_at)
        .group_by(Incident.organisation_id, month))}
    figures = {name: providers.fetch(name, org_ids, start, end) for name in providers.PROVIDER_NAMES}
    keys = set(counts)
    for values in figures.values():
        keys |= set(values or {})
    names = {}
    if keys:
        names = {org_id: name for org_id, name in db.session.execute(
            db.select(Organisation.id, Organisation.name).where(Organisation.id.in_({k[0] for k in keys})))}
    months = set(months_of(start, end))
    minimum = barometer.minimum_group()
    rows = []
    for org_id, m in sorted(keys, key=lambda k: (names.get(k[0], ""), k[1])):
        if m not in months or org_id not in names:
            continue
        incidents = counts.get((org_id, m), 0)
        accompaniments = _get(figures["accompaniments"], org_id, m)
        rows.append(CrossRow(
            organisation=names[org_id], month=m, incidents=incidents, accompaniments=accompaniments,
            per_thousand=_rate(incidents, accompaniments),
            waiting_over_15=_get(figures["waiting_over_15"], org_id, m),
            support_delay=_get(figures["support_delays"], org_id, m),
            online_failures=_get(figures["online_failures"], org_id, m, default=0),
            small=incidents < minimum,
        ))
    return rows


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
