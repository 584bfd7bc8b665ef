"""Acceptance 1 in a real browser: an agent files a report with a NIR and a phone number (masked in
the preview), the CAF team publishes a workaround, the agent sees it; axe finds no violation."""
import re

from tests.browser.conftest import audit_accessibility, log_in, open_menu

NIR = "2 84 05 75 123 456 72"
PHONE = "06 12 34 56 78"
WORKAROUND = "En attendant le correctif, la déclaration passe depuis l'application mobile Caf - Mon Compte."


def log_out(page):
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_load_state()


def test_report_from_agent_to_team_and_back(page, live_server):
    log_in(page, "agent.fs@passerelle.example")
    page.get_by_role("link", name="Mes remontées").first.click()
    assert audit_accessibility(page) == []
    page.get_by_role("link", name="Signaler un dysfonctionnement").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Signaler un dysfonctionnement"
    assert audit_accessibility(page) == []

    page.get_by_label("Service en ligne").select_option(label="caf.fr — Mon Compte")
    page.locator("#procedure").select_option(label="Déclarer ses ressources trimestrielles (RSA, prime d'activité)")
    page.get_by_label("Type de problème").select_option("dead_end")
    page.get_by_label("Résumé en une phrase").fill("Déclaration trimestrielle : le bouton Valider ne répond pas")
    page.get_by_label("Ce qui s'est passé").fill(
        f"Mme B. (NIR {NIR}, joignable au {PHONE}) saisit ses ressources ; le bouton Valider ne répond pas."
    )
    page.get_by_label("Ce qui était attendu").fill("Envoyer la déclaration.")
    page.locator("label[for=citizen_blocked]").click()  # the DSFR draws the box over the input
    # While typing, similar open reports on the same service appear (reduced view, "moi aussi").
    suggestion = page.locator("#similaires").get_by_text("Le bouton « Valider » reste grisé sur la déclaration")
    suggestion.wait_for()
    assert page.locator("#similaires").get_by_role("button", name=re.compile("Moi aussi")).count() == 1
    assert audit_accessibility(page) == []
    page.get_by_role("button", name="Prévisualiser avant l'envoi").click()
    page.wait_for_load_state()

    main = page.locator("main").inner_text()
    assert "Vérifiez votre remontée avant l'envoi" in main
    assert "[NIR masqué]" in main and "[téléphone masqué]" in main
    assert NIR not in main and PHONE not in main
    assert "2 éléments personnels masqués" in main
    # The demo report on the same procedure is suggested.
    assert "Le bouton « Valider » reste grisé sur la déclaration trimestrielle" in main
    assert audit_accessibility(page) == []
    page.get_by_role("button", name="Confirmer et envoyer").click()
    page.wait_for_load_state()
    heading = page.get_by_role("heading", level=1).inner_text()
    reference = re.search(r"R-\d{4}-\d{6}", heading).group(0)
    assert NIR not in page.content() and PHONE not in page.content()
    assert audit_accessibility(page) == []
    log_out(page)

    log_in(page, "dev.caf@passerelle.example")
    open_menu(page, "Remontées", "Tableau des remontées")
    assert page.get_by_role("heading", level=1).inner_text() == "Tableau des remontées"
    row = page.get_by_role("row").filter(has_text=reference)
    assert row.count() == 1 and "nouvelle" in row.inner_text().lower()  # badges are upper-cased by CSS
    assert audit_accessibility(page) == []
    row.get_by_role("link", name=reference).click()
    page.wait_for_load_state()
    assert "France services (69)" in page.locator("main").inner_text()
    assert audit_accessibility(page) == []
    page.get_by_label("Contournement à publier").fill(WORKAROUND)
    page.get_by_role("button", name="Publier le contournement").click()
    page.wait_for_load_state()
    assert "contournement disponible" in page.locator("main").inner_text().lower()
    open_menu(page, "Remontées", "Statistiques")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Statistiques des remontées")
    assert audit_accessibility(page) == []
    log_out(page)

    log_in(page, "agent.fs@passerelle.example")
    page.get_by_role("link", name="Mes remontées").first.click()
    card = page.locator("li").filter(has_text=reference).first
    assert WORKAROUND in card.inner_text()
    assert "contournement disponible" in card.inner_text().lower()
    assert audit_accessibility(page) == []


