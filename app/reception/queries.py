"""Reads of the reception domain: who may see which scope, and the quality indicators.

Indicators are computed from the monthly summary rows (one per scope and month): a page reads at
most a dozen small rows, whatever the size of the desk log.
"""
import functools
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import NamedTuple

from flask import abort, current_app, g, has_request_context
from sqlalchemy import Integer
from wtforms.fields.choices import SelectChoice

from app.accounts.models import Organisation, Role
from app.common.refcache import cached
from app.common.request_cache import register_request_cache_key
from app.common.timezones import utcnow
from app.extensions import db
from app.reception import providers, summary
from app.reception.enums import Channel, Outcome, Question, operator_label, operator_labels
from app.reception.models import EDIT_WINDOW, NetworkDepartment, QualityMonth, Visit

MONTHS_FR = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
             "novembre", "décembre"]
MONTHS_SHORT = ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."]
SMALL_NUMBER = "moins de {n} réponses"


# --- scopes --------------------------------------------------------------------------------------


NETWORK_DEPARTMENTS_KEY = "reception_network_departments"
register_request_cache_key(NETWORK_DEPARTMENTS_KEY)


def network_departments(user):
    """The départements of an « animateur réseau », read once per request (the scope check and the
    organisations' list both need them)."""
    if user.role != Role.MANAGER_NETWORK:
        return []
    memo = g.setdefault(NETWORK_DEPARTMENTS_KEY, {}) if has_request_context() else {}
    if user.id not in memo:
        memo[user.id] = list(db.session.scalars(
            db.select(NetworkDepartment.department).where(NetworkDepartment.user_id == user.id)
            .order_by(NetworkDepartment.department)))
    return list(memo[user.id])


def visible_organisations(user):
    """The organisations whose indicators a user may read (HR: their own; network: their départements)."""
    query = db.select(Organisation).order_by(Organisation.department, Organisation.name)
    if user.role == Role.ADMIN:
        return query
    if user.role == Role.HR:
        return query.where(Organisation.id == user.organisation_id)
    if user.role == Role.MANAGER_NETWORK:
        return query.where(Organisation.department.in_(network_departments(user)))
    return query.where(db.false())


def listed_organisations(user, limit):
    """The organisations of visible_organisations, at most `limit`."""
    return db.session.scalars(visible_organisations(user).limit(limit)).all()


def readable_departments(user):
    """The départements whose page a user may open (administrators: every département with a site)."""
    if user.role == Role.ADMIN:
        return list(db.session.scalars(db.select(Organisation.department).where(Organisation.department.is_not(None))
                                       .distinct().order_by(Organisation.department)))
    return network_departments(user)


def organisation_or_404(user, code):
    if user.role == Role.HR:
        # HR read their own organisation only: the one loaded with the user (no query), or 404.
        organisation = user.organisation if user.organisation_id is not None else None
        if organisation is None or organisation.code != code:
            abort(404)
        return organisation
    organisation = db.session.scalar(visible_organisations(user).where(Organisation.code == code))
    if organisation is None:
        abort(404)
    return organisation


def department_or_404(user, department):
    """The département, or 404 when the user may not read it (the rule of department_page_organisations)."""
    department_page_organisations(user, department, limit=1)
    return department


class OwnVisitLine(NamedTuple):
    """One row of « Mes saisies », its texts ready to show (the page lists 50: no label lookup, date
    format or permission check per row in the template)."""

    id: int
    day: str  # dd/mm/yyyy
    channel: str
    operators: str
    outcome: str
    editable: bool  # the agent may still correct it (own row, seven days)


def own_visits(user, limit=50):
    """The agent's last rows of the desk log, newest first (plain rows: the page only shows them)."""
    # Editable: created at most EDIT_WINDOW ago (models.is_in_edit_window), asked of the database as a
    # boolean: 50 timestamps converted and compared in Python cost more than the comparison in the query.
    rows = db.session.execute(_own_visits_statement(), {
        "agent_id": user.id, "limit": limit, "edit_from": utcnow() - EDIT_WINDOW}).all()
    return [OwnVisitLine(row.id, _day(row.visited_on), _CHANNEL_LABELS[row.channel],
                         _operators(row.operators), _OUTCOME_LABELS[row.outcome], bool(row.editable))
            for row in rows]


