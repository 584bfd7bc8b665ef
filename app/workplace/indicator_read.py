"""Everything the working-conditions indicators of one scope and quarter read, in one query.

The sections (incident counts from the monthly summaries, the site checklist, the barometer trend, the
busiest organisation-months of the cross-readings) and the figures other domains provide (their
providers.ProviderRead parts, over the organisations of the cross-readings) are the named parts of one
UNION ALL (app.common.sql.PartsUnion). The statement is built once per scope level and set of providers;
the scope and the quarter are bind parameters. A provider registered without a ProviderRead is called as
before, after the query (providers.fetch, providers.total).
"""
from dataclasses import dataclass, field

from sqlalchemy import Integer, String

from app.accounts.models import Organisation
from app.common.sql import MAX_ID, Part, PartsUnion, as_tuple, first
from app.extensions import db
from app.workplace import barometer, checklist, providers, summary
from app.workplace.models import IncidentMonth, IncidentOrgMonth
from app.workplace.periods import months_of, previous_quarters
from app.workplace.scope import param_condition, param_values

# (dialect, level, without département, providers' generation) -> (PartsUnion, {name: read}, part names)
_UNIONS = {}


@dataclass
class IndicatorRows:
    """What the query read, in the shapes app.workplace.indicators expects."""

    incidents: list  # (kind, severity, incidents, taken within 48 h, support given)
    site: tuple  # checklist.site_figures: (assessed, {theme: mean}, open actions)
    trend: dict  # {quarter: Cell}
    busiest: list  # _busiest's rows: (org_id, name, "YYYY-MM" or None, incidents)
    with_incidents: int
    figures: dict = field(default_factory=dict)  # {provider name: {(org_id, "YYYY-MM"): value}}
    totals: dict = field(default_factory=dict)  # {provider name: whole-scope figure}




def _org_month_condition(level):
    """param_condition on the organisation-month rows, which carry their organisation's département."""
    T = IncidentOrgMonth
    if level == "organisation":
        return T.organisation_id == db.bindparam("wc_org_id", type_=db.Integer)
    if level == "department":
        return T.department == db.bindparam("wc_department", type_=db.String)
    return db.true()


def _parts(level, without_department, reads):
    """The named parts of the query for a scope of `level` (see the module's docstring)."""
    quarter = providers.QuarterParams()
    S = IncidentMonth
    incidents = (db.select(S.kind, S.severity, db.func.sum(S.incidents).label("incidents"),
                           db.func.sum(S.taken_within_48h).label("taken"), db.func.sum(S.support_given).label("support"))
                 .where(S.scope == db.bindparam("wc_scope_key", type_=String), S.month.in_(quarter.months))
                 .group_by(S.kind, S.severity))

    def condition(column):
        return param_condition(level, column)

    # The cross-readings: the organisation-months with incidents, the busiest `wc_limit` of them (ties cut
    # like the full list: see indicators._busiest), and the organisations the other domains are asked about.
    # Read from the organisation-month rows by index: the `wc_limit` largest counts of each month hold the
    # limit-th largest of the quarter, and only the rows at or above it are read and named.
    limit = db.bindparam("wc_limit", type_=Integer)
    T = IncidentOrgMonth
    in_scope = _org_month_condition(level)
    with_incidents_n = (db.select(db.func.count().label("n"))
                        .where(T.month.in_(quarter.months), T.incidents > 0, in_scope).cte("wc_with_incidents_n"))
    with_incidents = db.select(with_incidents_n.c.n).scalar_subquery()
    tops = [db.select(T.incidents.label("incidents")).where(T.month == month, T.incidents > 0, in_scope)
            .order_by(T.incidents.desc()).limit(limit).subquery(f"wc_top_{index}")
            for index, month in enumerate(quarter.months)]
    candidates = db.union_all(*[db.select(top.c.incidents) for top in tops]).subquery("wc_tops")
    nth = (db.select(candidates.c.incidents).order_by(candidates.c.incidents.desc()).limit(1)
           .offset(db.bindparam("wc_nth_offset", type_=Integer)).scalar_subquery())
    # The name looked up for the rows kept by the count only (a join would hash every organisation first).
    name = (db.select(Organisation.name).where(Organisation.id == T.organisation_id).scalar_subquery()
            .label("name"))
    busiest = (db.select(T.organisation_id.label("org_id"), name, T.month.label("month"),
                         T.incidents.label("incidents"))
               .where(T.month.in_(quarter.months), T.incidents > 0, in_scope,
                      T.incidents >= db.func.coalesce(nth, 0))
               .order_by(T.incidents.desc(), name, T.month, T.organisation_id)
               .limit(limit).cte("wc_busiest"))
    cross_orgs = db.union_all(
        db.select(busiest.c.org_id.label("org_id")).where(with_incidents > limit),
        db.select(Organisation.id.label("org_id")).where(condition(Organisation.id), with_incidents <= limit),
    ).cte("wc_cross_orgs")
    parts = [
        Part("wc_incidents", incidents, as_tuple),
        Part("wc_site", checklist.site_figures_statement(condition), as_tuple),
        Part("wc_trend", barometer.trend_statement(level, without_department), as_tuple),
        Part("wc_busiest", db.select(busiest.c.org_id, busiest.c.name, quarter.month_of_date(busiest.c.month)
                                     .label("month"), busiest.c.incidents), as_tuple),
        Part("wc_quiet", db.select(Organisation.id, Organisation.name)
             .where(condition(Organisation.id), with_incidents <= limit), as_tuple),
        Part("wc_with_incidents", db.select(with_incidents.label("with_incidents")), first),
    ]
    names = {}  # provider name -> (name of its part, name of its total's part or None)
    for name, read in reads.items():
        part = read.part(cross_orgs, quarter)
        total = read.total_part(quarter) if read.total_part is not None else None
        parts.extend(p for p in (part, total) if p is not None and p.name not in {q.name for q in parts})
        names[name] = (part.name, total.name if total is not None else None)
    return parts, names


