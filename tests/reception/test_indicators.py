"""Quality indicators on a seeded fixture, against figures computed by hand (acceptance 3).

Organisation A (69), quarter 2026-T3: 4 accompaniments (2 resolved, 1 referred, 1 escalated; 3 with
a known waiting time, 2 over 15 min), 6 answers. Organisation B (69): 3 answers, under the minimum.
"""
import csv
import io
from datetime import UTC, date, datetime

import pytest
from pypdf import PdfReader

from app.extensions import db
from app.reception import providers, queries, services, summary
from app.reception.models import QualityMonth
from tests.factories import PASSWORD, OrganisationFactory, UserFactory
from tests.query_counter import count_queries
from tests.reports.factories import ApplicationFactory, file_report

Q3 = "2026-T3"


def _visit(agent, day, channel, operators, outcome, waiting=None):
    values = services.clean_visit({"visited_on": day, "channel": channel, "operators": operators,
                                   "outcome": outcome, "duration": "5_15", "waiting": waiting})
    services.record_visits(agent, agent.organisation, [values])


def _answer(monkeypatch, organisation, when, handled, welcome, waiting, application=None):
    monkeypatch.setattr(services, "utcnow", lambda: when)
    services.submit_answer(organisation, handled=handled, welcome=welcome, waiting=waiting,
                           application_id=application.id if application else None,
                           problem="Écran bloqué" if application else "")
    monkeypatch.undo()


@pytest.fixture
def world(monkeypatch):
    a = OrganisationFactory(code="ORG-A", name="Structure A", department="69")
    b = OrganisationFactory(code="ORG-B", name="Structure B", department="69")
    c = OrganisationFactory(code="ORG-C", name="Structure C", department="75")
    agent = UserFactory(role="agent", organisation=a)
    _visit(agent, "2026-07-03", "in_person", ["caf"], "resolved", "none")
    _visit(agent, "2026-07-10", "phone", ["caf", "cpam"], "referred", "15_30")
    _visit(agent, "2026-08-05", "in_person", ["dgfip"], "escalated", "gt30")
    _visit(agent, "2026-09-01", "email", ["caf"], "resolved")
    _visit(agent, "2026-10-02", "in_person", ["caf"], "resolved")  # next quarter
    application = ApplicationFactory()
    july, august = datetime(2026, 7, 15, 10, tzinfo=UTC), datetime(2026, 8, 20, 10, tzinfo=UTC)
    for scores in [(5, 5, 4), (4, 5, 3), (2, 4, 1)]:
        _answer(monkeypatch, a, july, *scores)
    _answer(monkeypatch, a, august, 5, None, 5, application)
    _answer(monkeypatch, a, august, 1, 3, 2)
    _answer(monkeypatch, a, august, 4, 4, None)
    for scores in [(5, 5, 5), (1, 1, 1), (3, None, None)]:
        _answer(monkeypatch, b, july, *scores)
    _answer(monkeypatch, c, july, 5, 5, 5)
    report = file_report(agent, application)
    report.created_at = datetime(2026, 8, 10, tzinfo=UTC)
    db.session.commit()
    return {"a": a, "b": b, "c": c, "application": application}


def test_organisation_figures_match_the_hand_computation(app, world):
    ind = queries.organisation_indicators(world["a"], queries.parse_period(Q3))
    assert ind.visits == 4
    assert dict(ind.by_channel) == {"Accueil physique": 2, "Téléphone": 1, "Visio": 0, "Courriel": 1}
    assert dict(ind.by_operator) == {"CAF": 3, "CPAM": 1, "DGFiP": 1}
    assert (ind.resolved_share, ind.referred_share, ind.escalated_share) == (50.0, 25.0, 25.0)
    assert ind.long_wait_share == 66.7
    assert ind.answers == 6
    scores = dict(ind.scores)
    handled, welcome, waiting = (scores["Ma demande a été traitée"], scores["J'ai été bien accueilli·e"],
                                 scores["Le temps d'attente était acceptable"])
    assert (handled.answers, handled.satisfied, handled.net) == (6, 66.7, 33.3)
    assert (welcome.answers, welcome.satisfied, welcome.net) == (5, 80.0, 80.0)
    assert (waiting.answers, waiting.satisfied, waiting.net) == (5, 40.0, 0.0)
    assert (ind.overall.answers, ind.overall.satisfied, ind.overall.net) == (16, 62.5, 37.5)
    assert (ind.citizen_problems, ind.agent_reports) == (1, 1)
    assert ind.support_hours is None


