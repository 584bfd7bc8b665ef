"""The monthly incident summaries stay equal to a direct count of the incidents, through every use case."""
from datetime import UTC, datetime, timedelta

from app.extensions import db
from app.workplace import incidents, indicators, summary
from app.workplace.enums import IncidentKind, Severity
from app.workplace.models import Incident, IncidentMonth, IncidentOrgMonth
from app.workplace.periods import at_most_hours_after, parse_quarter, quarter_of
from app.workplace.scope import NATIONAL, department_scope, organisation_scope
from tests.factories import OrganisationFactory, UserFactory
from tests.workplace.helpers import file


def _direct(scope, quarter):
    """The indicators' incident figures counted on the incidents themselves (the query the pages ran before)."""
    start, end = parse_quarter(quarter)
    start_at, end_at = (datetime(d.year, d.month, d.day, tzinfo=UTC) for d in (start, end))
    on_time = at_most_hours_after(Incident.taken_at, Incident.created_at, 48)
    rows = db.session.execute(
        db.select(Incident.kind, Incident.severity, db.func.count(),
                  db.func.coalesce(db.func.sum(db.case((on_time, 1), else_=0)), 0), db.func.count(Incident.support_at))
        .where(scope.condition(Incident.organisation_id), Incident.occurred_at >= start_at,
               Incident.occurred_at < end_at)
        .group_by(Incident.kind, Incident.severity)).all()
    by_kind = {k.value: 0 for k in IncidentKind}
    by_severity = {s.value: 0 for s in Severity}
    for kind, severity, count, _t, _s in rows:
        by_kind[kind] += count
        by_severity[severity] += count
    return by_kind, by_severity, sum(int(r[3]) for r in rows), sum(r[4] for r in rows)


def _matches_a_rebuild():
    """Both summaries (kind and severity rows, organisation-month totals) equal a recount of the incidents."""
    counted = summary.recount()
    assert summary.stored() == counted
    assert summary.stored_org_months() == summary.org_months_of(counted)


def _shown(ind):
    """The figures a page shows (minimum group 1: nothing masked)."""
    return ({k.value: f.value for k, f in zip(IncidentKind, ind.by_kind, strict=True)},
            {s.value: f.value for s, f in zip(Severity, ind.by_severity, strict=True)},
            ind.total.value, ind.support_given.value)


def _operations():
    """Incidents in two départements and an organisation without one, this month and the previous one,
    taken in charge on time and late, with support offered, closed."""
    lyon, villeurbanne = OrganisationFactory(department="69"), OrganisationFactory(department="69")
    paris, nowhere = OrganisationFactory(department="75"), OrganisationFactory(department=None)
    orgs = (lyon, villeurbanne, paris, nowhere)
    hr = {org.id: UserFactory(role="hr", organisation=org) for org in orgs}
    agents = {org.id: UserFactory(role="agent", organisation=org) for org in orgs}
    now = datetime.now(UTC)
    filed = []
    for org, kind, severity, days_ago in [(lyon, "verbal", "2", 0), (lyon, "verbal", "2", 0), (lyon, "threat", "3", 40),
                                          (villeurbanne, "incivility", "1", 0), (paris, "physical", "4", 1),
                                          (paris, "damage", "1", 35), (nowhere, "verbal", "1", 0)]:
        filed.append(file(agents[org.id], kind=kind, severity=severity,
                          occurred_at=now - timedelta(days=days_ago, hours=2)))
    on_time, late, supported, closed = filed[0], filed[1], filed[4], filed[6]
    incidents.move(hr[on_time.organisation_id], on_time, "taken", "Pris en charge.")
    late.created_at = now - timedelta(hours=49)  # filed more than 48 h before it is taken in charge
    db.session.commit()
    incidents.move(hr[late.organisation_id], late, "taken", "Pris en charge en retard.")
    for status in ("taken", "support_offered", "closed"):
        incidents.move(hr[supported.organisation_id], supported, status, "Suivi.")
    for status in ("taken", "closed"):
        incidents.move(hr[closed.organisation_id], closed, status, "Suivi.")
    return lyon, paris, nowhere, now


