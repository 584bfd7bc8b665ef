"""Monthly summaries: flat counters per scope and month, updated with each write.

A visit or an answer adds its counters to three rows of its month: its organisation, its
département and the nation. A correction subtracts the old counters and adds the new ones, so
no page ever scans the raw log; `rebuild` recomputes everything from the rows (repair, import).
"""
from collections import Counter
from datetime import date

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.accounts.models import Organisation
from app.common.timezones import utcnow
from app.extensions import db
from app.reception.enums import LONG_WAITS, Question
from app.reception.models import Answer, QualityMonth, Visit

NATIONAL = "nat"


def month_of(day):
    return date(day.year, day.month, 1)


def org_scope(organisation_id):
    return f"org:{organisation_id}"


def department_scope(department):
    return f"dep:{department or '?'}"


def visit_counts(visit):
    """The counters one desk-log row adds to its month."""
    counts = Counter({"visits": 1, f"channel:{visit.channel}": 1, f"outcome:{visit.outcome}": 1,
                      f"duration:{visit.duration}": 1})
    for operator in visit.operators.split(","):
        if operator:
            counts[f"operator:{operator}"] += 1
    for need in visit.needs.split(","):
        if need:
            counts[f"need:{need}"] += 1
    if visit.waiting:
        counts["waiting_known"] += 1
        if visit.waiting in LONG_WAITS:
            counts["waiting_over_15"] += 1
    return counts


def answer_counts(answer):
    """The counters one citizen's answer adds to its month."""
    counts = Counter({"answers": 1})
    for question in Question:
        score = getattr(answer, question.value)
        if score:
            counts[f"{question.value}:{score}"] += 1
    if answer.application_id:
        counts["citizen_problems"] += 1
        counts[f"citizen_problem:{answer.application_id}"] += 1
    return counts


def scopes_for(organisation):
    return (org_scope(organisation.id), department_scope(organisation.department), NATIONAL)


def _locked_row(scope, month, now):
    """The summary row of (scope, month), created if missing, locked until commit. The insert ignores a
    row another transaction has just created (no unique-constraint error on the first write of a month)."""
    dialect = db.session.get_bind().dialect.name
    if dialect in ("postgresql", "sqlite"):
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        db.session.execute(insert(QualityMonth).values(scope=scope, month=month, counts={}, updated_at=now)
                           .on_conflict_do_nothing(index_elements=["scope", "month"]))
    row = db.session.scalar(
        db.select(QualityMonth).where(QualityMonth.scope == scope, QualityMonth.month == month).with_for_update()
    )
    if row is None:
        row = QualityMonth(scope=scope, month=month, counts={}, updated_at=now)
        db.session.add(row)
    return row


def _apply(per_scope):
    now = utcnow()
    # Rows locked in a fixed order: two writers never wait on each other crosswise.
    for (scope, month), delta in sorted(per_scope.items()):
        delta = {k: v for k, v in delta.items() if v}
        if not delta:
            continue
        row = _locked_row(scope, month, now)
        counts = Counter(row.counts)
        counts.update(delta)
        row.counts = {k: v for k, v in counts.items() if v}
        row.updated_at = now
    db.session.flush()


def add(organisation, month, delta):
    """Add a Counter (negative values subtract) to the organisation's, département's and nation's
    rows of the month; the caller commits."""
    _apply({(scope, month): Counter(delta) for scope in scopes_for(organisation)})


def add_many(deltas):
    """deltas: {(organisation, month): Counter} from a bulk write, merged per scope first."""
    per_scope = {}
    for (organisation, month), delta in deltas.items():
        for scope in scopes_for(organisation):
            per_scope.setdefault((scope, month), Counter()).update(delta)
    _apply(per_scope)


def follow_department_change(_sender, organisation, old, new, **_kwargs):
    """The organisation changed département (accounts' signal, inside its transaction): its counters of
    every month leave the old département's rows for the new one's, as `rebuild` would count them."""
    per_scope = {}
    for month, counts in db.session.execute(
            db.select(QualityMonth.month, QualityMonth.counts).where(QualityMonth.scope == org_scope(organisation.id))):
        per_scope[(department_scope(old), month)] = Counter({key: -value for key, value in counts.items()})
        per_scope[(department_scope(new), month)] = Counter(counts)
    _apply(per_scope)

def rebuild():
    """Recompute every summary row from the raw rows (after an import or a repair); commits."""
    organisations = {o.id: o for o in db.session.scalars(db.select(Organisation))}
    per_scope = {}

    def feed(organisation_id, month, counts):
        organisation = organisations[organisation_id]
        for scope in scopes_for(organisation):
            per_scope.setdefault((scope, month), Counter()).update(counts)

    for visit in db.session.scalars(db.select(Visit).execution_options(yield_per=5000)):
        feed(visit.organisation_id, month_of(visit.visited_on), visit_counts(visit))
    for answer in db.session.scalars(db.select(Answer).execution_options(yield_per=5000)):
        feed(answer.organisation_id, month_of(answer.created_at), answer_counts(answer))
    db.session.execute(db.delete(QualityMonth))
    now = utcnow()
    db.session.add_all(
        QualityMonth(scope=scope, month=month, counts=dict(counts), updated_at=now)
        for (scope, month), counts in per_scope.items()
    )
    db.session.commit()
    return len(per_scope)