def test_month_and_next_quarter(world):
    july = queries.organisation_indicators(world["a"], queries.parse_period("2026-07"))
    assert july.visits == 2 and july.answers == 3 and july.scores[0][1].protected  # 3 answers < 5
    q4 = queries.organisation_indicators(world["a"], queries.parse_period("2026-T4"))
    assert q4.visits == 1 and q4.answers == 0


def test_small_numbers_are_never_figures(world):
    ind = queries.organisation_indicators(world["b"], queries.parse_period(Q3))
    assert ind.answers == 3 and ind.answers_protected
    assert all(score.protected and score.satisfied is None and score.net is None for _l, score in ind.scores)
    assert ind.overall.protected  # 7 scores pooled, but only 3 answers


def test_department_and_national_sum_their_organisations(world):
    dep = queries.department_indicators("69", queries.parse_period(Q3))
    handled, welcome, waiting = (s for _l, s in dep.scores)
    assert dep.answers == 9 and dep.visits == 4
    assert (handled.answers, handled.satisfied, handled.net) == (9, 55.6, 22.2)
    assert (welcome.answers, welcome.satisfied, welcome.net) == (7, 71.4, 57.1)
    assert (waiting.answers, waiting.satisfied, waiting.net) == (7, 42.9, 0.0)
    national = queries.national_indicators(queries.parse_period(Q3))
    assert national.answers == 10 and national.visits == 4 and national.agent_reports == 1


def test_min_count_setting(app, world):
    app.config["QUALITY_MIN_COUNT"] = 6
    try:
        ind = queries.organisation_indicators(world["a"], queries.parse_period(Q3))
        assert not ind.scores[0][1].protected and ind.scores[1][1].protected  # 6 answers vs 5
    finally:
        app.config["QUALITY_MIN_COUNT"] = 5


def test_rebuild_gives_the_same_summaries(world):
    before = {(r.scope, r.month): {k: v for k, v in r.counts.items() if v}
              for r in db.session.scalars(db.select(QualityMonth))}
    summary.rebuild()
    after = {(r.scope, r.month): r.counts for r in db.session.scalars(db.select(QualityMonth))}
    assert after == {k: v for k, v in before.items() if v}
    assert after[(f"org:{world['a'].id}", date(2026, 7, 1))]["visits"] == 2


def test_support_time_comes_from_a_registered_provider(monkeypatch, world):
    calls = []

    def provider(organisation_ids, start, end):
        calls.append((organisation_ids, start, end))
        return 26.25

    monkeypatch.setattr(providers, "_SUPPORT_TIME_PROVIDERS", [])
    providers.register_support_time_provider(provider)
    ind = queries.organisation_indicators(world["a"], queries.parse_period(Q3))
    assert ind.support_hours == 26.2 or ind.support_hours == 26.3
    assert calls == [([world["a"].id], date(2026, 7, 1), date(2026, 10, 1))]


def test_hr_page_csv_and_quality_sheet(client, login, world):
    login("hr", organisation=world["a"])
    html = client.get(f"/qualite/structure/ORG-A?periode={Q3}").get_data(as_text=True)
    assert "62,5 %" in html and "37,5 pts" in html and "66,7 %" in html and "non disponible" in html
    assert "<svg" in html and "<caption>Accompagnements par mois</caption>" in html
    response = client.get(f"/qualite/structure/ORG-A/indicateurs.csv?periode={Q3}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = {r[2]: r[3] for r in csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")),
                                             delimiter=";")}
    assert rows["Satisfaction nette — Ma demande a été traitée"] == "33,3 pts"
    assert rows["Satisfaction — Le temps d'attente était acceptable"] == "40,0 %"
    assert rows["Attente de plus de 15 min"] == "66,7 %" and rows["Accompagnements"] == "4"
    pdf = client.get(f"/qualite/structure/ORG-A/fiche.pdf?periode={Q3}")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(pdf.data))
    assert len(reader.pages) <= 2
    text = " ".join(p.extract_text() for p in reader.pages)
    assert "Nos résultats" in text and "Structure A" in text and "62,5 %" in text and "37,5 pts" in text
    assert client.get("/qualite/structure/ORG-A/fiche.pdf?periode=2026-07").status_code == 404


