"""Key working-conditions pages run a fixed number of queries, whatever the number of rows."""
from app.extensions import db
from app.workplace import indicators
from app.workplace.models import StaffRepMandate
from tests.factories import OrganisationFactory, UserFactory
from tests.query_counter import count_queries
from tests.workplace.helpers import file


def _queries(app, client, path):
    client.get(path)  # warm caches
    with count_queries(app) as counter:
        assert client.get(path).status_code == 200
    return counter.count


def test_hr_incident_list_and_indicators_do_not_grow_with_incidents(app, client, login):
    org = OrganisationFactory()
    login(role="hr", organisation=org)
    agents = [UserFactory(role="agent", organisation=org) for _ in range(3)]
    file(agents[0])
    few = {path: _queries(app, client, path) for path in
           ("/conditions-de-travail/signalements", "/conditions-de-travail/indicateurs")}
    for agent in agents:
        for _ in range(4):
            file(agent, anonymous_to_hr=True)
    many = {path: _queries(app, client, path) for path in few}
    # The user; the incident list's rows with their capped count and the names HR may see; the indicators:
    # one query for every section (incidents from the monthly summaries, the site checklist, the barometer,
    # the cross-readings) and every figure another domain provides (accompaniments and their total, waits,
    # back-office delays, reports).
    assert few == {"/conditions-de-travail/signalements": 2, "/conditions-de-travail/indicateurs": 2}
    assert many == few


def test_staff_rep_indicators_do_not_grow_with_organisations(app, client, login):
    rep = login(role="agent", organisation=OrganisationFactory(department="69"))
    db.session.add(StaffRepMandate(user_id=rep.id, department="69"))
    db.session.commit()
    path = "/conditions-de-travail/indicateurs?perimetre=dep-69"
    file(rep)
    few = _queries(app, client, path)
    for _ in range(4):
        file(UserFactory(role="agent", organisation=OrganisationFactory(department="69")))
    assert _queries(app, client, path) == few == 3  # the HR page's 2 and the staff_rep's mandates, read once


def test_national_indicators_cost_the_same_when_the_cross_readings_are_cut(app, client, login, monkeypatch):
    """Whether every organisation-month is listed or only the busiest (a large network), the same queries."""
    monkeypatch.setattr(indicators, "CROSS_LIMIT", 3)
    login(role="admin")
    path = "/conditions-de-travail/indicateurs"
    file(UserFactory(role="agent", organisation=OrganisationFactory()))
    few = _queries(app, client, path)
    for _ in range(5):
        file(UserFactory(role="agent", organisation=OrganisationFactory()))
    page = client.get(path).get_data(as_text=True)
    assert "Les 3 lignes qui comptent le plus d'incidents, sur 6 structures et mois" in page
    assert _queries(app, client, path) == few == 2


def test_the_incident_list_is_paginated(client, login):
    """Fifty rows a page, newest first; older incidents are reached through « Page suivante »."""
    import re

    org = OrganisationFactory()
    login(role="hr", organisation=org)
    agent = UserFactory(role="agent", organisation=org)
    filed = [file(agent).id for _ in range(53)]
    first = client.get("/conditions-de-travail/signalements").get_data(as_text=True)
    second = client.get("/conditions-de-travail/signalements?page=2").get_data(as_text=True)

    def listed(html):
        return [int(n) for n in re.findall(r'/conditions-de-travail/signalements/(\d+)"', html)]

    assert listed(first) == sorted(filed, reverse=True)[:50]
    assert listed(second) == sorted(filed, reverse=True)[50:]
    assert "Page suivante" in first and "1 / 2" in first and "2 / 2" in second
