"""Team and agent pages: the form with its questions, results with charts and tables, CSV, closing, answering."""
import re

from app.consultations.models import Consultation, ConsultationAnswer
from app.extensions import db
from app.notifications.models import Notification
from tests.consultations.conftest import make_consultation
from tests.factories import PASSWORD


def _login(client, user):
    response = client.post("/connexion", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302


def test_the_team_creates_a_draft_with_questions_then_publishes_it(client, world):
    _login(client, world.dev_caf)
    form = {
        "application": world.caf_app.id, "procedure": world.procedure.id, "kind": "survey",
        "title": "Questionnaire sur la déclaration", "purpose": "Savoir ce qui bloque les usagers avant la refonte.",
        "targeting": "reporters",
        "questions-0-kind": "scale", "questions-0-text": "L'écran actuel est-il clair ?",
        "questions-1-kind": "multiple", "questions-1-text": "Qui est concerné ?",
        "questions-1-choices": "Retraités\nÉtudiants\n",
        "questions-2-kind": "text", "questions-2-text": "",
    }
    response = client.post("/equipe/consultations/nouvelle", data=form)
    assert response.status_code == 302
    consultation = db.session.scalar(db.select(Consultation))
    assert consultation.status == "draft" and consultation.procedure_id == world.procedure.id
    assert [(q.kind, q.choices) for q in consultation.questions] == [("scale", []),
                                                                     ("multiple", ["Retraités", "Étudiants"])]
    page = client.get(f"/equipe/consultations/{consultation.id}/modifier")
    assert "L&#39;écran actuel est-il clair ?" in page.text
    assert client.post(f"/equipe/consultations/{consultation.id}/publier").status_code == 302
    db.session.refresh(consultation)
    assert consultation.status == "open"


def test_the_form_shows_the_refusal_next_to_the_field(client, world):
    _login(client, world.dev_caf)
    response = client.post("/equipe/consultations/nouvelle", data={
        "application": world.caf_app.id, "kind": "survey", "title": "Questionnaire court",
        "purpose": "Savoir ce qui bloque les usagers.", "targeting": "all", "questions-0-kind": "single",
        "questions-0-text": "Un seul choix ?", "questions-0-choices": "Oui"})
    assert response.status_code == 400
    assert "au moins deux choix" in response.text
    assert db.session.scalar(db.select(db.func.count(Consultation.id))) == 0


def test_an_agent_sees_it_at_home_answers_and_the_text_is_stored_masked(client, world):
    consultation = make_consultation(world.dev_caf, world.caf_app, targeting="reporters")
    _login(client, world.reporter)
    home = client.get("/agent")
    assert consultation.title in home.text
    q = consultation.questions
    response = client.post(f"/consultations/{consultation.id}/repondre", data={
        f"q{q[0].id}": "4", f"q{q[1].id}": "0", f"q{q[2].id}": ["0", "2"],
        f"q{q[3].id}": "Appelez-moi au 06 12 34 56 78", "signed": "y"})
    assert response.status_code == 302
    texts = db.session.scalars(db.select(ConsultationAnswer.text).where(ConsultationAnswer.text != "")).all()
    assert texts == ["Appelez-moi au [téléphone masqué]"]
    page = client.get(f"/consultations/{consultation.id}")
    assert "Réponse envoyée" in page.text and 'value="4" checked' in page.text


def test_an_agent_outside_the_target_gets_404_everywhere(client, world):
    consultation = make_consultation(world.dev_caf, world.caf_app, targeting="reporters")
    _login(client, world.outsider)
    assert consultation.title not in client.get("/agent").text
    assert consultation.title not in client.get("/consultations/").text
    for method, path in [("get", ""), ("post", "/participer"), ("post", "/repondre"), ("get", "/retirer")]:
        assert getattr(client, method)(f"/consultations/{consultation.id}{path}").status_code == 404


def test_results_page_has_svg_charts_with_the_same_figures_in_tables_and_a_csv(client, world):
    from app.consultations import services

    consultation = make_consultation(world.dev_caf, world.caf_app)
    q = consultation.questions
    services.submit_answers(world.reporter, consultation, {q[0].id: "5", q[3].id: "Plus de place pour les montants"})
    services.submit_answers(world.me_too, consultation, {q[0].id: "3"})
    _login(client, world.dev_caf)
    page = client.get(f"/equipe/consultations/{consultation.id}").text
    assert page.count('<svg class="pas-chart" role="img"') == 3
    assert "<td>5</td><td>1</td><td>50 %</td>" in page and "<td>3</td><td>1</td><td>50 %</td>" in page
    assert "note moyenne : 4,0 sur 5" in page
    assert "moins de 5 réponses" in page
    assert "Plus de place pour les montants" in page
    assert world.reporter.full_name not in page  # not signed: never who answered what
    filtered = client.get(f"/equipe/consultations/{consultation.id}?mots=introuvable").text
    assert "Plus de place pour les montants" not in filtered
    csv = client.get(f"/equipe/consultations/{consultation.id}/export.csv")
    assert csv.mimetype == "text/csv"
    assert "Le nouveau formulaire est-il plus clair ?;Échelle de 1 à 5;5;1;50;2" in csv.text
    assert "Participants;Type de structure;France services;moins de 5 réponses" in csv.text
    assert csv.text.startswith("\ufeffQuestion;Type;")


def test_closing_from_the_page_notifies_and_shows_the_outcome_to_the_agent(client, world):
    from app.consultations import services

    consultation = make_consultation(world.dev_caf, world.caf_app)
    services.submit_answers(world.reporter, consultation, {consultation.questions[0].id: "4"})
    _login(client, world.dev_caf)
    assert client.get(f"/equipe/consultations/{consultation.id}/cloturer").status_code == 200
    empty = client.post(f"/equipe/consultations/{consultation.id}/cloturer", data={"outcome": ""})
    assert empty.status_code == 400
    response = client.post(f"/equipe/consultations/{consultation.id}/cloturer", data={
        "outcome": "Le bouton Valider reste visible ; le récapitulatif est gardé.", "release_on": "2027-01-15"})
    assert response.status_code == 302
    note = db.session.scalar(db.select(Notification).where(Notification.user_id == world.reporter.id))
    assert note.link == f"/consultations/{consultation.id}"
    client.post("/deconnexion")
    _login(client, world.reporter)
    page = client.get(note.link).text
    assert "Ce que nous avons changé grâce à vous" in page and "15/01/2027" in page
    assert "Envoyer mes réponses" not in page


def test_volunteering_and_withdrawing_from_the_pages(client, world):
    consultation = make_consultation(world.dev_caf, world.caf_app, kind="testers", capacity=1)
    _login(client, world.reporter)
    page = client.get(f"/consultations/{consultation.id}").text
    assert "Je me porte volontaire" in page and "Envoyer mes réponses" not in page
    client.post(f"/consultations/{consultation.id}/participer")
    page = client.get(f"/consultations/{consultation.id}").text
    assert "Envoyer mes réponses" in page
    assert "Retirer ma participation" in client.get(f"/consultations/{consultation.id}/retirer").text
    client.post(f"/consultations/{consultation.id}/retirer")
    assert re.search("Participation retirée", client.get(f"/consultations/{consultation.id}").text)


def test_prototype_screenshots_are_reencoded_and_shown_to_the_agents_consulted_only(client, world):
    import io

    from tests.reports.test_screenshots import png_with_metadata

    _login(client, world.dev_caf)
    response = client.post("/equipe/consultations/nouvelle", content_type="multipart/form-data", data={
        "application": world.caf_app.id, "kind": "prototype", "title": "Maquette du récapitulatif",
        "purpose": "Votre avis sur le récapitulatif avant envoi.", "targeting": "reporters",
        "questions-0-kind": "scale", "questions-0-text": "Plus clair ?",
        "screenshots": (io.BytesIO(png_with_metadata()), "maquette.png")})
    assert response.status_code == 302
    consultation = db.session.scalar(db.select(Consultation))
    [image] = consultation.images
    client.post(f"/equipe/consultations/{consultation.id}/publier")
    client.post("/deconnexion")
    _login(client, world.reporter)
    assert f"/consultations/{consultation.id}/maquette/{image.id}" in client.get(f"/consultations/{consultation.id}").text
    download = client.get(f"/consultations/{consultation.id}/maquette/{image.id}")
    assert download.status_code == 200 and download.mimetype == "image/png"
    assert b"AppareilSecret" not in download.data and download.headers["X-Content-Type-Options"] == "nosniff"
    download.close()
    client.post("/deconnexion")
    _login(client, world.outsider)
    assert client.get(f"/consultations/{consultation.id}/maquette/{image.id}").status_code == 404


def test_a_file_that_is_not_an_image_is_refused_by_the_form(client, world):
    import io

    _login(client, world.dev_caf)
    response = client.post("/equipe/consultations/nouvelle", content_type="multipart/form-data", data={
        "application": world.caf_app.id, "kind": "prototype", "title": "Maquette du récapitulatif",
        "purpose": "Votre avis sur le récapitulatif avant envoi.", "targeting": "all",
        "questions-0-kind": "scale", "questions-0-text": "Plus clair ?",
        "screenshots": (io.BytesIO(b"<svg onload=alert(1)>"), "maquette.png")})
    assert response.status_code == 400 and "PNG ou JPEG" in response.text
    assert db.session.scalar(db.select(db.func.count(Consultation.id))) == 0