@functools.lru_cache(maxsize=512)
def _day(value):
    """dd/mm/yyyy, once per date: the 50 rows share a few days (strftime cost more than the rest of a row)."""
    return value.strftime("%d/%m/%Y")


@functools.lru_cache(maxsize=1024)
def _operators(stored):
    """The labels of a stored operator list ("caf,cpam"), once per list: agents repeat the same few."""
    return operator_labels(o for o in stored.split(",") if o)


# Labels by stored value: a dict lookup per row instead of an enum construction.
_CHANNEL_LABELS = {member.value: member.label for member in Channel}
_OUTCOME_LABELS = {member.value: member.label for member in Outcome}


@functools.cache
def _own_visits_statement():
    """own_visits' query (parameters agent_id, limit, edit_from), built once: building it cost about what running
    it does."""
    return (db.select(Visit.id, Visit.visited_on, Visit.channel, Visit.operators, Visit.outcome,
                      (Visit.created_at >= db.bindparam("edit_from", type_=Visit.created_at.type)).label("editable"))
            .where(Visit.agent_id == db.bindparam("agent_id", type_=Integer))
            .order_by(Visit.created_at.desc(), Visit.id.desc()).limit(db.bindparam("limit", type_=Integer)))


def own_visit_or_404(user, visit_id):
    visit = db.session.scalar(db.select(Visit).where(Visit.id == visit_id, Visit.agent_id == user.id))
    if visit is None:
        abort(404)
    return visit


# --- periods -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    year: int
    month: int | None = None     # a month...
    quarter: int | None = None   # ...or a quarter

    @property
    def months(self):
        if self.month:
            return [date(self.year, self.month, 1)]
        first = (self.quarter - 1) * 3 + 1
        return [date(self.year, m, 1) for m in range(first, first + 3)]

    @property
    def key(self):
        return f"{self.year}-{self.month:02d}" if self.month else f"{self.year}-T{self.quarter}"

    @property
    def label(self):
        if self.month:
            return f"{MONTHS_FR[self.month - 1]} {self.year}"
        return f"{self.quarter}{'er' if self.quarter == 1 else 'e'} trimestre {self.year}"

    @property
    def start(self):
        return self.months[0]

    @property
    def end(self):
        last = self.months[-1]
        return date(last.year + (last.month == 12), last.month % 12 + 1, 1)