def _union(level, without_department):
    generation, reads = providers.reads()
    key = (db.session.get_bind().dialect.name, level, without_department, generation)
    found = _UNIONS.get(key)
    if found is None:
        if len(_UNIONS) > 32:
            _UNIONS.clear()
        parts, names = _parts(level, without_department, reads)
        found = _UNIONS[key] = (PartsUnion(parts), reads, names)
    return found


def read(scope, quarter, start, end, limit=None):
    """IndicatorRows of `scope` and `quarter` ([start, end)); `limit`: the busiest organisation-months kept
    (None: all of them), in one query."""
    without_department = scope.level != "national" and barometer.department_of(scope) == "?"
    union, reads, names = _union(scope.level, without_department)
    quarters = previous_quarters(quarter, 4)
    limit = MAX_ID if limit is None else limit
    params = {**param_values(scope), **providers.QuarterParams.values(start),
              "wc_scope_key": summary.scope_key(scope), "wc_quarters": quarters,
              "wc_limit": limit, "wc_nth_offset": limit - 1}
    for provider_read in reads.values():
        if provider_read.total_params is not None:
            key = {"organisation": scope.organisation_id, "department": scope.department}.get(scope.level)
            params.update(provider_read.total_params(scope.level, key))
    rows = union.read(params)
    labels = months_of(start, end)
    busiest = [(org_id, name, labels[month], int(n)) for org_id, name, month, n in rows["wc_busiest"]]
    busiest.sort(key=lambda r: (-r[3], r[1], r[2], r[0]))  # a UNION keeps no order
    with_incidents = int(rows["wc_with_incidents"][0])
    quiet = [(org_id, name, None, 0) for org_id, name in rows["wc_quiet"]]
    found = IndicatorRows(
        incidents=[(kind, severity, int(n), int(taken), int(support))
                   for kind, severity, n, taken, support in rows["wc_incidents"]],
        site=checklist.site_figures_from_row(rows["wc_site"][0]),
        trend=barometer.trend_from_rows(rows["wc_trend"], quarters, scope),
        busiest=busiest + quiet, with_incidents=with_incidents)
    for name, provider_read in reads.items():
        part_name, total_name = names[name]
        values = provider_read.figures(rows[part_name])
        found.figures[name] = {(org_id, labels[month]): value for (org_id, month), value in values.items()}
        if total_name is not None:
            found.totals[name] = rows[total_name][0]
    return found
