"""Indicators, cross-readings on a fixture (hand-computed), the quarterly file, the discussion space."""
import io
import zipfile
from datetime import UTC, date, datetime

import pytest
from pypdf import PdfReader

from app.extensions import db
from app.workplace import dialogue, indicators, providers
from app.workplace.indicators import CrossRow
from app.workplace.models import StaffRepMandate
from app.workplace.scope import NATIONAL, department_scope, organisation_scope
from tests.factories import PASSWORD, OrganisationFactory, UserFactory
from tests.reports.factories import ApplicationFactory, file_report
from tests.workplace.helpers import file

QUARTER = "2026-T4"


def at(month, day=10):
    return datetime(2026, month, day, 9, 30, tzinfo=UTC)


@pytest.fixture
def fixture_providers():
    """The desk log and the back office, as they would register their figures."""
    calls = []

    def accompaniments(org_ids, start, end):
        calls.append(("accompaniments", sorted(org_ids), start, end))
        return {(a_id, "2026-10"): 600, (a_id, "2026-11"): 400, (b_id, "2026-10"): 250}

    def waiting(org_ids, start, end):
        return {(a_id, "2026-10"): 0.25, (b_id, "2026-10"): 0.5}

    def delays(org_ids, start, end):
        return {(a_id, "2026-10"): 2.5}

    a, b = OrganisationFactory(department="69", name="A-site"), OrganisationFactory(department="69", name="B-site")
    a_id, b_id = a.id, b.id
    saved = providers.registered()
    for name in ("accompaniments", "waiting_over_15", "support_delays"):
        providers.unregister_provider(name)  # the domains' own totals go with them
    providers.register_provider("accompaniments", accompaniments)
    providers.register_provider("waiting_over_15", waiting)
    providers.register_provider("support_delays", delays)
    yield a, b, calls
    providers.restore(saved)  # the providers the domains registered at start-up


def seed_fixture(a, b):
    agent_a, agent_b = UserFactory(organisation=a), UserFactory(organisation=b)
    for day in (3, 12, 25):
        file(agent_a, occurred_at=at(10, day))
    file(agent_a, occurred_at=at(11, 2), kind="physical")
    file(agent_a, occurred_at=at(11, 20))
    file(agent_b, occurred_at=at(10, 5))
    file(agent_b, occurred_at=datetime(2026, 9, 30, 12, tzinfo=UTC))  # previous quarter: left out
    application = ApplicationFactory()
    for created in (at(10, 1), at(10, 30), at(12, 1)):
        report = file_report(agent_a, application)
        report.created_at = created
    db.session.commit()


def test_cross_readings_match_hand_computed_values(fixture_providers):
    a, b, calls = fixture_providers
    seed_fixture(a, b)
    rows = indicators.cross_readings(department_scope("69"), QUARTER)
    assert rows == [
        # 3 incidents / 600 accompaniments = 5.0 per 1,000; 2 reports filed by agents of A in October.
        CrossRow("A-site", "2026-10", 3, 600, 5.0, 0.25, 2.5, 2, True),
        CrossRow("A-site", "2026-11", 2, 400, 5.0, None, None, 0, True),
        CrossRow("A-site", "2026-12", 0, None, None, None, None, 1, True),
        CrossRow("B-site", "2026-10", 1, 250, 4.0, 0.5, None, 0, True),
    ]
    assert calls[-1][1] == sorted([a.id, b.id]) and calls[-1][2:] == (datetime(2026, 10, 1).date(),
                                                                      datetime(2027, 1, 1).date())


def test_rates_per_thousand_only_with_the_desk_log(fixture_providers, client, login):
    a, b, _calls = fixture_providers
    seed_fixture(a, b)
    ind = indicators.compute(organisation_scope(a), QUARTER, 5)
    assert ind.accompaniments == 1000 and ind.total.value == 5 and ind.total.rate == 5.0
    providers.unregister_provider("accompaniments")
    providers.unregister_provider("waiting_over_15")
    ind = indicators.compute(organisation_scope(a), QUARTER, 5)
    assert ind.accompaniments is None and ind.total.rate is None
    login(role="hr", organisation=a)
    page = client.get(f"/conditions-de-travail/indicateurs?trimestre={QUARTER}").get_data(as_text=True)
    assert "accueil) : non disponible" in page
    assert '<th scope="col">Nombre</th><th scope="col">Pour 1 000' not in page