def test_small_numbers_in_page_csv_and_pdf(client, login, world):
    login("hr", organisation=world["b"])
    html = client.get(f"/qualite/structure/ORG-B?periode={Q3}").get_data(as_text=True)
    assert "moins de 5 réponses" in html
    csv_text = client.get(f"/qualite/structure/ORG-B/indicateurs.csv?periode={Q3}").get_data(as_text=True)
    lines = [line for line in csv_text.splitlines() if "Satisfaction" in line or "Réponses des usagers" in line]
    assert len(lines) == 9 and all(line.endswith(";moins de 5 réponses") for line in lines)
    pdf = client.get(f"/qualite/structure/ORG-B/fiche.pdf?periode={Q3}")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert [line.strip() for line in text.splitlines()].count("moins de 5 réponses") == 9  # one per figure
    assert "33,3" not in text and "%" not in text.split("Réponses des usagers")[1].split("Délai")[0]


def test_indicator_page_reads_summaries_only(app, client, login, world):
    login("admin")
    with count_queries(app) as counter:
        assert client.get(f"/qualite/national?periode={Q3}").status_code == 200
    assert not any("reception_visits" in s or "reception_answers" in s for s in counter.statements)
    assert counter.count <= 8, counter.statements


def test_admin_assigns_and_removes_a_department(client, login):
    from app.reception.models import NetworkDepartment

    manager = UserFactory(role="manager_network", full_name="Nadia Réseau")
    login("admin")
    page = client.get("/qualite/animateurs").get_data(as_text=True)
    assert "Nadia Réseau" in page
    bad = client.post("/qualite/animateurs", data={"user_id": str(manager.id), "department": "6*"})
    assert bad.status_code == 200 and "Code de département invalide" in bad.get_data(as_text=True)
    assert client.post("/qualite/animateurs", data={"user_id": str(manager.id), "department": "2a"}).status_code == 302
    assert queries.network_departments(manager) == ["2A"]
    assert client.post(f"/qualite/animateurs/{manager.id}/departements/2A/retirer").status_code == 302
    assert db.session.scalar(db.select(db.func.count(NetworkDepartment.id))) == 0


def test_figures_are_kept_per_scope_for_the_configured_time_then_recomputed(app, client, login, world,
                                                                                monkeypatch):
    """With INDICATORS_CACHE_SECONDS, a second reader gets the figures already computed (no summary read),
    a new visit shows once the time is over, and each scope and period keeps its own figures."""
    from app.common import refcache

    clock = [1000.0]
    monkeypatch.setattr(refcache.time, "monotonic", lambda: clock[0])
    app.config["INDICATORS_CACHE_SECONDS"] = 300
    try:
        login("admin")
        first = client.get(f"/qualite/national?periode={Q3}").get_data(as_text=True)
        assert "Chiffres calculés le" in first and "recalculés au plus tard toutes les 5 minutes" in first
        agent = UserFactory(role="agent", organisation=world["c"])
        _visit(agent, "2026-09-15", "in_person", ["caf"], "resolved")
        with count_queries(app) as counter:
            kept = client.get(f"/qualite/national?periode={Q3}").get_data(as_text=True)
        assert not any("reception_quality_months" in s or "FROM reports" in s for s in counter.statements)
        assert queries.national_indicators(queries.parse_period(Q3)).visits == 4  # the kept figures
        dep_75 = queries.department_indicators("75", queries.parse_period(Q3))
        assert dep_75.visits == 1 and dep_75.scope_label == "Département 75"  # its own scope, computed now
        assert queries.national_indicators(queries.parse_period("2026-09")).visits == 2  # its own period
        clock[0] += 301
        assert queries.national_indicators(queries.parse_period(Q3)).visits == 5
        assert kept.count("Accompagnements") == first.count("Accompagnements")
    finally:
        app.config["INDICATORS_CACHE_SECONDS"] = 0
        refcache.forget("reception-quality")


