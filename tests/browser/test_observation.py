"""Acceptance 4 of issue 14 in a real browser, axe on every page: tuteur.fs fills the A2.1 grid for agent.fs,
the passport entry appears as declared (submitted to HR), rh.fs validates it from the queue."""
from pathlib import Path

from app.extensions import db
from app.training.curricula.importer import import_curricula
from app.training.seed import seed_observation_demo
from tests.browser.conftest import audit_accessibility, log_in, open_menu

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "curricula"


def _log_out(page):
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_load_state()


def test_tutor_observes_agent_then_hr_validates(page):
    import_curricula(FIXTURE)  # its grid: A2.1 (levels of 4, 4, 5 and 4 behaviours)
    seed_observation_demo()
    db.session.commit()
    db.session.remove()

    log_in(page, "tuteur.fs@passerelle.example")
    open_menu(page, "Formation", "Observer un agent (tuteur)")
    assert audit_accessibility(page) == []
    page.get_by_label("Agent observé").select_option(label="Amina Agent")
    page.get_by_label("Compétence").select_option("A2.1")
    page.get_by_text("À l'accueil, en situation réelle").click()
    page.get_by_role("button", name="Ouvrir la grille").click()
    page.wait_for_load_state()
    assert "Agent observé : Amina Agent" in page.locator("main").inner_text()
    assert audit_accessibility(page) == []
    for level, count in ((1, 4), (2, 3), (3, 4)):
        for position in range(count):
            page.locator(f"label[for=observe-{level}-{position}]").click()
    page.get_by_role("button", name="Calculer le niveau proposé").click()
    page.wait_for_load_state()
    assert "Niveau proposé : 3" in page.content()
    assert audit_accessibility(page) == []
    page.get_by_role("button", name="Confirmer le niveau 3").click()
    page.wait_for_load_state()
    assert "à valider par les ressources humaines" in page.content()
    assert audit_accessibility(page) == []
    _log_out(page)

    log_in(page, "agent.fs@passerelle.example")
    page.goto("/passeport/")
    main = page.locator("main").inner_text()
    assert "A2.1" in main and "observation en situation" in main.lower() and "déclarée" in main.lower()
    assert audit_accessibility(page) == []
    _log_out(page)

    log_in(page, "rh.fs@passerelle.example")
    open_menu(page, "Passeports", "Lignes de passeport à valider")
    assert "1 ligne en attente" in page.content()
    page.get_by_role("link", name="Examiner la ligne A2.1 de Amina Agent").click()
    assert "Grille d'observation remplie" in page.content() and "Théo Tuteur" in page.content()
    assert audit_accessibility(page) == []
    page.get_by_label("Décision (obligatoire)", exact=True).select_option("validate")
    page.get_by_role("button", name="Enregistrer la décision").click()
    page.wait_for_load_state()
    assert "Décision enregistrée : validée." in page.content()
    open_menu(page, "Agents", "Tuteurs")
    assert "Théo Tuteur" in page.content()
    assert audit_accessibility(page) == []