def test_small_counts_by_kind_are_not_published(fixture_providers):
    a, b, _calls = fixture_providers
    seed_fixture(a, b)
    ind = indicators.compute(organisation_scope(a), QUARTER, 5)
    by_kind = {f.label: f.value for f in ind.by_kind}
    # 4 verbal + 1 physical: both under 5, nothing published for them; the total (5) is.
    assert by_kind["Agression physique"] is None and by_kind["Agression verbale"] is None
    assert by_kind["Menace"] == 0 and ind.total.value == 5


def test_staff_rep_downloads_the_quarterly_file_with_rules_applied(fixture_providers, app, client, login):
    a, b, _calls = fixture_providers
    seed_fixture(a, b)
    rep = login(role="agent", organisation=a)
    db.session.add(StaffRepMandate(user_id=rep.id, department="69"))
    db.session.commit()
    response = client.get(f"/conditions-de-travail/dossier.zip?perimetre=dep-69&trimestre={QUARTER}")
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert sorted(archive.namelist()) == sorted(["dossier.pdf", "incidents.csv", "poste-et-lieu.csv", "barometre.csv",
                                                 "lectures-croisees.csv", "discussion.csv"])
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(archive.read("dossier.pdf"))).pages)
    assert "Dossier conditions de travail" in text and "Département 69" in text
    incidents_csv = archive.read("incidents.csv").decode("utf-8-sig")
    assert "Nature : Agression physique;moins de 5" in incidents_csv
    assert "Incidents;6;4,8" in incidents_csv  # 6 incidents for 1,250 accompaniments = 4.8 per 1,000
    assert "Menace;0;0,0" in incidents_csv


def test_discussion_space_recorded_by_hr_read_by_staff_rep_and_agents(app, client, login):
    org = OrganisationFactory()
    hr = UserFactory(role="hr", organisation=org)
    dialogue.add_item(hr, org, "decision", QUARTER, "Un second agent à l'accueil le lundi matin.")
    with pytest.raises(dialogue.DialogueError):
        dialogue.add_item(UserFactory(role="hr"), org, "theme", QUARTER, "Intrus")
    rep = UserFactory(role="agent")
    db.session.add(StaffRepMandate(user_id=rep.id, organisation_id=org.id))
    db.session.commit()
    path = f"/conditions-de-travail/discussion/{org.id}"
    for user, status in ((UserFactory(organisation=org), 200), (rep, 200), (UserFactory(), 404),
                         (UserFactory(role="hr"), 404)):
        c = app.test_client()
        c.post("/connexion", data={"email": user.email, "password": "correct horse battery staple"})
        response = c.get(path)
        assert response.status_code == status
        assert ("second agent" in response.get_data(as_text=True)) is (status == 200)
    login(role="agent", organisation=org)
    assert client.post(path, data={"kind": "theme", "quarter": QUARTER, "text": "x"}).status_code == 403


