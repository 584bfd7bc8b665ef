"""Issue 13 items 12-17 in a real browser: the one comment box keeps the reader where they were with the
message in view, « Accuser réception », labels, bulk actions with and without JavaScript, j/k keyboard
navigation and its switch, the agent's own report in « remontées similaires », the no-JS service lists.
Each page is audited with axe."""
import re

from app.extensions import db
from tests.browser.conftest import audit_accessibility, log_in

TEAM = "dev.caf@passerelle.example"


def _new_caf_report(title="Le bouton Envoyer du justificatif ne réagit pas"):
    from app.accounts.models import find_user_by_email
    from app.reports import services
    from app.reports.catalog_models import Application

    agent = find_user_by_email("agent.fs@passerelle.example")
    application = db.session.scalar(db.select(Application).where(Application.code == "caf-mon-compte"))
    if application is None:  # the demo's caf.fr service, whatever its code
        application = db.session.scalar(db.select(Application).where(Application.name.like("caf.fr%")))
    values = {"application_id": application.id, "procedure_id": None, "step_id": None, "problem_type": "technical_error",
              "title": title, "what_happened": f"{title} : la page reste figée après le clic sur Envoyer.",
              "expected": "Envoyer le justificatif.", "people_affected": 1}
    report = services.file_report(agent, values, (), "Firefox")
    return report.reference, application


def _in_viewport(page, locator):
    box = locator.bounding_box()
    height = page.viewport_size["height"]
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= height


def test_one_comment_box_answers_and_changes_status_with_the_message_in_view(page):
    reference, _app = _new_caf_report()
    log_in(page, TEAM)
    page.goto(f"/remontees/{reference}")
    assert audit_accessibility(page) == []
    page.get_by_label("Votre message").fill("Merci, nous reproduisons le problème.")
    page.get_by_label("Statut", exact=True).select_option("qualified")
    page.locator("#traitement").get_by_role("button", name="Enregistrer").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/remontees/{reference}#traitement")
    message = page.locator("#traitement [role=status]")
    assert "Réponse publiée. Statut changé : « Qualifiée »." in message.inner_text()
    assert _in_viewport(page, message)
    assert "Merci, nous reproduisons le problème." in page.locator("main").inner_text()
    assert audit_accessibility(page) == []
    # An error keeps the text typed and is summarised in the box.
    page.get_by_label("Votre message").fill("Fermé.")
    page.get_by_label("Statut", exact=True).select_option("wont_fix")
    page.get_by_label("Note interne (visible de l'équipe seulement)").check(force=True)
    page.locator("#traitement").get_by_role("button", name="Enregistrer").click()
    page.wait_for_load_state()
    assert "choisissez « Répondre »" in page.locator("#traitement").inner_text()
    assert page.get_by_label("Votre message").input_value() == "Fermé."
    assert audit_accessibility(page) == []


def test_acknowledge_receipt_button(page):
    reference, _app = _new_caf_report("Accusé attendu sur le téléversement")
    log_in(page, TEAM)
    page.goto(f"/remontees/{reference}")
    assert "Accusé de réception attendu avant le" in page.locator("#accuse-reception").inner_text()
    page.get_by_role("button", name="Accuser réception").click()
    page.wait_for_load_state()
    assert "Réception accusée" in page.locator("main").inner_text()
    assert page.get_by_role("button", name="Accuser réception").count() == 0
    assert audit_accessibility(page) == []