def parse_period(value, today=None):
    """"2026-11" (a month) or "2026-T4" (a quarter); the current quarter when empty; 404 when malformed."""
    today = today or utcnow().date()
    value = (value or "").strip().upper()
    if not value:
        return Period(today.year, quarter=(today.month - 1) // 3 + 1)
    year, _, rest = value.partition("-")
    try:
        if rest.startswith("T"):
            period = Period(int(year), quarter=int(rest[1:]))
            if not 1 <= period.quarter <= 4:
                raise ValueError
        else:
            period = Period(int(year), month=int(rest))
            if not 1 <= period.month <= 12:
                raise ValueError
    except ValueError:
        abort(404)
    if not 2000 <= period.year <= 2100:
        abort(404)
    return period


def recent_periods(today=None, count=6):
    """The last quarters and months, for the period picker."""
    today = today or utcnow().date()
    year, quarter = today.year, (today.month - 1) // 3 + 1
    quarters = []
    for _ in range(count):
        quarters.append(Period(year, quarter=quarter))
        year, quarter = (year - 1, 4) if quarter == 1 else (year, quarter - 1)
    months, y, m = [], today.year, today.month
    for _ in range(count * 2):
        months.append(Period(y, month=m))
        y, m = (y - 1, 12) if m == 1 else (y, m - 1)
    return quarters + months


# --- indicators ----------------------------------------------------------------------------------


@dataclass
class Score:
    """A satisfaction figure; `value` is None when fewer answers than the minimum (never shown)."""

    answers: int
    satisfied: float | None = None   # % of 4-5
    net: float | None = None         # % of 4-5 minus % of 1-2 (Services Publics+)
    protected: bool = False


@dataclass
class Indicators:
    scope_label: str
    period: Period
    min_count: int
    visits: int = 0
    by_channel: list = field(default_factory=list)    # [(label, count)]
    by_operator: list = field(default_factory=list)   # [(label, count)]
    by_outcome: list = field(default_factory=list)    # [(label, count)]
    resolved_share: float | None = None
    referred_share: float | None = None
    escalated_share: float | None = None
    long_wait_share: float | None = None
    answers: int = 0
    scores: list = field(default_factory=list)        # [(Question label, Score)]
    overall: Score | None = None
    citizen_problems: int = 0
    agent_reports: int = 0
    support_hours: float | None = None
    monthly: list = field(default_factory=list)       # [(label, visits)] over twelve months
    computed_at: datetime | None = None                # shared by every reader until recomputed

    @property
    def small_number_text(self):
        return SMALL_NUMBER.format(n=self.min_count)

    @property
    def answers_protected(self):
        return self.answers < self.min_count

    @property
    def max_month(self):
        return max([v for _l, v in self.monthly] + [1])


def _share(part, whole):
    return round(100 * part / whole, 1) if whole else None


def score_from(counts, min_count, respondents=None):
    """Satisfaction and net satisfaction from {score: count}; protected below min_count answers
    (`respondents`: the number of people behind pooled scores, when several questions are pooled)."""
    total = sum(counts.values())
    if total < min_count or (respondents is not None and respondents < min_count):
        return Score(answers=total, protected=True)
    high = counts.get(4, 0) + counts.get(5, 0)
    low = counts.get(1, 0) + counts.get(2, 0)
    return Score(answers=total, satisfied=_share(high, total), net=round(100 * (high - low) / total, 1))


def summed_counts(scope, months):
    rows = db.session.scalars(
        db.select(QualityMonth.counts).where(QualityMonth.scope == scope, QualityMonth.month.in_(months))
    ).all()
    total = Counter()
    for counts in rows:
        total.update(counts)
    return total


def _twelve_months(end):
    months, year, month = [], end.year, end.month
    for _ in range(12):
        months.append(date(year, month, 1))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return list(reversed(months))


def compute(scope, scope_label, period, organisation_ids=None, agent_reports=None):
    """The indicators of a summary scope ("org:1", "dep:69", "nat") for a month or a quarter."""
    min_count = current_app.config["QUALITY_MIN_COUNT"]
    months = _twelve_months(period.months[-1])
    rows = dict(db.session.execute(
        db.select(QualityMonth.month, QualityMonth.counts).where(QualityMonth.scope == scope,
                                                                 QualityMonth.month.in_(months))).all())
    counts = Counter()
    for month in period.months:
        counts.update(rows.get(month, {}))
    result = Indicators(scope_label=scope_label, period=period, min_count=min_count, computed_at=utcnow())
    result.monthly = [(f"{MONTHS_SHORT[m.month - 1]} {m.year}", (rows.get(m) or {}).get("visits", 0))
                      for m in months]
    visits = result.visits = counts.get("visits", 0)
    result.by_channel = [(c.label, counts.get(f"channel:{c.value}", 0)) for c in Channel]
    result.by_outcome = [(o.label, counts.get(f"outcome:{o.value}", 0)) for o in Outcome]
    operators = sorted(((operator_label(k.split(":", 1)[1]), v) for k, v in counts.items()
                        if k.startswith("operator:")), key=lambda kv: (-kv[1], kv[0]))
    result.by_operator = operators
    result.resolved_share = _share(counts.get(f"outcome:{Outcome.RESOLVED.value}", 0), visits)
    result.referred_share = _share(counts.get(f"outcome:{Outcome.REFERRED.value}", 0), visits)
    result.escalated_share = _share(counts.get(f"outcome:{Outcome.ESCALATED.value}", 0), visits)
    result.long_wait_share = _share(counts.get("waiting_over_15", 0), counts.get("waiting_known", 0))
    result.answers = counts.get("answers", 0)
    pooled = Counter()
    for question in Question:
        per_score = {s: counts.get(f"{question.value}:{s}", 0) for s in range(1, 6)}
        pooled.update(per_score)
        result.scores.append((question.label, score_from(per_score, min_count)))
    result.overall = score_from(pooled, min_count, respondents=result.answers)
    result.citizen_problems = counts.get("citizen_problems", 0)
    result.agent_reports = agent_reports if agent_reports is not None else 0
    result.support_hours = providers.support_first_answer_hours(organisation_ids, period.start, period.end)
    return result


def _kept(scope, period, load):
    """Indicators are read far more often than the desk log moves: each process keeps the figures of a
    scope and period `INDICATORS_CACHE_SECONDS` (the page says when they were computed). The caller has
    already checked that the reader may see the scope."""
    return cached(("reception-quality", scope, period.key), load, "INDICATORS_CACHE_SECONDS")


def organisation_indicators(organisation, period):
    from app.reports.models import Report

    def load():
        reports = db.session.scalar(db.select(db.func.count()).select_from(Report).where(
            Report.organisation_id == organisation.id, *_created_in(Report, period)))
        return compute(summary.org_scope(organisation.id), organisation.name, period, [organisation.id], reports)

    return _kept(summary.org_scope(organisation.id), period, load)


def department_indicators(department, period):
    from app.reports.models import Report

    def load():
        ids = db.select(Organisation.id).where(Organisation.department == department)
        reports = db.session.scalar(db.select(db.func.count()).select_from(Report).where(
            Report.organisation_id.in_(ids), *_created_in(Report, period)))
        org_ids = list(db.session.scalars(ids))
        return compute(summary.department_scope(department), f"Département {department}", period, org_ids,
                       reports)

    return _kept(summary.department_scope(department), period, load)


def national_indicators(period):
    from app.reports.models import Report

    def load():
        reports = db.session.scalar(db.select(db.func.count()).select_from(Report).where(
            *_created_in(Report, period)))
        return compute(summary.NATIONAL, "National", period, None, reports)

    return _kept(summary.NATIONAL, period, load)


def _created_in(model, period):
    from datetime import UTC, datetime

    start = datetime(period.start.year, period.start.month, 1, tzinfo=UTC)
    end = datetime(period.end.year, period.end.month, 1, tzinfo=UTC)
    return model.created_at >= start, model.created_at < end


def citizen_problems_by_application(application_ids=None):
    """{application id: problems reported by citizens}, all months, from the national summaries."""
    totals = Counter()
    for counts in db.session.scalars(db.select(QualityMonth.counts).where(QualityMonth.scope == summary.NATIONAL)):
        for key, value in counts.items():
            if key.startswith("citizen_problem:"):
                totals[int(key.split(":", 1)[1])] += value
    if application_ids is not None:
        wanted = set(application_ids)
        return {k: v for k, v in totals.items() if k in wanted}
    return dict(totals)


def procedure_choices():
    """Options for the optional « démarche » of a desk-log row: the active procedures of the catalogue."""
    from app.reports.catalog_models import Application, Procedure

    rows = db.session.execute(
        db.select(Procedure.id, Procedure.title, Application.name).join(Application)
        .where(Procedure.is_active.is_(True), Application.is_active.is_(True))
        .order_by(Application.name, Procedure.position, Procedure.id)).all()
    return [SelectChoice("", "—")] + [SelectChoice(str(pid), f"{app_name} — {title}", optgroup=app_name)
                                      for pid, title, app_name in rows]


def application_choices():
    """Options for « un service en ligne vous a posé problème ? »."""
    from app.reports.catalog_models import Application

    rows = db.session.execute(db.select(Application.id, Application.name).where(Application.is_active.is_(True))
                              .order_by(Application.name)).all()
    return [SelectChoice("", "Aucun")] + [SelectChoice(str(aid), name) for aid, name in rows]


def site_tokens(organisation_id):
    from app.reception.models import SiteToken

    return db.session.scalars(db.select(SiteToken).where(SiteToken.organisation_id == organisation_id)
                              .order_by(SiteToken.created_at.desc())).all()


def site_token_or_404(user, token_id):
    from app.reception.models import SiteToken

    token = db.session.scalar(db.select(SiteToken).where(SiteToken.id == token_id,
                                                         SiteToken.organisation_id == user.organisation_id))
    if token is None:
        abort(404)
    return token


def voice_organisation(token):
    """The organisation of a « Votre avis » token, or None (unknown or renewed token)."""
    import hmac

    from app.reception.models import VoiceLink
    from app.reception.services import first_voice_token

    link = db.session.scalar(db.select(VoiceLink).where(VoiceLink.token == token))
    if link is not None:
        return link.organisation
    # The first address of an organisation whose HR never renewed it (no row yet).
    organisation_id, _, _mac = (token or "").partition("-")
    if not organisation_id.isdigit() or len(organisation_id) > 9:
        return None
    if not hmac.compare_digest(first_voice_token(int(organisation_id)), token):
        return None
    if db.session.get(VoiceLink, int(organisation_id)) is not None:
        return None  # renewed: the first address no longer works
    return db.session.get(Organisation, int(organisation_id))


@functools.cache
def _department_page_statement(assigned):
    """The organisations of :department by name, up to :limit; `assigned`: only when the département is one of
    :user_id's (their assignment outer-joined to its organisations: one row without organisation when it has
    none, no row when it is not theirs)."""
    department, limit = db.bindparam("department"), db.bindparam("limit", type_=db.Integer)
    if not assigned:
        return (db.select(Organisation.code, Organisation.name).where(Organisation.department == department)
                .order_by(Organisation.name).limit(limit))
    return (
        db.select(Organisation.code, Organisation.name)
        .select_from(NetworkDepartment)
        .outerjoin(Organisation, Organisation.department == NetworkDepartment.department)
        .where(NetworkDepartment.user_id == db.bindparam("user_id"), NetworkDepartment.department == department)
        .order_by(Organisation.name).limit(limit)
    )


def department_page_organisations(user, department, limit=500):
    """department_or_404 and the département's organisations the user may read, in one query: their (code,
    name) rows by name, for the page's links (no objects built: a large département lists hundreds), or 404
    when the user may not read the département (an administrator one with organisations, an « animateur
    réseau » one of theirs)."""
    if user.role not in (Role.ADMIN, Role.MANAGER_NETWORK):
        abort(404)
    assigned = user.role == Role.MANAGER_NETWORK
    values = {"department": department, "limit": limit}
    if assigned:
        values["user_id"] = user.id
    rows = db.session.execute(_department_page_statement(assigned), values).all()
    if not rows:
        abort(404)
    return [row for row in rows if row.code is not None]


def network_managers():
    """[(user, [départements])] of every « animateur réseau », for the administrators' page."""
    from app.accounts.models import User

    users = db.session.scalars(db.select(User).where(User.role == Role.MANAGER_NETWORK).order_by(User.full_name)).all()
    assigned = {}
    for user_id, department in db.session.execute(
            db.select(NetworkDepartment.user_id, NetworkDepartment.department).order_by(NetworkDepartment.department)):
        assigned.setdefault(user_id, []).append(department)
    return [(user, assigned.get(user.id, [])) for user in users]


def network_assignment_or_404(user_id, department):
    assignment = db.session.scalar(db.select(NetworkDepartment).where(
        NetworkDepartment.user_id == user_id, NetworkDepartment.department == department))
    if assignment is None:
        abort(404)
    return assignment