def test_a_large_scope_lists_the_busiest_rows_and_the_csv_all_of_them(fixture_providers):
    from app.workplace import dossier
    from app.workplace.indicators import CROSS_LIMIT

    a, b, _calls = fixture_providers
    seed_fixture(a, b)
    ind = indicators.compute(department_scope("69"), QUARTER, 5)
    ind.cross = ind.cross * (CROSS_LIMIT // 2)
    assert len(ind.cross_shown) == CROSS_LIMIT and ind.cross_shown[0].incidents == 3
    archive = zipfile.ZipFile(io.BytesIO(dossier.zip_bytes(ind, [])))
    assert archive.read("lectures-croisees.csv").decode("utf-8-sig").count("\n") == len(ind.cross) + 1


# --- the figures the desk log (app.reception) and the back office (app.backoffice) register --------------

def _visits(agent, day, count, waiting):
    from app.reception import services as reception

    values = reception.clean_visit({"visited_on": day, "channel": "in_person", "operators": ["caf"],
                                    "outcome": "resolved", "duration": "5_15", "waiting": waiting})
    reception.record_visits(agent, agent.organisation, [values] * count)


def _request(author, created, answered):
    from zoneinfo import ZoneInfo

    from tests.backoffice.factories import ask

    paris = ZoneInfo("Europe/Paris")
    row = ask(author, now=datetime(*created, tzinfo=paris))
    row.first_answer_at = datetime(*answered, tzinfo=paris) if answered else None
    db.session.commit()


@pytest.fixture
def desk_and_back_office():
    """A-site and B-site (69), C-site (75): desk log, support requests and the incidents of seed_fixture."""
    from tests.backoffice.factories import expert, group

    a, b = OrganisationFactory(department="69", name="A-site"), OrganisationFactory(department="69", name="B-site")
    c = OrganisationFactory(department="75", name="C-site")
    seed_fixture(a, b)
    desk_a, desk_b, desk_c = (UserFactory(organisation=o) for o in (a, b, c))
    # October, A: 600 accompaniments; waiting recorded for 480 of them, 150 + 30 over 15 minutes.
    _visits(desk_a, "2026-10-06", 150, "15_30")
    _visits(desk_a, "2026-10-07", 30, "gt30")
    _visits(desk_a, "2026-10-08", 300, "lt5")
    _visits(desk_a, "2026-10-09", 120, None)
    _visits(desk_a, "2026-11-03", 400, "none")  # November, A: 400, none over 15 minutes
    _visits(desk_b, "2026-10-14", 50, "gt30")  # October, B: 250, 50 of them over 15 minutes
    _visits(desk_b, "2026-10-15", 200, "5_15")
    _visits(desk_a, "2026-09-29", 100, "gt30")  # previous quarter: left out
    _visits(desk_c, "2026-10-06", 70, "lt5")  # another département
    group(experts=[expert()])
    # A's support requests (Paris time, business hours 09:00-17:00, no public holiday on these days):
    _request(desk_a, (2026, 10, 1, 9), (2026, 10, 1, 13))  # Thursday: 4 h
    _request(desk_a, (2026, 10, 5, 15), (2026, 10, 6, 12))  # Monday 15:00 -> Tuesday 12:00: 2 + 3 = 5 h
    _request(desk_a, (2026, 10, 8, 10), (2026, 10, 12, 10))  # Thursday -> Monday: 7 + 8 + 1 = 16 h
    _request(desk_a, (2026, 10, 20, 10), None)  # never answered: not in the median
    _request(desk_a, (2026, 11, 2, 9), (2026, 11, 2, 11, 30))  # 2.5 h
    return a, b, c


def test_every_cross_reading_provider_is_registered_by_its_domain(app):
    """Fails as soon as a domain stops registering its figure (the page would say « non disponible »)."""
    owners = {name: getattr(providers.provider(name), "__module__", None) for name in providers.PROVIDER_NAMES}
    assert owners == {"accompaniments": "app.reception.workplace_figures",
                      "waiting_over_15": "app.reception.workplace_figures",
                      "support_delays": "app.backoffice.workplace_figures",
                      "online_failures": "app.workplace.reports_provider"}


def test_cross_readings_from_the_desk_log_and_the_back_office(desk_and_back_office):
    a, b, c = desk_and_back_office
    rows = indicators.cross_readings(department_scope("69"), QUARTER)
    assert rows == [
        # 3 incidents / 600 accompaniments = 5.0 per 1,000; (150 + 30) / 480 recorded waits = 0.375;
        # median of 4, 5 and 16 business hours = 5.0; 2 reports filed by A's agents in October.
        CrossRow("A-site", "2026-10", 3, 600, 5.0, 0.375, 5.0, 2, True),
        # 2 / 400 = 5.0 per 1,000; no wait over 15 minutes; one request answered in 2.5 h.
        CrossRow("A-site", "2026-11", 2, 400, 5.0, 0.0, 2.5, 0, True),
        CrossRow("A-site", "2026-12", 0, None, None, None, None, 1, True),
        # 1 / 250 = 4.0 per 1,000; 50 / 250 = 0.2; no support request.
        CrossRow("B-site", "2026-10", 1, 250, 4.0, 0.2, None, 0, True),
    ]
    # Totals from the desk log's own summaries: A 1,000 (5 incidents: 5.0 per 1,000), département 69
    # 1,250 (6 incidents: 4.8), national 1,320 (C's 70 added).
    site = indicators.compute(organisation_scope(a), QUARTER, 5)
    assert (site.accompaniments, site.total.value, site.total.rate) == (1000, 5, 5.0)
    department = indicators.compute(department_scope("69"), QUARTER, 5)
    assert (department.accompaniments, department.total.value, department.total.rate) == (1250, 6, 4.8)
    assert indicators.compute(NATIONAL, QUARTER, 5).accompaniments == 1320
    assert all(department.available.values())


def test_a_page_reads_only_the_busiest_rows_and_the_file_all_of_them(desk_and_back_office):
    rows = indicators.cross_readings(department_scope("69"), QUARTER)
    cut, with_incidents = indicators.cross_readings(department_scope("69"), QUARTER, limit=2, counted=True)
    assert cut == rows[:2] and with_incidents == 3  # A October (3), A November (2); B October has 1
    whole, none = indicators.cross_readings(department_scope("69"), QUARTER, limit=3, counted=True)
    assert whole == rows and none is None  # 3 organisation-months with incidents: nothing cut


def test_the_indicators_page_shows_the_desk_log_and_back_office_figures(desk_and_back_office, client, login):
    a, _b, _c = desk_and_back_office
    login(role="hr", organisation=a)
    page = client.get(f"/conditions-de-travail/indicateurs?trimestre={QUARTER}").get_data(as_text=True)
    assert "non disponible." not in page  # no « … : non disponible. » line for a missing domain
    assert "<td>5.0</td><td>38 %</td><td>5.0 h</td>" in page  # A, October: per 1,000, waits, delay
    assert '<th scope="col">Pour 1 000 accompagnements</th>' in page


def test_reception_quality_pages_read_the_back_office_first_answer_time(desk_and_back_office):
    """The back office registers its median with app.reception too: A's Q4 requests answered in 4, 5, 16
    and 2.5 business hours (the unanswered one left out) -> median 4.5 h; B has none -> « non disponible »."""
    from app.reception import queries as reception_queries

    a, b, _c = desk_and_back_office
    period = reception_queries.parse_period("2026-T4")
    assert reception_queries.organisation_indicators(a, period).support_hours == 4.5
    assert reception_queries.organisation_indicators(b, period).support_hours is None


@pytest.mark.parametrize("limit", [1, 2, 3, 4, 5, 6])
def test_the_busiest_rows_cut_through_ties_like_the_full_list(limit):
    """Counts 3, 2, 2, 2, 1 (ties at every cut): the first `limit` rows are those of the full list, in its order."""
    orgs = [OrganisationFactory(department="69", name=name) for name in ("D-site", "B-site", "C-site", "A-site")]
    agents = [UserFactory(organisation=org) for org in orgs]
    for agent, count in zip(agents, (3, 2, 2, 2), strict=True):
        for day in range(1, count + 1):
            file(agent, occurred_at=at(10, day))
    file(agents[1], occurred_at=at(11, 2))
    full, _n = indicators._busiest(department_scope("69"), date(2026, 10, 1), date(2027, 1, 1))
    with_incidents = [row for row in full if row[2] is not None]
    cut, counted = indicators._busiest(department_scope("69"), date(2026, 10, 1), date(2027, 1, 1), limit)
    assert counted == 5
    assert [row for row in cut if row[2] is not None] == with_incidents[:limit]


@pytest.mark.parametrize("limit", [None, 1, 2, 3])
def test_the_single_query_reads_what_each_domain_answers(desk_and_back_office, limit):
    """compute() reads the providers' figures in its one query (their ProviderRead parts): the cross-readings
    and the accompaniments' totals equal those of the providers' own functions, for every scope and cut."""
    a, _b, c = desk_and_back_office
    for chosen in (organisation_scope(a), organisation_scope(c), department_scope("69"), department_scope("75"),
                   NATIONAL):
        ind = indicators.compute(chosen, QUARTER, 5, cross_limit=limit)
        rows, cut = indicators.cross_readings(chosen, QUARTER, limit=limit, counted=True)
        assert (ind.cross, ind.cross_with_incidents) == (rows, cut)
        start, end = datetime(2026, 10, 1).date(), datetime(2027, 1, 1).date()
        assert ind.accompaniments == providers.total("accompaniments", chosen, start, end)
    assert [r.online_failures for r in indicators.compute(organisation_scope(a), QUARTER, 5).cross] == [2, 0, 1]


def _incidents_cell(page):
    """The « Incidents » figure of the page's first table."""
    return page.split('<th scope="row">Incidents</th><td>', 1)[1].split("</td>", 1)[0]


def test_the_page_keeps_its_figures_for_the_configured_time_and_the_file_is_always_fresh(
        fixture_providers, app, client, login, monkeypatch):
    """With INDICATORS_CACHE_SECONDS, the page's second reading reads no incident summary and shows the figures
    computed first (with their time), a new incident shows once the time is over, and the quarterly file
    counts it at once."""
    from app.common import refcache
    from tests.query_counter import count_queries

    a, b, _calls = fixture_providers
    seed_fixture(a, b)
    clock = [1000.0]
    monkeypatch.setattr(refcache.time, "monotonic", lambda: clock[0])
    app.config["INDICATORS_CACHE_SECONDS"] = 300
    try:
        login(role="hr", organisation=a)
        url = f"/conditions-de-travail/indicateurs?trimestre={QUARTER}"
        first = client.get(url).get_data(as_text=True)
        assert _incidents_cell(first) == "5"
        assert "Chiffres calculés le" in first and "recalculés au plus tard toutes les 5 minutes" in first
        file(UserFactory(organisation=a), occurred_at=at(11, 25))
        with count_queries(app) as counter:
            kept = client.get(url).get_data(as_text=True)
        assert _incidents_cell(kept) == "5"
        assert not any("workplace_incident" in s for s in counter.statements)
        archive = zipfile.ZipFile(io.BytesIO(client.get(
            f"/conditions-de-travail/dossier.zip?trimestre={QUARTER}").data))
        assert "Incidents;6;" in archive.read("incidents.csv").decode("utf-8-sig")
        clock[0] += 301
        assert _incidents_cell(client.get(url).get_data(as_text=True)) == "6"
    finally:
        app.config["INDICATORS_CACHE_SECONDS"] = 0
        refcache.forget("working-conditions")


def test_kept_figures_never_open_a_scope_to_a_reader_who_may_not_see_it(fixture_providers, app, client, login):
    """The figures are shared, the access check is not: once an administrator's reading of A's scope is kept,
    HR of B still gets 404 on it, and sees B's own figures, not A's."""
    from app.common import refcache

    a, b, _calls = fixture_providers
    seed_fixture(a, b)
    app.config["INDICATORS_CACHE_SECONDS"] = 300
    try:
        login(role="admin")
        assert client.get(f"/conditions-de-travail/indicateurs?perimetre=org-{a.id}&trimestre={QUARTER}"
                          ).status_code == 200
        other = app.test_client()
        hr_b = UserFactory(role="hr", organisation=b)
        assert other.post("/connexion", data={"email": hr_b.email, "password": PASSWORD}).status_code == 302
        assert other.get(f"/conditions-de-travail/indicateurs?perimetre=org-{a.id}&trimestre={QUARTER}"
                         ).status_code == 404
        own = other.get(f"/conditions-de-travail/indicateurs?trimestre={QUARTER}").get_data(as_text=True)
        assert "B-site" in own and _incidents_cell(own) == "moins de 5"
    finally:
        app.config["INDICATORS_CACHE_SECONDS"] = 0
        refcache.forget("working-conditions")
