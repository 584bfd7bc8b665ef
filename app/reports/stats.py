"""Statistics of the reports a user may see as a team (or all of them for administrators).

One query loads the few columns needed; figures are computed in Python so that SQLite and
PostgreSQL give the same numbers.
"""
from collections import Counter
from dataclasses import dataclass, field
from statistics import median

from app.common.timezones import as_utc, utcnow
from app.extensions import db
from app.reports.enums import ProblemType, Status
from app.reports.models import Application, Procedure, Report
from app.reports.services import team_scope
from app.reports.workflow import OPEN

# Figures other domains add beside the reports of each application, registered from their init_app
# (reports imports none of them): [(label, provider(application ids) -> {application id: count})].
_PROVIDERS = []


def register_statistics_provider(label, provider):
    """Show another domain's count per application (e.g. « signalés par des usagers »)."""
    if all(existing != label for existing, _p in _PROVIDERS):
        _PROVIDERS.append((label, provider))


def provided_figures(application_ids):
    """[(label, {application id: count})] from the registered providers."""
    return [(label, provider(list(application_ids))) for label, provider in _PROVIDERS]


MONTHS_FR = ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."]


@dataclass
class Statistics:
    total: int = 0
    open: int = 0
    people: int = 0
    blocked: int = 0
    me_too: int = 0
    by_status: list = field(default_factory=list)      # [(Status, count)]
    by_type: list = field(default_factory=list)        # [(ProblemType, count)]
    months: list = field(default_factory=list)         # [(label, {type: count}, {status: count}, total)]
    top_procedures: list = field(default_factory=list)  # [(title, application name, count)]
    applications: list = field(default_factory=list)   # [(Application, total, open, people)]
    median_acknowledge_hours: float | None = None
    median_fix_days: float | None = None
    provided: list = field(default_factory=list)       # [(label, {application id: count})]

    @property
    def max_month(self):
        return max([m[3] for m in self.months] + [1])

    @property
    def month_rows(self):
        """The months for the tables, each run of months without a report folded into one row."""
        rows, empty = [], []

        def fold():
            if empty:
                label = empty[0] if len(empty) == 1 else f"{empty[0]} à {empty[-1]}"
                rows.append((f"{label} (aucune remontée)", Counter(), Counter(), 0))
                empty.clear()

        for month in self.months:
            if month[3]:
                fold()
                rows.append(month)
            else:
                empty.append(month[0])
        fold()
        return rows


def _month_keys(now, count):
    year, month = now.year, now.month
    keys = []
    for _ in range(count):
        keys.append((year, month))
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return list(reversed(keys))


def compute(actor, application=None, months=12, now=None):
    """Figures for the board's scope, optionally for one application."""
    now = now or utcnow()
    query = team_scope(actor).with_only_columns(
        Report.status, Report.problem_type, Report.created_at, Report.acknowledged_at, Report.fixed_at,
        Report.people_total, Report.blocked_total, Report.me_too_count, Report.procedure_id,
        Report.application_id,
    ).where(Report.status != Status.WITHDRAWN)
    if application is not None:
        query = query.where(Report.application_id == application.id)
    rows = db.session.execute(query).all()
    stats = Statistics(total=len(rows))
    open_values = {s.value for s in OPEN}
    statuses, types, procedures = Counter(), Counter(), Counter()
    keys = _month_keys(now, months)
    per_month = {k: (Counter(), Counter()) for k in keys}
    per_app = {}
    ack_hours, fix_days = [], []
    for row in rows:
        statuses[row.status] += 1
        types[row.problem_type] += 1
        created = as_utc(row.created_at)
        key = (created.year, created.month)
        if key in per_month:
            per_month[key][0][row.problem_type] += 1
            per_month[key][1][row.status] += 1
        if row.procedure_id:
            procedures[row.procedure_id] += 1
        stats.people += row.people_total
        stats.blocked += row.blocked_total
        stats.me_too += row.me_too_count
        is_open = row.status in open_values
        stats.open += is_open
        app_total, app_open, app_people = per_app.get(row.application_id, (0, 0, 0))
        per_app[row.application_id] = (app_total + 1, app_open + is_open, app_people + row.people_total)
        if row.acknowledged_at:
            ack_hours.append((as_utc(row.acknowledged_at) - created).total_seconds() / 3600)
        if row.fixed_at:
            fix_days.append((as_utc(row.fixed_at) - created).total_seconds() / 86400)
    stats.by_status = [(s, statuses[s.value]) for s in Status if statuses[s.value]]
    stats.by_type = [(t, types[t.value]) for t in ProblemType]
    stats.months = [
        (f"{MONTHS_FR[m - 1]} {y}", per_month[(y, m)][0], per_month[(y, m)][1],
         sum(per_month[(y, m)][0].values()))
        for y, m in keys
    ]
    stats.median_acknowledge_hours = round(median(ack_hours), 1) if ack_hours else None
    stats.median_fix_days = round(median(fix_days), 1) if fix_days else None
    top = sorted(procedures.items(), key=lambda kv: (-kv[1], kv[0]))[:10]
    if top:
        titles = {
            p.id: (p.title, p.application.name)
            for p in db.session.scalars(db.select(Procedure).where(Procedure.id.in_([k for k, _ in top])))
        }
        stats.top_procedures = [(*titles[pid], count) for pid, count in top]
    if application is not None:
        stats.provided = provided_figures([application.id])
    elif _PROVIDERS:
        # The team's services that only others' figures mention get a row too (no report yet).
        from app.reports.services import team_applications

        stats.provided = provided_figures({a.id for a in team_applications(actor)} | set(per_app))
        for app_id in {k for _l, figures in stats.provided for k, v in figures.items() if v} - set(per_app):
            per_app[app_id] = (0, 0, 0)
    if per_app:
        apps = db.session.scalars(
            db.select(Application).where(Application.id.in_(list(per_app))).order_by(Application.name)
        ).all()
        stats.applications = [(a, *per_app[a.id]) for a in apps]
    return stats
