"""Attestation pages in a real browser: axe finds no violation; the public check needs no login."""
from urllib.parse import urlsplit

from app.accounts.models import find_user_by_email
from tests.browser.conftest import audit_accessibility, log_in
from tests.training.learning_helpers import complete, import_fixture_curricula, module


def test_attestation_and_verification_pages_are_accessible(page):
    import_fixture_curricula()
    agent = find_user_by_email("agent.fs@passerelle.example")
    complete(agent, "accueil-base")
    from app.training.attestations import attestation_for

    verification = urlsplit(attestation_for(agent, module("accueil-base")).verification_url).path

    # Anyone shown the attestation can check it, without an account.
    page.goto(verification)
    assert "Attestation authentique" in page.content()
    assert audit_accessibility(page) == []
    page.goto(verification[:-2] + "xx")
    assert page.get_by_role("heading", level=1).inner_text() == "Attestation introuvable"
    assert audit_accessibility(page) == []

    log_in(page, "agent.fs@passerelle.example")
    page.goto("/formation/modules/accueil-base/attestation")
    assert page.get_by_role("heading", level=1).inner_text() == "Attestation de formation"
    assert audit_accessibility(page) == []
    with page.expect_download() as info:
        page.get_by_role("link", name="Télécharger l'attestation (PDF)").click()
    assert info.value.suggested_filename == "attestation-accueil-base.pdf"
