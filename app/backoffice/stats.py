"""Group statistics: volumes, first-answer and resolution times in business hours (median, p90),
usefulness, hand-offs per request, share late, automatic escalations, fiches consulted and requests
avoided; overall and by month, département and procedure.

Small numbers: a figure computed on 1 to SUPPORT_STATS_MIN_COUNT - 1 requests is never shown (page,
charts, CSV) but replaced by « moins de N demandes », as the reception-quality indicators do; in each
breakdown (month, département, procedure) enough other rows are « masqué » that no shown figure minus
others isolates fewer requests (the complementary suppression of app.workplace.anonymity)."""
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
from app.workplace.anonymity import suppress_breakdown

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
    # Small-number rule: the threshold, and the bases hidden by complementary suppression.
    min_count: int = 1
    suppressed: set = field(default_factory=set)

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

    def base(self, name):
        """How many requests a figure is computed on: "first" (answered), "resolution" (closed),
        "useful" (closed with an answer), else all the requests of the row."""
        return {"first": len(self.first_answer), "resolution": len(self.resolution),
                "useful": sum(self.useful.values())}.get(name, self.volume)

    def hidden_reason(self, figure):
        """None when the figure may be shown, else the words that replace it."""
        base = BASES.get(figure, "volume")
        if 0 < self.volume < self.min_count or 0 < self.base(base) < self.min_count:
            return SMALL.format(n=self.min_count)
        if self.suppressed & {"volume", base}:
            return MASKED
        return None

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


SMALL = "moins de {n} demandes"
MASKED = "masqué"
# The base of each figure (see Figures.base); the others are computed on every request of the row.
BASES = {"first_median": "first", "first_p90": "first", "resolution_median": "resolution",
         "resolution_p90": "resolution", "useful": "useful"}
ADDITIVE = ("volume", "useful")  # bases whose rows add up to the total: complementary suppression


@dataclass
class Statistics:
    overall: Figures
    by_month: list
    by_department: list
    by_procedure: list
    fiches_viewed: int
    requests_avoided: int
    min_count: int = 1


def protect(statistics, minimum):
    """Apply the small-number rule to every row (the figures stay for tests; pages ask hidden_reason)."""
    statistics.min_count = minimum
    statistics.overall.min_count = minimum
    for items in (statistics.by_month, statistics.by_department, statistics.by_procedure):
        for row in items:
            row.min_count = minimum
        for base in ADDITIVE:
            shown = suppress_breakdown({row.label: row.base(base) for row in items}, minimum)
            for row in items:
                if not shown[row.label]:
                    row.suppressed.add(base)
    return statistics


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
        first = row.first_answer_business_hours  # stored with the first answer (same hours, same settings)
        if first is None:
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
    return protect(Statistics(overall, [groups["month"][k] for k in sorted(groups["month"])],
                              [groups["department"][k] for k in sorted(groups["department"])],
                              [groups["procedure"][k] for k in sorted(groups["procedure"])],
                              uses.get("viewed", 0), uses.get("avoided", 0)), config["SUPPORT_STATS_MIN_COUNT"])


def hours(value):
    return "—" if value is None else f"{value:.1f}".replace(".", ",")


def share(value):
    return "—" if value is None else f"{round(value * 100)} %"


CSV_FIGURES = ("first_median", "first_p90", "resolution_median", "resolution_p90")


def csv_rows(stats):
    """Rows of the CSV export: one per axis value, the same figures as the tables (hidden ones as words)."""
    yield ["axe", "valeur", "demandes", "1re réponse médiane (h ouvrées)", "1re réponse p90", "résolution médiane",
           "résolution p90", "utile oui", "utile ne sait pas", "utile non", "transferts par demande",
           "part en retard", "escalades automatiques"]
    for axis, items in (("total", [stats.overall]), ("mois", stats.by_month), ("département", stats.by_department),
                        ("démarche", stats.by_procedure)):
        for f in items:
            useful = f.hidden_reason("useful")
            yield [axis, f.label, f.hidden_reason("volume") or f.volume,
                   *[f.hidden_reason(name) or _num(getattr(f, name)) for name in CSV_FIGURES],
                   *([useful] * 3 if useful else [f.useful["yes"], f.useful["unsure"], f.useful["no"]]),
                   f.hidden_reason("handoffs_per_request") or _num(f.handoffs_per_request),
                   f.hidden_reason("late_share") or _num(f.late_share),
                   f.hidden_reason("escalations") or f.escalations]


def _num(value):
    return "" if value is None else round(value, 2)


def bar_chart(items, figure, width=560, bar_height=22):
    """Bars of an SVG chart (the page draws them; the same figures are in the table below); a hidden
    figure has no bar, only its words."""
    values = [(f.label, f.hidden_reason(figure), getattr(f, figure) or 0) for f in items]
    top = max([v for _l, hidden, v in values if not hidden] or [0]) or 1
    return {"width": width, "height": bar_height * len(values) + 10,
            "bars": [{"label": label, "value": 0 if hidden else v,
                      "text": hidden or (hours(v) if isinstance(v, float) else str(v)),
                      "y": i * bar_height + 5, "w": 0 if hidden else round((width - 200) * v / top)}
                     for i, (label, hidden, v) in enumerate(values)]}
