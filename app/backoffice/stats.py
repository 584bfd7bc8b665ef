"""Group statistics: volumes, first-answer and resolution times in business hours (median, p90),
usefulness, hand-offs per request, share late, automatic escalations, fiches consulted and requests
avoided; overall and by month, département and procedure."""
import math
from collections import defaultdict
from dataclasses import dataclass, field

from app.accounts.models import Role
from app.backoffice.businessdays import business_hours
from app.backoffice.groups import my_group_ids_select
from app.backoffice.knowledge_models import FicheUse
from app.backoffice.models import SupportInvitation, SupportRequest
from app.common.timezones import as_utc, utcnow
from app.extensions import db

R = SupportRequest


def percentile(values, p):
    """Linear interpolation between closest ranks (rank = p × (n − 1)); None for no values."""
    values = sorted(values)
    if not values:
        return None
    rank = p * (len(values) - 1)
    low, high = math.floor(rank), math.ceil(rank)
    return values[low] + (values[high] - values[low]) * (rank - low)


@dataclass
class Figures:
    label: str
    volume: int = 0
    first_answer: list = field(default_factory=list)
    resolution: list = field(default_factory=list)
    useful: dict = field(default_factory=lambda: {"yes": 0, "unsure": 0, "no": 0})
    handoffs: int = 0
    late: int = 0
    escalations: int = 0

    def add(self, row, first, resolution, late, escalated):
        self.volume += 1
        if first is not None:
            self.first_answer.append(first)
        if resolution is not None:
            self.resolution.append(resolution)
        if row.useful in self.useful:
            self.useful[row.useful] += 1
        self.handoffs += row.handoffs
        self.late += int(late)
        self.escalations += int(escalated)

    @property
    def first_median(self):
        return percentile(self.first_answer, 0.5)

    @property
    def first_p90(self):
        return percentile(self.first_answer, 0.9)

    @property
    def resolution_median(self):
        return percentile(self.resolution, 0.5)

    @property
    def resolution_p90(self):
        return percentile(self.resolution, 0.9)

    @property
    def handoffs_per_request(self):
        return self.handoffs / self.volume if self.volume else None

    @property
    def late_share(self):
        return self.late / self.volume if self.volume else None

    @property
    def useful_share(self):
        answered = sum(self.useful.values())
        return self.useful["yes"] / answered if answered else None


@dataclass
class Statistics:
    overall: Figures
    by_month: list
    by_department: list
    by_procedure: list
    fiches_viewed: int
    requests_avoided: int


def _scoped(user, group_id=None):
    query = db.select(R)
    if user.role == Role.EXPERT:
        query = query.where(R.group_id.in_(my_group_ids_select(user)))
    elif user.role != Role.ADMIN:
        query = query.where(db.false())
    if group_id:
        query = query.where(R.group_id == group_id)
    return query


def compute(user, config, group_id=None, now=None):
    """The statistics of the requests the user may count (their groups; all for admins)."""
    now = as_utc(now or utcnow())
    rows = db.session.scalars(_scoped(user, group_id).order_by(R.created_at, R.id)).all()
    escalated = set(db.session.scalars(db.select(SupportInvitation.request_id).where(
        SupportInvitation.is_automatic.is_(True), SupportInvitation.request_id.in_([r.id for r in rows] or [-1]))))
    overall = Figures("Total")
    groups = {"month": defaultdict(lambda: None), "department": {}, "procedure": {}}
    for row in rows:
        start, end = config["SUPPORT_DAY_START"], config["SUPPORT_DAY_END"]
        first = business_hours(row.created_at, row.first_answer_at, row.department, start, end)
        resolution = business_hours(row.created_at, row.closed_at, row.department, start, end)
        answered_by = as_utc(row.first_answer_at) if row.first_answer_at else now
        late = row.due_at is not None and answered_by >= as_utc(row.due_at)
        keys = {"month": as_utc(row.created_at).strftime("%Y-%m"), "department": row.department or "?",
                "procedure": row.procedure.title if row.procedure else "Sans démarche"}
        overall.add(row, first, resolution, late, row.id in escalated)
        for axis, key in keys.items():
            bucket = groups[axis].get(key) or Figures(key)
            groups[axis][key] = bucket
            bucket.add(row, first, resolution, late, row.id in escalated)
    uses = dict(db.session.execute(db.select(FicheUse.kind, db.func.count()).group_by(FicheUse.kind)).all())
    return Statistics(overall, [groups["month"][k] for k in sorted(groups["month"])],
                      [groups["department"][k] for k in sorted(groups["department"])],
                      [groups["procedure"][k] for k in sorted(groups["procedure"])],
                      uses.get("viewed", 0), uses.get("avoided", 0))


def hours(value):
    return "—" if value is None else f"{value:.1f}".replace(".", ",")


def share(value):
    return "—" if value is None else f"{round(value * 100)} %"


def csv_rows(stats):
    """Rows of the CSV export: one per axis value, the same figures as the tables."""
    yield ["axe", "valeur", "demandes", "1re réponse médiane (h ouvrées)", "1re réponse p90", "résolution médiane",
           "résolution p90", "utile oui", "utile ne sait pas", "utile non", "transferts par demande",
           "part en retard", "escalades automatiques"]
    for axis, items in (("total", [stats.overall]), ("mois", stats.by_month), ("département", stats.by_department),
                        ("démarche", stats.by_procedure)):
        for f in items:
            yield [axis, f.label, f.volume, _num(f.first_median), _num(f.first_p90), _num(f.resolution_median),
                   _num(f.resolution_p90), f.useful["yes"], f.useful["unsure"], f.useful["no"],
                   _num(f.handoffs_per_request), _num(f.late_share), f.escalations]


def _num(value):
    return "" if value is None else round(value, 2)


def bar_chart(items, value, width=560, bar_height=22):
    """Bars of an SVG chart (the page draws them; the same figures are in the table below)."""
    values = [(f.label, value(f) or 0) for f in items]
    top = max([v for _l, v in values] or [0]) or 1
    return {"width": width, "height": bar_height * len(values) + 10,
            "bars": [{"label": label, "value": v, "text": hours(v) if isinstance(v, float) else str(v),
                      "y": i * bar_height + 5, "w": round((width - 200) * v / top)}
                     for i, (label, v) in enumerate(values)]}
