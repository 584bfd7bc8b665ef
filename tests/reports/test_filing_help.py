"""Issue 13 items 16-17: the agent's own open reports first in « remontées similaires »; without
JavaScript, the procedure and step lists grouped by service, and narrowed to the chosen one."""
import html
import re

from app.reports import services
from tests.factories import PASSWORD
from tests.reports.factories import ProcedureFactory, StepFactory, file_report

TEXT = "Le bouton Valider reste grisé après la saisie des ressources trimestrielles"


def _client(app, user):
    client = app.test_client()
    client.post("/connexion", data={"email": user.email, "password": PASSWORD})
    return client


def test_the_agents_own_open_report_comes_first_as_already_reported(app, world):
    others = [file_report(world.other_agent, world.caf_app, title=f"Bouton Valider grisé {i}",
                          what_happened=TEXT) for i in range(6)]
    own = file_report(world.agent, world.caf_app, title="Ressources : bouton grisé",
                      what_happened="Impossible de valider : bouton grisé sur les ressources trimestrielles.")
    closed = file_report(world.agent, world.caf_app, title="Ancienne", what_happened=TEXT)
    services.withdraw_report(world.agent, closed)
    client = _client(app, world.agent)
    response = client.post("/remontees/similaires", data={"application": str(world.caf_app.id),
                                                          "title": "Bouton Valider grisé", "what_happened": TEXT})
    page = html.unescape(response.get_data(as_text=True))
    assert "Vous avez déjà signalé…" in page
    shown = list(dict.fromkeys(re.findall(r"R-\d{4}-\d{6}", page)))
    assert shown[0] == own.reference and set(shown[1:]) <= {o.reference for o in others} and len(shown) == 6
    # Not offered again among the others (no « moi aussi » on one's own report).
    assert own.reference not in page[page.index("dites « moi aussi »"):]
    assert closed.reference not in page
    # Another agent does not see it as theirs.
    other_page = html.unescape(_client(app, world.other_agent).post("/remontees/similaires", data={
        "application": str(world.caf_app.id), "title": "Bouton Valider grisé", "what_happened": TEXT,
    }).get_data(as_text=True))
    block = other_page[other_page.index("Vous avez déjà signalé"):other_page.index("dites « moi aussi »")]
    assert own.reference not in block and others[-1].reference in block
    assert own.reference in other_page[other_page.index("dites « moi aussi »"):]


def test_the_preview_shows_the_own_report_too(app, world):
    own = file_report(world.agent, world.caf_app, title="Bouton Valider grisé",
                      what_happened="Bouton Valider grisé sur la déclaration des ressources.")
    client = _client(app, world.agent)
    response = client.post("/remontees/nouvelle", data={
        "application": str(world.caf_app.id), "problem_type": "technical_error", "title": "Bouton Valider grisé",
        "what_happened": TEXT, "expected": "Valider.", "people_affected": "1",
        "citizen_device": "unknown", "citizen_browser": "unknown", "reproducible": "untried",
    })
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 200 and "Vérifiez votre remontée" in page
    assert "Vous avez déjà signalé…" in page and own.reference in page


def _select(page, name):
    return re.search(rf'<select[^>]*id="{name}".*?</select>', page, re.S).group(0)


def _groups(select):
    """[(group label or None, [option labels])] in order."""
    found = []
    for group, body in re.findall(r'<optgroup label="([^"]*)">(.*?)</optgroup>', select, re.S):
        found.append((html.unescape(group), [html.unescape(o) for o in re.findall(r'<option[^>]*>([^<]*)<', body)]))
    return found


def test_without_javascript_the_lists_are_grouped_by_service_without_duplicates(app, world):
    other_procedure = ProcedureFactory(application=world.ants_app, title="Pré-demande de passeport")
    StepFactory(procedure=other_procedure, title="État civil")
    client = _client(app, world.agent)
    page = client.get("/remontees/nouvelle").get_data(as_text=True)
    procedures = _select(page, "procedure")
    groups = _groups(procedures)
    assert sorted(g for g, _ in groups) == sorted([world.caf_app.name, world.ants_app.name])
    # Every procedure sits in its service's group; only « Autre ou je ne sais pas » stands outside.
    outside = re.sub(r"<optgroup.*?</optgroup>", "", procedures, flags=re.S)
    assert len(re.findall(r"<option", outside)) == 1
    for select in (procedures, _select(page, "step")):
        labels = [(g, o) for g, options in _groups(select) for o in options]
        assert len(labels) == len(set(labels))
        assert len({g for g, _ in _groups(select)}) == len(_groups(select))
    steps = _groups(_select(page, "step"))
    assert all(g.startswith((world.caf_app.name + " — ", world.ants_app.name + " — ")) for g, _ in steps)

    # « Afficher les démarches de ce service » (shown without JavaScript) keeps only that service's lists.
    response = client.post("/remontees/nouvelle", data={"application": str(world.ants_app.id), "edit": "service",
                                                        "title": "Gardé"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'value="Gardé"' in page
    assert [g for g, _ in _groups(_select(page, "procedure"))] == [world.ants_app.name]
    assert [g for g, _ in _groups(_select(page, "step"))] == [f"{world.ants_app.name} — Pré-demande de passeport"]
    assert "Afficher les démarches de ce service" in page


def test_own_and_similar_reports_rank_as_the_two_searches_do(app, world, db):
    """own_and_similar_reports (one query on PostgreSQL) answers what own_similar_reports, then similar_reports
    without the own reports shown, answer: the same reports in the same order, the own ones shown left out of
    the others."""
    from app.reports import own_reports, search, similar
    from tests.query_counter import count_queries

    texts = [TEXT, "Bouton grisé", "Impossible de valider les ressources", "Page blanche après connexion"]
    for i, text in enumerate(texts * 2):
        file_report(world.other_agent, world.caf_app, title=f"Autre {i}", what_happened=text, people_affected=1 + i % 3)
    for i, text in enumerate(texts):
        file_report(world.agent, world.caf_app, title=f"Mienne {i}", what_happened=text, people_affected=1 + i % 2)
    withdrawn = file_report(world.agent, world.caf_app, title="Retirée", what_happened=TEXT)
    services.withdraw_report(world.agent, withdrawn)
    for query in (*texts, "grisé ressources page", "valider", "sans rapport aucun", ""):
        for limit, own_limit in ((5, 3), (2, 1), (10, 10)):
            own = own_reports.own_similar_reports(world.agent, world.caf_app.id, query, own_limit)
            expected = (own, similar.similar_reports(world.caf_app.id, query, limit, exclude_ids=[r.id for r in own]))
            with count_queries(app) as counter:
                found = own_reports.own_and_similar_reports(world.agent, world.caf_app.id, query, limit, own_limit)
            assert found == expected, (query, limit, own_limit)
            if search.stems(query) and search.ranks_in_sql():
                assert counter.count == 1
    assert own_reports.own_and_similar_reports(world.agent, None, TEXT) == ([], [])
    crowded = own_reports.own_and_similar_reports(world.agent, world.caf_app.id, TEXT, 3, 2)
    assert len(crowded[0]) == 2 and not {r.id for r in crowded[0]} & {r.id for r in crowded[1]}