def test_the_summary_equals_a_direct_count_after_every_use_case(app):
    lyon, paris, nowhere, now = _operations()
    _matches_a_rebuild()
    nat = db.session.execute(db.select(db.func.sum(IncidentMonth.incidents), db.func.sum(IncidentMonth.taken_within_48h),
                                       db.func.sum(IncidentMonth.support_given))
                             .where(IncidentMonth.scope == summary.NATIONAL)).one()
    assert tuple(nat) == (7, 3, 1)  # the late one is not on time; the organisation without département counts
    quarters = {quarter_of(now.date()), quarter_of((now - timedelta(days=40)).date())}
    for quarter in quarters:
        for scope in (organisation_scope(lyon), organisation_scope(paris), organisation_scope(nowhere),
                      department_scope("69"), department_scope("75"), NATIONAL):
            by_kind, by_severity, on_time, support = _direct(scope, quarter)
            ind = indicators.compute(scope, quarter, minimum=1)
            assert _shown(ind) == (by_kind, by_severity, sum(by_kind.values()), support), (scope.key, quarter)
            total = sum(by_kind.values())
            assert ind.within_48h == (round(100 * on_time / total) if total else None), (scope.key, quarter)
            cross = {(r.organisation, r.month): r.incidents for r in indicators.cross_readings(scope, quarter)
                     if r.incidents}
            assert sum(cross.values()) == total


def test_rebuild_repairs_the_summary(app):
    _operations()
    expected, expected_org_months = summary.stored(), summary.stored_org_months()
    db.session.execute(db.delete(IncidentMonth).where(IncidentMonth.scope == summary.NATIONAL))
    db.session.execute(db.update(IncidentMonth).values(incidents=IncidentMonth.incidents + 5))
    db.session.execute(db.update(IncidentOrgMonth).values(incidents=IncidentOrgMonth.incidents + 5))
    db.session.commit()
    assert summary.stored() != expected and summary.stored_org_months() != expected_org_months
    result = app.test_cli_runner().invoke(args=["workplace", "rebuild-summaries"])
    assert result.exit_code == 0, result.output
    assert "ligne(s) de synthèse" in result.output
    db.session.expire_all()
    assert summary.stored() == expected == summary.recount()
    assert summary.stored_org_months() == expected_org_months


def test_the_page_reads_the_summary_not_the_incidents(app, client, login):
    """A figure changed in the summary alone shows on the page: the incidents are not scanned."""
    org = OrganisationFactory()
    login(role="hr", organisation=org)
    agent = UserFactory(role="agent", organisation=org)
    for _ in range(6):
        file(agent, kind="verbal")
    assert ">6</td>" in client.get("/conditions-de-travail/indicateurs").get_data(as_text=True)
    db.session.execute(db.update(IncidentMonth).where(IncidentMonth.scope == summary.org_scope(org.id))
                       .values(incidents=9))
    db.session.execute(db.update(IncidentOrgMonth).where(IncidentOrgMonth.organisation_id == org.id)
                       .values(incidents=9))  # the cross-readings' organisation-month totals
    db.session.commit()
    page = client.get("/conditions-de-travail/indicateurs").get_data(as_text=True)
    assert ">9</td>" in page and ">6</td>" not in page


def test_scale_seed_fills_the_summary(app):
    from app.scale.seed import scaled, seed_scale

    seed_scale(app.config, scaled(0.002))
    assert summary.stored() and summary.stored_org_months()
    _matches_a_rebuild()
    # The other domains' monthly figures the cross-readings read, filled after their bulk rows.
    from app.backoffice import delay_summary
    from app.reports import month_counts

    assert delay_summary.stored() and delay_summary.stored() == delay_summary.recount()
    assert month_counts.stored() and month_counts.stored() == month_counts.recount()


def test_demo_seed_fills_the_summary_through_the_use_cases(app):
    from app.seed import seed_demo

    seed_demo()
    stored = summary.stored()
    assert sum(c["incidents"] for key, c in stored.items() if key[0] == summary.NATIONAL) == 5
    _matches_a_rebuild()


def test_an_organisation_moving_to_another_departement_takes_its_counters_along(app):
    """Incidents filed in the old département and taken in charge after the move stay counted in one
    département: the organisation's counters follow it, as a rebuild counts them."""
    from app.accounts.organisations import update_organisation

    lyon, paris, nowhere, _now = _operations()
    admin = UserFactory(role="admin")
    pending = db.session.scalar(db.select(Incident).where(Incident.organisation_id == lyon.id,
                                                          Incident.status == "received"))
    update_organisation(admin, lyon, lyon.name, lyon.kind, "75", is_public=lyon.is_public)
    update_organisation(admin, nowhere, nowhere.name, nowhere.kind, "2A", is_public=nowhere.is_public)
    hr = UserFactory(role="hr", organisation=lyon)
    incidents.move(hr, pending, "taken", "Pris en charge après le changement de département.")
    _matches_a_rebuild()
    assert {department for (org_id, department, _m) in summary.stored_org_months() if org_id == lyon.id} == {"75"}
    moved = db.session.scalar(db.select(db.func.sum(IncidentMonth.incidents))
                              .where(IncidentMonth.scope == summary.department_scope("75")))
    assert moved == 2 + 3  # Paris's two and Lyon's three