def test_kept_figures_never_open_a_scope_to_a_reader_who_may_not_see_it(app, client, login, world):
    """The figures are shared, the access check is not: HR of ORG-C still gets 404 on ORG-A once ORG-A's
    figures are kept."""
    from app.common import refcache

    app.config["INDICATORS_CACHE_SECONDS"] = 300
    try:
        login("hr", organisation=world["a"])
        assert client.get(f"/qualite/structure/ORG-A?periode={Q3}").status_code == 200
        other = app.test_client()
        hr_c = UserFactory(role="hr", organisation=world["c"])
        assert other.post("/connexion", data={"email": hr_c.email, "password": PASSWORD}).status_code == 302
        assert other.get(f"/qualite/structure/ORG-C?periode={Q3}").status_code == 200
        assert other.get(f"/qualite/structure/ORG-A?periode={Q3}").status_code == 404
        assert other.get(f"/qualite/structure/ORG-A/indicateurs.csv?periode={Q3}").status_code == 404
    finally:
        app.config["INDICATORS_CACHE_SECONDS"] = 0
        refcache.forget("reception-quality")


def test_an_organisation_moving_to_another_departement_takes_its_counters_along(world):
    """Its history leaves the old département's rows for the new one's, as a rebuild counts it."""
    from app.accounts.organisations import update_organisation

    admin = UserFactory(role="admin")
    a = world["a"]
    update_organisation(admin, a, a.name, a.kind, "75", is_public=a.is_public)
    moved = {(r.scope, r.month): {k: v for k, v in r.counts.items() if v}
             for r in db.session.scalars(db.select(QualityMonth))}
    summary.rebuild()
    rebuilt = {(r.scope, r.month): r.counts for r in db.session.scalars(db.select(QualityMonth))}
    assert {k: v for k, v in moved.items() if v} == rebuilt
    assert rebuilt[("dep:75", date(2026, 7, 1))]["visits"] == 2
    assert rebuilt[("dep:69", date(2026, 7, 1))].get("visits", 0) == 0


def test_hr_page_takes_the_organisation_loaded_with_the_user(app, client, login, world):
    """HR read their own organisation's page: the organisation comes with the signed-in user (no query of its
    own); another organisation's code still answers 404."""
    login("hr", organisation=world["a"])
    with count_queries(app) as counter:
        assert client.get(f"/qualite/structure/ORG-A?periode={Q3}").status_code == 200
    assert not any(s.lstrip().startswith("SELECT organisations.") for s in counter.statements), counter.statements
    assert client.get(f"/qualite/structure/ORG-C?periode={Q3}").status_code == 404
    assert client.get(f"/qualite/structure/ORG-C/fiche.pdf?periode={Q3}").status_code == 404


def test_department_page_checks_access_and_lists_organisations_in_one_query(app, client, login, world):
    """An « animateur réseau » reads their départements only (one without organisation too: no list), an
    administrator any département with organisations; with the figures kept, the page is the user's query
    and the access check with the organisations' links, in one."""
    from app.common import refcache
    from app.reception.models import NetworkDepartment

    manager = UserFactory(role="manager_network")
    db.session.add_all([NetworkDepartment(user_id=manager.id, department=d) for d in ("69", "2A")])
    db.session.commit()
    app.config["INDICATORS_CACHE_SECONDS"] = 300
    try:
        login(user=manager)
        assert client.get(f"/qualite/departement/69?periode={Q3}").status_code == 200  # figures now kept
        with count_queries(app) as counter:
            page = client.get(f"/qualite/departement/69?periode={Q3}").get_data(as_text=True)
        assert counter.count == 2, counter.statements
        assert page.index("Structure A") < page.index("Structure B") and "Structure C" not in page
        empty = client.get(f"/qualite/departement/2A?periode={Q3}")
        assert empty.status_code == 200 and "Structures du département" not in empty.get_data(as_text=True)
        assert client.get(f"/qualite/departement/75?periode={Q3}").status_code == 404
        admin = app.test_client()
        assert admin.post("/connexion", data={"email": UserFactory(role="admin").email,
                                              "password": PASSWORD}).status_code == 302
        assert "Structure C" in admin.get(f"/qualite/departement/75?periode={Q3}").get_data(as_text=True)
        assert admin.get(f"/qualite/departement/2A?periode={Q3}").status_code == 404
    finally:
        app.config["INDICATORS_CACHE_SECONDS"] = 0
        refcache.forget("reception-quality")
