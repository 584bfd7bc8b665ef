"""Acceptance 1 (core part) in a real browser: agent.fs declares an experience entry and submits it,
rh.fs validates it from the queue; axe-core finds no violation on the passport pages and the HR queue.

The other half of acceptance 1 (the passport PDF, its verification URL, a modified token -> 404) is
in tests/browser/test_passport_documents.py (engineer "documents").
"""
from pathlib import Path

from app.extensions import db
from app.passports.seed import seed_passport_demo
from app.training.curricula.importer import import_curricula
from tests.browser.conftest import audit_accessibility, log_in, open_menu

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "curricula"
DESCRIPTION = "Chaque mardi, je gère l'agenda des permanences CAF et CPAM et je confirme les rendez-vous."


def _demo_passports():
    import_curricula(FIXTURE)
    assert seed_passport_demo()
    db.session.commit()
    db.session.remove()  # the live server must not wait on this test's transaction


def _log_out(page):
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_load_state()


def test_agent_declares_and_submits_then_hr_validates(page):
    _demo_passports()

    log_in(page, "agent.fs@passerelle.example")
    open_menu(page, "Passeport", "Mon passeport")
    assert page.get_by_role("heading", level=1).inner_text() == "Mon passeport de compétences"
    assert "Échue le" in page.content()  # the demo's expired training entry
    assert audit_accessibility(page) == []

    page.get_by_role("link", name="Déclarer une expérience").click()
    assert audit_accessibility(page) == []
    # Errors first: the form comes back with French messages, accessible too.
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    page.wait_for_load_state()
    assert "Choisissez une compétence." in page.content()
    assert audit_accessibility(page) == []

    page.get_by_label("Compétence (obligatoire)", exact=True).select_option("A1.2")
    page.get_by_label("Niveau (obligatoire)", exact=True).select_option("3")
    page.get_by_label("Situations réelles").fill(DESCRIPTION)
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    page.wait_for_load_state()
    assert "Ligne enregistrée en brouillon" in page.content()
    assert audit_accessibility(page) == []
    page.get_by_role("button", name="Soumettre à la validation").click()
    page.wait_for_load_state()
    assert "Ligne soumise" in page.content()
    assert "Soumise" in page.get_by_role("definition").nth(3).text_content()

    page.goto("/passeport/partages")
    assert audit_accessibility(page) == []
    _log_out(page)

    log_in(page, "rh.fs@passerelle.example")
    open_menu(page, "Passeports", "Lignes de passeport à valider")
    assert "2 lignes en attente" in page.content()  # the demo's waiting entry and the new one
    assert audit_accessibility(page) == []
    page.get_by_role("link", name="Examiner la ligne A1.2 de Amina Agent").click()
    assert DESCRIPTION in page.content()
    assert audit_accessibility(page) == []
    page.get_by_label("Décision (obligatoire)", exact=True).select_option("validate")
    page.get_by_role("button", name="Enregistrer la décision").click()
    page.wait_for_load_state()
    assert "Décision enregistrée : validée." in page.content()
    assert "1 ligne en attente" in page.content()

    page.goto("/rh/passeports/agents")
    assert audit_accessibility(page) == []
    page.get_by_role("link", name="Passeport de Amina Agent").click()
    assert audit_accessibility(page) == []
    _log_out(page)

    log_in(page, "agent.fs@passerelle.example")
    # Issue 13, point 5: the home says what changed since the previous visit (her first sign-in above).
    page.goto("/agent")
    news = page.get_by_role("heading", name="Depuis votre dernière visite", exact=False)
    assert news.is_visible()
    assert page.get_by_role("link", name="Ligne A1.2", exact=False).count() >= 1
    assert "validée le" in page.content()
    assert audit_accessibility(page) == []
    page.goto("/passeport/")
    row = page.get_by_role("row").filter(has_text="A1.2").filter(has_text="Garantie")
    assert row.count() == 1
    assert "Validée" in row.text_content() and "France services de démonstration" in row.text_content()
    assert audit_accessibility(page) == []

    # The same entry, in the passport PDF: its verification URL says the document is authentic.
    from urllib.parse import urlsplit

    from tests.browser.test_passport_documents import _verification_url

    page.goto("/passeport/document")
    with page.expect_download() as info:
        page.get_by_role("link", name="Télécharger le passeport (PDF)").click()
    with open(info.value.path(), "rb") as handle:
        data = handle.read()
    path = urlsplit(_verification_url(data)).path
    page.context.clear_cookies()
    response = page.goto(path)
    assert response.status == 200
    assert page.get_by_role("heading", name="Document authentique").is_visible()
    assert "A1.2" in page.content()
    token = path.rsplit("/", 1)[1]
    response = page.goto(path.rsplit("/", 1)[0] + "/" + token[:-1] + ("A" if token[-1] != "A" else "B"))
    assert response.status == 404