def test_dev_ants_cannot_open_a_caf_report(page, live_server):
    log_in(page, "dev.caf@passerelle.example")
    page.goto("/equipe/remontees")
    reference = page.get_by_role("row").nth(1).get_by_role("link").first.inner_text()
    log_out(page)
    log_in(page, "dev.ants@passerelle.example")
    response = page.goto(f"/remontees/{reference}")
    assert response.status == 404
    page.goto("/equipe/remontees?status=all")
    assert reference not in page.content()


def test_team_settings_are_accessible(page):
    log_in(page, "dev.caf@passerelle.example")
    page.goto("/equipe/reglages")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Réglages de l'équipe")
    assert audit_accessibility(page) == []


def test_a_new_team_token_is_shown_once_accessibly(page):
    log_in(page, "dev.caf@passerelle.example")
    page.goto("/equipe/reglages")
    page.get_by_label("Libellé du jeton").fill("Synchro")
    page.get_by_role("button", name="Créer un jeton d'équipe").click()
    page.wait_for_load_state()
    assert page.locator("#secret-value").inner_text().startswith("psr_")
    assert audit_accessibility(page) == []


def test_filing_works_without_javascript(browser, live_server, demo):
    context = browser.new_context(base_url=live_server, java_script_enabled=False)
    page = context.new_page()
    log_in(page, "agent.caf@passerelle.example")
    page.goto("/remontees/nouvelle")
    page.get_by_label("Service en ligne").select_option(label="France Titres — permis de conduire")
    page.get_by_label("Type de problème").select_option("unclear")
    page.get_by_label("Résumé en une phrase").fill("Message incompréhensible au dépôt de la photo")
    page.get_by_label("Ce qui s'est passé").fill("Le message « code ePhoto non conforme » ne dit pas quoi faire.")
    page.get_by_label("Ce qui était attendu").fill("Savoir comment corriger.")
    page.get_by_role("button", name="Prévisualiser avant l'envoi").click()
    page.get_by_role("button", name="Modifier").click()
    assert page.get_by_label("Résumé en une phrase").input_value() == "Message incompréhensible au dépôt de la photo"
    page.get_by_role("button", name="Prévisualiser avant l'envoi").click()
    page.get_by_role("button", name="Confirmer et envoyer").click()
    assert re.search(r"R-\d{4}-\d{6}", page.get_by_role("heading", level=1).inner_text())
    context.close()


def test_me_too_from_the_suggestions_opens_the_reduced_view(page, live_server):
    """Issue 21 item 1: « moi aussi » on a suggested report, then its reduced view (axe: no violation)."""
    log_in(page, "agent.fs@passerelle.example")
    page.goto("/remontees/nouvelle")
    page.get_by_label("Service en ligne").select_option(label="caf.fr — Mon Compte")
    page.get_by_label("Résumé en une phrase").fill("Déclaration trimestrielle : le bouton Valider ne répond pas")
    page.get_by_label("Ce qui s'est passé").fill("Le bouton Valider ne répond pas après la saisie des ressources.")
    suggestions = page.locator("#similaires")
    suggestions.get_by_text("Le bouton « Valider » reste grisé sur la déclaration").wait_for()
    suggestions.get_by_role("button", name=re.compile("Moi aussi")).click()
    page.wait_for_load_state()
    assert "vous avez dit « moi aussi »" in page.content()
    assert page.get_by_role("heading", name="Le problème").count() == 1
    assert page.get_by_role("heading", name="Captures d'écran").count() == 0
    assert page.get_by_role("heading", name="Écrire à l'équipe").count() == 0
    assert audit_accessibility(page) == []
