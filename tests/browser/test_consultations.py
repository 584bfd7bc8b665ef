"""Issue 22 acceptance 2: dev.caf consults the agents who reported on caf.fr, agent.fs answers, the team reads
the chart and the table, closes with an outcome, agent.fs is notified and adds the A7.5 line (axe on each page)."""
from app.accounts.models import find_user_by_email
from app.consultations.models import Consultation, ConsultationAnswer
from app.extensions import db
from app.passports.models import PassportEntry
from app.reports.models import Application
from tests import db_states
from tests.browser.conftest import audit_accessibility, log_in, open_menu
from tests.reports.factories import file_report

TITLE = "Nouvel écran des ressources : votre avis"
PHONE = "06 12 34 56 78"


def log_out(page):
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_load_state()


def test_consultation_from_team_to_agent_and_back_to_the_passport(page, live_server):
    db_states.enter("demo+curricula")  # A7.5 is part of the job reference
    caf = db.session.scalar(db.select(Application).where(Application.code == "caf-fr"))
    agent = find_user_by_email("agent.fs@passerelle.example")
    file_report(agent, caf, title="Écran des ressources : montant refusé")  # agent.fs reported on caf.fr

    log_in(page, "dev.caf@passerelle.example")
    open_menu(page, "Remontées", "Consultations")
    assert audit_accessibility(page) == []
    page.get_by_role("link", name="Nouvelle consultation").click()
    assert audit_accessibility(page) == []
    page.get_by_label("Service concerné").select_option(str(caf.id))
    page.get_by_label("Type de consultation").select_option("prototype")
    page.locator("#title").fill(TITLE)
    page.get_by_label("Ce que vous demandez et pourquoi").fill("Nous refaisons l'écran des ressources : est-il plus clair ?")
    page.get_by_label("À qui s'adresse la consultation").select_option("reporters")
    page.locator("#questions-0-kind").select_option("scale")
    page.locator("#questions-0-text").fill("Le nouvel écran est-il plus clair ?")
    page.locator("#questions-1-kind").select_option("text")
    page.locator("#questions-1-text").fill("Que faut-il encore changer ?")
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == TITLE
    page.get_by_role("button", name="Publier la consultation").click()
    page.wait_for_load_state()
    assert audit_accessibility(page) == []
    log_out(page)

    log_in(page, "agent.fs@passerelle.example")
    page.goto("/agent")
    assert audit_accessibility(page) == []
    page.get_by_role("link", name=TITLE).click()
    page.wait_for_load_state()
    assert audit_accessibility(page) == []
    page.locator("label[for$='-4']").first.click()  # the DSFR draws the radio over the input
    page.get_by_label("Que faut-il encore changer ?").fill(f"Une dame m'a laissé son numéro {PHONE} pour en parler.")
    page.get_by_role("button", name="Envoyer mes réponses").click()
    page.wait_for_load_state()
    assert "vos réponses sont envoyées" in page.content()
    assert audit_accessibility(page) == []
    db.session.expire_all()
    texts = db.session.scalars(db.select(ConsultationAnswer.text).where(ConsultationAnswer.text != "")).all()
    assert "Une dame m'a laissé son numéro [téléphone masqué] pour en parler." in texts
    assert not any(PHONE in t for t in texts)
    log_out(page)

    log_in(page, "dev.caf@passerelle.example")
    consultation = db.session.scalar(db.select(Consultation).where(Consultation.title == TITLE))
    page.goto(f"/equipe/consultations/{consultation.id}")
    chart = page.locator("svg.pas-chart").first
    assert chart.is_visible()
    assert "1 (100 %)" in chart.inner_html()
    table = page.locator("table").filter(has_text="Le nouvel écran est-il plus clair ?").first
    rows = [[cell.inner_text().strip() for cell in row.locator("td").all()] for row in table.locator("tbody tr").all()]
    assert rows == [["1", "0", "0 %"], ["2", "0", "0 %"], ["3", "0", "0 %"], ["4", "1", "100 %"], ["5", "0", "0 %"]]
    assert "[téléphone masqué]" in page.content() and PHONE not in page.content()
    assert audit_accessibility(page) == []
    page.get_by_role("link", name="Clore et publier ce que nous avons changé").click()
    assert audit_accessibility(page) == []
    page.get_by_label("Ce que nous avons changé grâce à vous").fill(
        "Le montant à 0 € est maintenant accepté ; le bouton Valider reste visible.")
    page.get_by_role("button", name="Clore et envoyer aux participants").click()
    page.wait_for_load_state()
    assert "Consultation close" in page.content()
    log_out(page)

    log_in(page, "agent.fs@passerelle.example")
    page.goto("/notifications")
    assert f"La consultation « {TITLE} » est close" in page.content()
    assert audit_accessibility(page) == []
    page.goto(f"/consultations/{consultation.id}")
    assert "Le montant à 0 € est maintenant accepté" in page.content()
    open_menu(page, "Passeport", "Mon passeport")
    page.wait_for_load_state()
    assert f"Consultation n° {consultation.id}" in page.content()
    assert audit_accessibility(page) == []
    page.get_by_role("button", name="Ajouter la ligne A7.5 à mon passeport").click()
    page.wait_for_load_state()
    assert audit_accessibility(page) == []
    db.session.expire_all()
    entry = db.session.scalar(db.select(PassportEntry).where(PassportEntry.holder_id == agent.id,
                                                             PassportEntry.source == "contribution"))
    assert entry.competency.code == "A7.5" and entry.provenance == "guaranteed"
    assert f"Consultation n° {consultation.id}" in entry.description
    assert "Garantie" in page.content()
