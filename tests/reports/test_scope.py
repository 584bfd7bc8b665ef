"""Scope (acceptance 3): a team sees only its services' reports; agents open only what they filed or joined."""
from tests.factories import PASSWORD
from tests.reports.factories import file_report


def _client(app, user):
    client = app.test_client()
    assert client.post("/connexion", data={"email": user.email, "password": PASSWORD}).status_code == 302
    return client


def test_dev_ants_gets_404_on_a_caf_report_everywhere(app, world, api):
    caf = file_report(world.agent, world.caf_app, title="Prime d'activité : simulation bloquée",
                      what_happened="La simulation de prime d'activité reste bloquée sur la page ressources.")
    ants = file_report(world.agent, world.ants_app, title="Pré-demande de passeport refusée",
                       what_happened="Le timbre fiscal est refusé lors de la pré-demande de passeport.")
    web = _client(app, world.dev_ants)
    # Detail and every triage action: 404.
    assert web.get(f"/remontees/{caf.reference}").status_code == 404
    for action in ("statut", "contournement", "commentaire", "assignation", "ticket"):
        assert web.post(f"/equipe/remontees/{caf.reference}/{action}", data={"body": "x"}).status_code == 404
    assert web.get(f"/equipe/remontees/{caf.reference}/fusion").status_code == 404
    # Board: not listed, even when searched by reference, words or application code.
    for query in ("", "?status=all", f"?q={caf.reference}", "?q=prime+activite&status=all", "?application=caf-fr"):
        page = web.get("/equipe/remontees" + query).get_data(as_text=True)
        assert f'href="/remontees/{caf.reference}"' not in page, query
        assert "Aucune remontée ne correspond" in page or ants.reference in page
    assert f'href="/remontees/{ants.reference}"' in web.get("/equipe/remontees").get_data(as_text=True)
    # CSV export: same.
    csv = web.get("/equipe/remontees/export.csv?status=all").data.decode("utf-8-sig")
    assert caf.reference not in csv and ants.reference in csv
    # Statistics of another team's service: 404.
    assert web.get("/equipe/statistiques?application=caf-fr").status_code == 404
    # API: list, detail by id and by reference, patch, comment, similar search.
    call = api(world.dev_ants)
    listed = call("GET", "/api/v1/reports?status=new").get_json()["items"]
    assert [r["reference"] for r in listed] == [ants.reference]
    assert call("GET", f"/api/v1/reports/{caf.id}").status_code == 404
    assert call("GET", f"/api/v1/reports/{caf.reference}").status_code == 404
    assert call("PATCH", f"/api/v1/reports/{caf.id}", json={"status": "qualified"}).status_code == 404
    assert call("POST", f"/api/v1/reports/{caf.id}/comments", json={"body": "x"}).status_code == 404
    assert call("GET", "/api/v1/reports/similar?application=caf-fr&q=prime+activite").status_code == 404
    assert call("GET", "/api/v1/reports?application=caf-fr").get_json()["items"] == []
    # The CAF team sees it.
    assert _client(app, world.dev_caf).get(f"/remontees/{caf.reference}").status_code == 200


def test_agents_open_only_reports_they_filed_or_joined(app, world, api):
    report = file_report(world.agent, world.caf_app)
    other = _client(app, world.other_agent)
    assert other.get(f"/remontees/{report.reference}").status_code == 404
    assert report.reference not in other.get("/remontees").get_data(as_text=True)
    call = api(world.other_agent)
    assert call("GET", f"/api/v1/reports/{report.id}").status_code == 404
    assert call("GET", "/api/v1/reports").get_json()["items"] == []
    # The reduced view of similar reports shows it, without detail, answers or attachments.
    similar = call("GET", "/api/v1/reports/similar?application=caf-fr&q=bouton+valider+grisé").get_json()["items"]
    assert [s["reference"] for s in similar] == [report.reference]
    assert set(similar[0]) == {"id", "reference", "title", "application", "status", "status_label",
                               "me_too_count", "summary", "me_too_offer"}
    # Joining it ("moi aussi", with the offer the similar search made) opens the reduced view only.
    offer = similar[0]["me_too_offer"]
    assert other.post(f"/remontees/{report.reference}/moi-aussi", data={"people_affected": "2"}).status_code == 404
    assert other.post(f"/remontees/{report.reference}/moi-aussi",
                      data={"people_affected": "2", "offer": offer}).status_code == 302
    assert other.get(f"/remontees/{report.reference}").status_code == 200
    assert call("GET", f"/api/v1/reports/{report.id}").get_json()["view"] == "reduced"
    assert report.reference in other.get("/remontees").get_data(as_text=True)


def test_internal_notes_stay_in_the_team(app, world):
    from app.reports import triage

    report = file_report(world.agent, world.caf_app)
    triage.add_team_comment(world.dev_caf, report, "Note : vu avec l'hébergeur.", internal=True)
    triage.add_team_comment(world.dev_caf, report, "Nous regardons ce problème.")
    agent_page = _client(app, world.agent).get(f"/remontees/{report.reference}").get_data(as_text=True)
    assert "Nous regardons ce problème." in agent_page and "vu avec" not in agent_page
    team_page = _client(app, world.dev_caf).get(f"/remontees/{report.reference}").get_data(as_text=True)
    assert "vu avec" in team_page


def test_teams_do_not_see_the_agents_identity(app, world):
    report = file_report(world.agent, world.caf_app)
    page = _client(app, world.dev_caf).get(f"/remontees/{report.reference}").get_data(as_text=True)
    assert world.agent.full_name not in page and world.agent.email not in page
    assert "France services (69)" in page
