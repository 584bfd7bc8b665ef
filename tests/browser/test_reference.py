"""The job reference and a profile page in a real browser: axe finds no violation."""
from tests import db_states
from tests.browser.conftest import audit_accessibility, log_in, open_menu


def test_reference_and_profile_pages_are_accessible(page, live_server):
    db_states.enter("demo+curricula")
    log_in(page, "agent.fs@passerelle.example")
    open_menu(page, "Référentiel", "Référentiel de compétences")
    page.wait_for_load_state()
    assert page.url == live_server + "/referentiel"
    assert "A7 — Signaler les dysfonctionnements des services numériques" in page.content()
    assert audit_accessibility(page) == []
    page.goto("/filiere")
    page.get_by_role("link", name="Chargé(e) d'accueil", exact=True).click()
    page.wait_for_load_state()
    assert "/filiere/" in page.url
    assert "Compétences requises" in page.content()
    assert audit_accessibility(page) == []
    page.goto("/certifications")
    assert audit_accessibility(page) == []
