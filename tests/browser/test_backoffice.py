"""Acceptance 2 of the back office in a real browser: agent.fs reads a proposed fiche, asks anyway with
a citizen file block and consent -> routed to APPUI-CAF-69 -> expert.caf takes it, invites APPUI-CAF-NAT,
answers -> the agent sees the answer, prints the citizen receipt, closes with « utile » -> the expert
turns it into a fiche réflexe. axe finds no violation on any page opened."""
import re

from tests.browser.conftest import audit_accessibility, log_in

SUBJECT = "Prime d'activité non versée depuis deux mois"
ANSWER = "La déclaration trimestrielle avait un mois vide : relancée, versement sous 10 jours."


def log_out(page):
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_load_state()


def checked(page):
    assert audit_accessibility(page) == [], page.url


def test_support_request_from_agent_to_expert_and_back(page, live_server):
    log_in(page, "agent.fs@passerelle.example")
    page.get_by_role("link", name="Appui expert").first.click()
    checked(page)
    page.get_by_role("link", name="Demander un appui").click()
    checked(page)
    page.locator("#operator").select_option("caf")
    page.locator("#subject").fill(SUBJECT)
    page.locator("#situation").fill("La prime d'activité n'est plus versée ; tél. 06 12 34 56 78.")
    page.get_by_role("button", name="Vérifier avant l'envoi").click()
    page.wait_for_load_state()
    checked(page)
    # The demo fiche on the same question is proposed: the agent reads it.
    page.get_by_role("link", name=re.compile("Prime d'activité non versée : vérifier")).click()
    page.wait_for_load_state()
    assert "déclaration trimestrielle" in page.locator("main").inner_text()
    checked(page)
    page.get_by_role("link", name="Demander quand même un appui").click()
    page.locator("#operator").select_option("caf")
    page.locator("#subject").fill(SUBJECT)
    page.locator("#situation").fill("La prime d'activité n'est plus versée ; tél. 06 12 34 56 78.")
    page.locator("label[for=with_citizen]").click()
    page.locator("#last_name").fill("Zéphyrine")
    page.locator("#caf_number").fill("7654321")
    page.locator("#consent_kind").select_option("oral")
    page.locator("#consent_date").fill("2026-12-01")
    page.get_by_role("button", name="Vérifier avant l'envoi").click()
    page.wait_for_load_state()
    main = page.locator("main").inner_text()
    assert "APPUI-CAF-69" in main and "06 12 34 56 78" not in main.split("Ce qui sera envoyé")[1]
    checked(page)
    page.get_by_role("button", name="Confirmer et envoyer").click()
    page.wait_for_load_state()
    reference = re.search(r"A-\d{4}-\d{6}", page.get_by_role("heading", level=1).inner_text()).group(0)
    assert "APPUI-CAF-69" in page.locator("#group").inner_text()
    checked(page)
    log_out(page)

    log_in(page, "expert.caf@passerelle.example")
    assert reference in page.locator("main").inner_text()  # the expert lands on the board
    checked(page)
    page.get_by_role("link", name=reference).click()
    page.get_by_role("link", name=re.compile("Afficher les données de l'usager")).click()
    assert "7654321" in page.locator("#citizen-block").inner_text()
    checked(page)
    page.get_by_role("button", name="Je m'en occupe").click()
    page.wait_for_load_state()
    page.locator("#invite-group").select_option("APPUI-CAF-NAT")
    page.get_by_role("button", name="Inviter").click()
    page.wait_for_load_state()
    assert page.locator("#handoffs").inner_text() == "1"
    page.locator("#body").fill(ANSWER)
    page.get_by_role("button", name="Répondre à l'agent").click()
    page.wait_for_load_state()
    checked(page)
    log_out(page)

    log_in(page, "agent.fs@passerelle.example")
    page.goto(f"/appui/demandes/{reference}")
    assert ANSWER in page.locator("#messages").inner_text()
    assert "Invitation : pôle « Pôle d'appui CAF national »" in page.locator("#events").inner_text()
    checked(page)
    receipt = page.request.get(f"/appui/demandes/{reference}/recepisse.pdf")
    assert receipt.status == 200 and receipt.headers["content-type"] == "application/pdf"
    assert page.get_by_role("link", name=re.compile("Imprimer le récépissé")).count() == 1
    page.locator("label[for=useful-0]").click()
    page.get_by_role("button", name="Clôturer la demande").click()
    page.wait_for_load_state()
    assert "Clôturée" in page.locator("main").inner_text()
    checked(page)
    log_out(page)

    log_in(page, "expert.caf@passerelle.example")
    page.goto(f"/appui/demandes/{reference}")
    page.locator("#fiche-title").fill("Prime d'activité : mois vide dans la déclaration")
    page.locator("#fiche-body").fill(
        "Un mois laissé **vide** bloque le calcul : saisir 0 €.")
    page.get_by_role("button", name="Publier la fiche réflexe").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Prime d'activité : mois vide dans la déclaration"
    checked(page)


def test_hr_hands_over_a_request_and_the_admin_themes_a_group(page, live_server):
    """Continuity: rh.fs hands one of agent.fs's requests to a colleague; the admin renames a group and
    gives it a theme; the statistics hide small numbers. axe finds no violation on any page opened."""
    from tests.browser.conftest import open_menu

    log_in(page, "rh.fs@passerelle.example")
    open_menu(page, "Agents", "Demandes d'appui des agents")
    main = page.locator("main").inner_text()
    assert "Amina Agent" in main and "Versement du RSA" not in main  # metadata only
    checked(page)
    link = page.get_by_role("link", name=re.compile(r"Confier la demande A-\d{4}-\d{6}")).first
    reference = re.search(r"A-\d{4}-\d{6}", link.inner_text()).group(0)
    link.click()
    page.wait_for_load_state()
    checked(page)
    page.locator("#colleague").select_option(label="Romane Représentante")
    if page.locator("#consent_renewed").count():
        page.locator("label[for=consent_renewed]").click()
    page.get_by_role("button", name="Confirmer le transfert").click()
    page.wait_for_load_state()
    assert "Demande confiée à Romane Représentante." in page.locator("main").inner_text()
    checked(page)
    log_out(page)

    log_in(page, "rep.fs@passerelle.example")
    page.goto(f"/appui/demandes/{reference}")
    assert "confiée à Romane Représentante par les RH de la structure" in page.locator("#events").inner_text()
    checked(page)
    log_out(page)

    log_in(page, "admin@passerelle.example")
    page.goto("/admin/appui/poles/APPUI-CAF-69")
    page.get_by_role("link", name=re.compile("Modifier le pôle")).click()
    page.wait_for_load_state()
    checked(page)
    page.locator("#name").fill("Pôle d'appui CAF du Rhône — minima sociaux")
    page.locator("details summary").first.click()
    first_theme = page.locator("details").first.locator("label").first
    theme = first_theme.inner_text()
    first_theme.click()
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_load_state()
    main = page.locator("main").inner_text()
    assert "minima sociaux" in main and theme in main
    checked(page)
    page.goto("/appui/statistiques")
    assert "moins de 5 demandes" in page.locator("main").inner_text()  # six demo requests, few per row
    checked(page)
