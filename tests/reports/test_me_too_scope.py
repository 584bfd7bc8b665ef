"""« Moi aussi » (issue 21 item 1): offered only through the similar search, a reduced view for those
who join, screenshots refused to them, impact bounded per organisation and day."""
from app.reports import queries, services, triage
from app.reports.images import reencode
from tests.factories import PASSWORD, OrganisationFactory, UserFactory
from tests.reports.factories import file_report
from tests.reports.test_screenshots import png_with_metadata

CITIZEN = "Elle dit : « je n'ai plus rien pour payer le loyer »"


def _client(app, user):
    client = app.test_client()
    assert client.post("/connexion", data={"email": user.email, "password": PASSWORD}).status_code == 302
    return client


def _offer(client, world, reference):
    """The offer the similar search makes to this agent for this report (None when it is not shown)."""
    fragment = client.post("/remontees/similaires", data={
        "application": str(world.caf_app.id), "title": "Valider grisé",
        "what_happened": "Le bouton valider est grisé après la saisie des ressources"}).get_data(as_text=True)
    for card in fragment.split('class="fr-card ')[1:]:
        if reference in card:
            return card.split('name="offer" value="')[1].split('"')[0]
    return None


def _full_report(world):
    report = file_report(world.agent, world.caf_app, screenshots=[reencode(png_with_metadata())],
                         on_behalf=True, consent=True, citizen_words=CITIZEN,
                         what_happened="Le bouton Valider reste grisé après la saisie des ressources trimestrielles.")
    services.post_agent_message(world.agent, report, "Message de l'auteur : la personne est très inquiète.")
    triage.add_team_comment(world.dev_caf, report, "Note interne : voir l'incident de l'hébergeur.", internal=True)
    triage.add_team_comment(world.dev_caf, report, "Réponse publique : correctif prévu jeudi.")
    triage.publish_workaround(world.dev_caf, report, "Passer par l'application mobile en attendant.")
    return report


def test_an_agent_who_says_me_too_gets_the_reduced_view_only(app, world, api):
    report = _full_report(world)
    attachment_id = queries.attachments_of(report)[0].id
    other = _client(app, world.other_agent)
    offer = _offer(other, world, report.reference)
    assert offer
    assert other.post(f"/remontees/{report.reference}/moi-aussi",
                      data={"people_affected": "2", "offer": offer}).status_code == 302

    page = other.get(f"/remontees/{report.reference}").get_data(as_text=True)
    # What the similar list shows, the status, the public answers and the workaround...
    assert report.title in page and "Le bouton Valider reste grisé" in page
    assert "Réponse publique : correctif prévu jeudi." in page
    assert "application mobile en attendant" in page
    # ... never the citizen's words, the author's messages, the internal discussion or the screenshots.
    for hidden in ("loyer", "Message de l'auteur", "Note interne", "capture-1", "Captures d'écran",
                   "Déposée par", "Écrire à l'équipe"):
        assert hidden not in page, hidden
    # The screenshot route refuses them; the author still downloads it.
    assert other.get(f"/remontees/{report.reference}/captures/{attachment_id}").status_code == 404
    author = _client(app, world.agent)
    download = author.get(f"/remontees/{report.reference}/captures/{attachment_id}")
    assert download.status_code == 200
    download.close()
    assert "loyer" in author.get(f"/remontees/{report.reference}").get_data(as_text=True)
    # They cannot write into the discussion they do not see.
    assert other.post(f"/remontees/{report.reference}/message", data={"body": "Moi aussi !"}).status_code == 404

    # The API gives the same reduced view.
    body = api(world.other_agent)("GET", f"/api/v1/reports/{report.id}").get_json()
    assert body["view"] == "reduced" and body["attachments"] == []
    assert [c["body"] for c in body["comments"]] == ["Réponse publique : correctif prévu jeudi."]
    raw = str(body)
    for hidden in ("loyer", "Message de l'auteur", "Note interne", "Firefox"):
        assert hidden not in raw, hidden
    assert "citizen_words" not in body and "agent_browser" not in body
    assert api(world.agent)("GET", f"/api/v1/reports/{report.id}").get_json()["view"] == "full"
    comment = api(world.other_agent)("POST", f"/api/v1/reports/{report.id}/comments", json={"body": "x"})
    assert comment.status_code == 409


def test_me_too_is_offered_only_on_reports_the_similar_search_shows(app, world, api):
    report = file_report(world.agent, world.caf_app)
    elsewhere = file_report(world.agent, world.ants_app, title="Photo refusée", what_happened="La photo est refusée.")
    other = _client(app, world.other_agent)
    # Ids and references are sequential: without an offer, or with a forged one, nothing is joined.
    for data in ({"people_affected": "1"}, {"people_affected": "1", "offer": "forged"}):
        assert other.post(f"/remontees/{report.reference}/moi-aussi", data=data).status_code == 404
        assert other.post(f"/remontees/{elsewhere.reference}/moi-aussi", data=data).status_code == 404
    offer = _offer(other, world, report.reference)
    # The offer is for this report and this agent only.
    assert other.post(f"/remontees/{elsewhere.reference}/moi-aussi",
                      data={"people_affected": "1", "offer": offer}).status_code == 404
    third = UserFactory(role="agent")
    assert _client(app, third).post(f"/remontees/{report.reference}/moi-aussi",
                                    data={"people_affected": "1", "offer": offer}).status_code == 404
    assert _offer(other, world, elsewhere.reference) is None  # another application: never shown here
    call = api(world.other_agent)
    assert call("POST", f"/api/v1/reports/{report.id}/me-too", json={}).status_code == 404
    assert call("POST", f"/api/v1/reports/{report.id}/me-too", json={"offer": offer}).status_code == 201
    assert services.find_report(world.other_agent, report.reference) is not None


def test_impact_is_bounded_per_organisation_and_day(app, world):
    app.config["REPORT_PEOPLE_PER_ORGANISATION_DAY"] = 50
    try:
        report = file_report(world.agent, world.caf_app, people_affected=100_000, citizen_blocked=True)
        assert report.people_total == 50 and report.blocked_total == 50
        crowd = OrganisationFactory()
        for _ in range(3):
            services.add_me_too(UserFactory(role="agent", organisation=crowd), report, 100_000, citizen_blocked=True)
        assert report.people_total == 100 and report.blocked_total == 100 and report.me_too_count == 3
        services.add_me_too(UserFactory(role="agent", organisation=OrganisationFactory()), report, 3)
        assert report.people_total == 103 and report.blocked_total == 100
    finally:
        app.config["REPORT_PEOPLE_PER_ORGANISATION_DAY"] = 500


def test_the_default_limit_is_documented(app):
    from pathlib import Path

    assert app.config["REPORT_PEOPLE_PER_ORGANISATION_DAY"] == 500
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert "REPORT_PEOPLE_PER_ORGANISATION_DAY" in readme
