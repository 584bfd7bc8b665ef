"""« Votre avis »: the public page, masking, anti-robot rules, rate limit, token renewal, poster."""
import io
import re
import time

from itsdangerous import URLSafeSerializer
from pypdf import PdfReader

from app.extensions import db
from app.reception import services
from app.reception.models import Answer
from tests.factories import OrganisationFactory, UserFactory
from tests.reports.factories import ApplicationFactory, file_report


def started(app, seconds_ago=10):
    return URLSafeSerializer(app.config["SECRET_KEY"], salt="voice-started").dumps(str(time.time() - seconds_ago))


def answers():
    return db.session.scalars(db.select(Answer)).all()


def post(client, app, token, **data):
    return client.post(f"/avis/{token}", data={"started": started(app), **data})


def test_public_page_needs_no_account_and_sets_only_the_csrf_session(app, client):
    organisation = OrganisationFactory(name="France services de Givors")
    link = services.voice_link(organisation)
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.get(f"/avis/{link.token}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "France services de Givors" in html
    assert "Oui, tout à fait" in html and "Ma demande a été traitée" in html
    cookies = [v for k, v in response.headers.items() if k.lower() == "set-cookie"]
    assert len(cookies) == 1 and cookies[0].startswith("session=") and "HttpOnly" in cookies[0]
    assert response.headers["X-Robots-Tag"] == "noindex, nofollow"
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    response = client.post(f"/avis/{link.token}", data={"csrf_token": csrf, "started": started(app), "handled": "5",
                                                         "welcome": "4", "waiting": "2"})
    assert response.status_code == 200 and "Merci pour votre réponse" in response.get_data(as_text=True)
    [answer] = answers()
    assert (answer.organisation_id, answer.handled, answer.welcome, answer.waiting) == (organisation.id, 5, 4, 2)


def test_comment_and_problem_are_stored_masked(app, client):
    organisation = OrganisationFactory()
    application = ApplicationFactory()
    token = services.voice_link(organisation).token
    response = post(client, app, token, handled="3",
                    comment="Rappelez-moi au 06 12 34 56 78 ou jean.dupont@example.org",
                    application_id=str(application.id),
                    problem="Bloqué avec mon numéro de sécurité sociale 1 85 05 78 006 084 36")
    assert response.status_code == 200
    [answer] = answers()
    assert "06 12" not in answer.comment and "jean.dupont" not in answer.comment
    assert "[téléphone masqué]" in answer.comment and "[e-mail masqué]" in answer.comment
    assert "1 85 05" not in answer.problem and "masqué" in answer.problem
    assert answer.application_id == application.id


def test_comment_over_500_characters_is_refused(app, client):
    token = services.voice_link(OrganisationFactory()).token
    response = post(client, app, token, handled="4", comment="a" * 501)
    assert response.status_code == 400 and answers() == []


def test_honeypot_and_too_fast_answers_are_not_stored(app, client):
    token = services.voice_link(OrganisationFactory()).token
    assert post(client, app, token, handled="5", website="http://spam.example").status_code == 200
    too_fast = client.post(f"/avis/{token}", data={"started": started(app, 0), "handled": "5"})
    assert too_fast.status_code == 400 and "trop vite" in too_fast.get_data(as_text=True)
    forged = client.post(f"/avis/{token}", data={"started": "forged", "handled": "5"})
    assert forged.status_code == 400
    assert answers() == []


def test_empty_answer_is_refused_in_french(app, client):
    token = services.voice_link(OrganisationFactory()).token
    response = post(client, app, token)
    assert response.status_code == 400 and "Répondez à au moins une question." in response.get_data(as_text=True)


def test_thirty_posts_in_a_minute_get_a_french_429(app, client):
    token = services.voice_link(OrganisationFactory()).token
    statuses = [post(client, app, token, handled="4").status_code for _ in range(30)]
    assert statuses.count(200) == 20 and statuses[20:] == [429] * 10
    refused = post(client, app, token, handled="4")
    assert refused.status_code == 429 and "Patientez une minute" in refused.get_data(as_text=True)
    assert len(answers()) == 20
    assert client.get(f"/avis/{token}").status_code == 200  # reading the page is not limited


def test_renewed_token_retires_the_old_address(app, client, login):
    hr = login("hr")
    old = services.voice_link(hr.organisation).token
    assert client.post("/rh/accueil/avis/renouveler", data={}).status_code == 302
    assert services.voice_link(hr.organisation).token == old  # not confirmed: unchanged
    assert client.post("/rh/accueil/avis/renouveler", data={"confirm": "y"}).status_code == 302
    new = services.voice_link(hr.organisation).token
    assert new != old and len(new) >= 32
    assert client.get(f"/avis/{old}").status_code == 404
    assert client.get(f"/avis/{new}").status_code == 200


def test_poster_pdf_has_the_site_name_and_its_address(client, login):
    hr = login("hr", organisation=OrganisationFactory(name="Maison France services de Tarare"))
    token = services.voice_link(hr.organisation).token
    response = client.get("/rh/accueil/affiche.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    assert "Maison France services de Tarare" in text and "Votre avis compte" in text
    assert token in text.replace("\n", "")


def test_citizens_problems_reach_the_team_statistics(app, client, login):
    application = ApplicationFactory(name="Portail des allocations")
    agent = UserFactory(role="agent")
    file_report(agent, application)
    token = services.voice_link(OrganisationFactory()).token
    for _ in range(3):
        post(client, app, token, application_id=str(application.id), problem="La page reste blanche")
    login("triager", team=application.team)
    html = client.get("/equipe/statistiques").get_data(as_text=True)
    assert "Signalés par des usagers" in html
    row = re.search(r"Portail des allocations</a></td>(.*?)</tr>", html).group(1)
    assert re.findall(r"<td>(\d+)</td>", row) == ["1", "1", "1", "3"]
    quiet = ApplicationFactory(name="Service sans remontée", team=application.team)
    post(client, app, token, application_id=str(quiet.id), problem="Rien ne marche")
    html = client.get("/equipe/statistiques").get_data(as_text=True)
    row = re.search(r"Service sans remontée</a></td>(.*?)</tr>", html).group(1)
    assert re.findall(r"<td>(\d+)</td>", row) == ["0", "0", "0", "1"]
    detail = client.get(f"/equipe/statistiques?application={application.code}").get_data(as_text=True)
    assert re.search(r'fr-tile__title">3</p><p class="fr-tile__desc">signalés par des usagers', detail)


def test_hr_creates_shows_once_and_revokes_a_site_token(client, login, bearer):
    from app.reception.models import SiteToken

    hr = login("hr")
    page = client.post("/rh/accueil/jetons", data={"label": "Gestion de file"})
    raw = re.search(r"<code>(pst_[^<]+)</code>", page.get_data(as_text=True)).group(1)
    token = db.session.scalar(db.select(SiteToken))
    assert (token.organisation_id, token.label, token.created_by_id) == (hr.organisation_id, "Gestion de file", hr.id)
    assert raw not in client.get("/rh/accueil/").get_data(as_text=True)  # shown once
    row = {"channel": "in_person", "operators": ["caf"], "outcome": "resolved", "duration": "lt5"}
    assert bearer(raw)("POST", "/api/v1/visits", json=row).status_code == 201
    assert client.post(f"/rh/accueil/jetons/{token.id}/revoquer").status_code == 302
    assert bearer(raw)("POST", "/api/v1/visits", json=row).status_code == 401


def test_assign_department_command(app):
    manager = UserFactory(role="manager_network")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["reception", "assign-department", manager.email, "69"])
    assert result.exit_code == 0, result.output
    from app.reception.queries import network_departments

    assert network_departments(manager) == ["69"]
    agent = UserFactory(role="agent")
    refused = runner.invoke(args=["reception", "assign-department", agent.email, "69"])
    assert refused.exit_code == 1 and "animateur réseau" in refused.output
