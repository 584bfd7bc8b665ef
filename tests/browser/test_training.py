"""An agent takes a module end to end in a real browser; axe audits the training pages."""
from pathlib import Path

from app.training.curricula.importer import import_curricula
from tests.browser.conftest import audit_accessibility, log_in, open_menu

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "curricula"


def _choose(page, label):
    # The DSFR draws its own radios and checkboxes: a person clicks the label.
    page.locator("label.fr-label", has_text=label).click()


def _progress(page):
    return int(page.locator("progress").first.get_attribute("value"))


def test_agent_takes_a_module(page, live_server, tmp_path):
    import_curricula(FIXTURE)
    log_in(page, "agent.fs@passerelle.example")
    page.goto("/formation/parcours/PARCOURS-TEST")
    page.get_by_role("button", name="Suivre ce parcours").click()
    page.goto("/agent")
    assert _progress(page) == 0
    assert audit_accessibility(page) == []

    open_menu(page, "Formation", "Catalogue des formations")
    assert audit_accessibility(page) == []
    page.get_by_role("link", name="Accueil de base").click()
    page.get_by_role("link", name="Commencer : Dire bonjour").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Dire bonjour"
    assert audit_accessibility(page) == []
    page.get_by_role("button", name="J'ai lu cette leçon, leçon suivante").click()
    page.get_by_role("button", name="J'ai lu cette leçon, passer au quiz").click()
    assert "Quiz : Accueil de base" in page.content()
    assert audit_accessibility(page) == []

    # Nothing ticked: refused with the error summary, nothing recorded.
    page.get_by_role("button", name="Valider mes réponses").click()
    assert "Le formulaire contient 1 erreur" in page.content() and "Aucune réponse cochée" in page.content()
    assert audit_accessibility(page) == []

    # A wrong answer: the wrong questions and the picked choices' explanations, never the correct choice.
    _choose(page, "Suivant")
    _choose(page, "Couper la parole")
    page.get_by_role("button", name="Valider mes réponses").click()
    assert "Quiz non réussi" in page.content()
    assert "« Suivant » appelle la personne sans la saluer." in page.content()
    assert "bonne réponse</strong>" not in page.content()
    assert page.get_by_role("progressbar", name="Votre score : 0 % — seuil de réussite : 50 %").count() == 1
    assert audit_accessibility(page) == []

    page.get_by_role("link", name="Réessayer").click()
    _choose(page, "Bonjour")
    _choose(page, "Reformuler")
    _choose(page, "Laisser parler")
    page.get_by_role("button", name="Valider mes réponses").click()
    assert "Quiz réussi" in page.content()
    assert "Le module est terminé" in page.content()
    assert "Corrigé" in page.content() and "Juste : saluer ouvre l'échange." in page.content()
    assert audit_accessibility(page) == []

    page.goto("/agent")
    assert _progress(page) == 50
    page.goto("/formation/modules/accueil-base")
    assert "Module terminé le" in page.content()
    page.get_by_role("link", name="Voir mon attestation de formation").click()
    with page.expect_download() as info:
        page.get_by_role("link", name="Télécharger l'attestation (PDF)").click()
    target = tmp_path / "attestation.pdf"
    info.value.save_as(target)
    assert target.read_bytes().startswith(b"%PDF")