def test_labels_bulk_actions_assignee_filter_and_keyboard(page):
    first, _app = _new_caf_report("Premier dysfonctionnement à étiqueter")
    second, _app = _new_caf_report("Second dysfonctionnement à étiqueter")
    log_in(page, TEAM)
    page.goto("/equipe/etiquettes")
    assert audit_accessibility(page) == []
    page.get_by_label("Nom de l'étiquette").fill("Régression")
    page.get_by_label("Couleur").select_option("green-menthe")
    page.get_by_role("button", name="Créer l'étiquette").click()
    page.wait_for_load_state()
    assert page.locator(".fr-badge--green-menthe").filter(has_text="Régression").count() == 1
    assert audit_accessibility(page) == []

    page.goto("/equipe/remontees")
    for reference in (first, second):
        page.get_by_role("row").filter(has_text=reference).locator("label").click()
    page.get_by_label("Action sur la sélection").select_option("label")
    page.get_by_label("Étiquette (pour « Ajouter l'étiquette… »)").select_option(label="Régression")
    page.get_by_role("button", name="Appliquer aux remontées cochées").click()
    page.wait_for_load_state()
    message = page.locator("#actions-groupees [role=status]")
    assert "appliqué à 2 remontées" in message.inner_text() and _in_viewport(page, message)
    assert page.get_by_role("row").filter(has_text=first).locator(".fr-badge--green-menthe").count() == 1
    assert audit_accessibility(page) == []

    # On the report's page, its labels are edited (here: removed) and the message shows in that section.
    page.goto(f"/remontees/{second}")
    page.locator("#suivi label").filter(has_text="Régression").click()
    page.get_by_role("button", name="Enregistrer les étiquettes").click()
    page.wait_for_load_state()
    assert page.url.endswith("#suivi")
    message = page.locator("#suivi [role=status]")
    assert "Étiquettes enregistrées." in message.inner_text() and _in_viewport(page, message)
    assert page.locator("main .fr-badge--green-menthe").count() == 0
    assert audit_accessibility(page) == []

    page.goto("/equipe/remontees")
    page.get_by_role("row").filter(has_text=first).locator("label").click()
    page.get_by_label("Action sur la sélection").select_option("assign")
    page.get_by_label("Personne en charge (pour « Assigner à… »)").select_option(index=1)
    page.get_by_role("button", name="Appliquer aux remontées cochées").click()
    page.wait_for_load_state()
    page.get_by_label("Personne en charge", exact=True).select_option("me")
    page.get_by_role("button", name="Filtrer").click()
    page.wait_for_load_state()
    rows = page.locator("tbody tr")
    assert rows.count() == 1 and first in rows.first.inner_text()
    assert audit_accessibility(page) == []

    # j / k move between the rows' links, Enter opens the report.
    page.goto("/equipe/remontees")
    page.locator("h1").click()
    page.keyboard.press("j")
    first_link = page.locator("tbody tr").nth(0).get_by_role("link").first
    assert first_link.evaluate("el => el === document.activeElement")
    page.keyboard.press("j")
    page.keyboard.press("k")
    assert first_link.evaluate("el => el === document.activeElement")
    opened = first_link.inner_text()
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert opened in page.get_by_role("heading", level=1).inner_text()

    # WCAG 2.1.4: the switch turns single-key shortcuts off for this person.
    page.goto("/equipe/remontees")
    page.get_by_role("button", name="Désactiver les raccourcis à une touche").click()
    page.wait_for_load_state()
    page.locator("h1").click()
    page.keyboard.press("j")
    assert page.evaluate("document.activeElement.tagName") != "A"
    assert audit_accessibility(page) == []
    page.get_by_role("button", name="Activer les raccourcis à une touche").click()


def test_bulk_actions_work_without_javascript(browser, live_server, demo):
    reference, _app = _new_caf_report("Sans JavaScript, qualifier en lot")
    context = browser.new_context(base_url=live_server, java_script_enabled=False)
    page = context.new_page()
    log_in(page, TEAM)
    page.goto("/equipe/remontees")
    page.get_by_role("row").filter(has_text=reference).get_by_role("checkbox").check(force=True)
    page.get_by_label("Action sur la sélection").select_option("qualify")
    page.get_by_role("button", name="Appliquer aux remontées cochées").click()
    page.wait_for_load_state()
    assert f"appliqué à 1 remontée ({reference})" in page.locator("main").inner_text()
    assert "qualifiée" in page.get_by_role("row").filter(has_text=reference).inner_text().lower()
    context.close()


def test_own_report_first_in_similar_reports(page):
    reference, application = _new_caf_report("Justificatif : bouton Envoyer sans effet")
    log_in(page, "agent.fs@passerelle.example")
    page.goto("/remontees/nouvelle")
    page.get_by_label("Service en ligne").select_option(str(application.id))
    page.get_by_label("Résumé en une phrase").fill("Bouton Envoyer du justificatif sans effet")
    page.get_by_label("Ce qui s'est passé").fill("Le bouton Envoyer du justificatif ne réagit pas, la page reste figée.")
    own = page.locator("#similaires .pas-own-reports")
    own.wait_for()
    assert "Vous avez déjà signalé…" in own.inner_text() and reference in own.inner_text()
    assert audit_accessibility(page) == []


def test_without_javascript_the_service_narrows_the_lists(browser, live_server, demo):
    context = browser.new_context(base_url=live_server, java_script_enabled=False, bypass_csp=True)
    page = context.new_page()
    log_in(page, "agent.fs@passerelle.example")
    page.goto("/remontees/nouvelle")
    groups = page.locator("#procedure optgroup")
    assert groups.count() > 1
    page.get_by_label("Service en ligne").select_option(label="France Titres — permis de conduire")
    page.get_by_label("Résumé en une phrase").fill("Texte gardé")
    page.get_by_role("button", name="Afficher les démarches de ce service").click()
    page.wait_for_load_state()
    labels = page.locator("#procedure optgroup").evaluate_all("els => els.map(e => e.label)")
    assert labels == ["France Titres — permis de conduire"]
    step_groups = page.locator("#step optgroup").evaluate_all("els => els.map(e => e.label)")
    assert step_groups and all(re.match(r"^France Titres — permis de conduire — ", g) for g in step_groups)
    assert page.get_by_label("Résumé en une phrase").input_value() == "Texte gardé"
    context.close()  # axe needs JavaScript: the same form is audited with it in test_reports.py
