"""Indicators, cross-readings on a fixture (hand-computed), the quarterly file, the discussion space."""
import io
import zipfile
from datetime import UTC, datetime

import pytest
from pypdf import PdfReader

from app.extensions import db
from app.workplace import dialogue, indicators, providers
from app.workplace.indicators import CrossRow
from app.workplace.models import StaffRepMandate
from app.workplace.scope import department_scope, organisation_scope
from tests.factories import OrganisationFactory, UserFactory
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
    providers.register_provider("accompaniments", accompaniments)
    providers.register_provider("waiting_over_15", waiting)
    providers.register_provider("support_delays", delays)
    yield a, b, calls
    for name in ("accompaniments", "waiting_over_15", "support_delays"):
        providers.unregister_provider(name)


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
