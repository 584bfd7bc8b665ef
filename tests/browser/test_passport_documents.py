"""Passport documents in a real browser (acceptances 1 and 7, documents part): the agent downloads the
passport PDF, its verification URL opens an authentic page, a modified token gets 404; axe-core finds no
violation on the verification, gap analysis and VAE pages."""
import io
import re
from urllib.parse import urlsplit

from pypdf import PdfReader

from app.accounts.models import find_user_by_email
from app.extensions import db
from app.passports.models import VaeCandidacy
from tests.browser.conftest import audit_accessibility, log_in
from tests.passports.factories import entry, fixture_referential


def _verification_url(pdf_data):
    """The URL on its own paragraph of the PDF; a long one wraps over lines without spaces."""
    lines = [line.strip() for line in
             "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf_data)).pages).splitlines()]
    start = next(i for i, line in enumerate(lines) if line.startswith(("http://", "https://")))
    url = lines[start]
    for line in lines[start + 1:]:
        if not line or re.search(r"\s", line):
            break
        url += line
    return url


def test_agent_downloads_the_passport_pdf_and_its_verification_url_is_authentic(page):
    fixture_referential()
    agent = find_user_by_email("agent.fs@passerelle.example")
    rh = find_user_by_email("rh.fs@passerelle.example")
    entry(agent, "A1.1", 2, validated_by_id=rh.id)

    log_in(page, "agent.fs@passerelle.example")
    page.goto("/passeport/document")
    assert page.get_by_role("heading", level=1).inner_text() == "Passeport de compétences"
    with page.expect_download() as info:
        page.get_by_role("link", name="Télécharger le passeport (PDF)").click()
    download = info.value
    assert download.suggested_filename.startswith("passeport-competences-")
    with open(download.path(), "rb") as handle:
        data = handle.read()
    assert data.startswith(b"%PDF-")
    url = _verification_url(data)
    path = urlsplit(url).path
    assert path.startswith("/verify/")

    # Whoever is shown the document checks it without an account.
    page.context.clear_cookies()
    response = page.goto(path)
    assert response.status == 200
    assert page.get_by_role("heading", name="Document authentique").is_visible()
    content = page.content()
    assert agent.full_name in content and "A1.1 — Accueillir au guichet" in content
    assert audit_accessibility(page) == []

    token = path.rsplit("/", 1)[1]
    modified = token[:-1] + ("A" if token[-1] != "A" else "B")
    response = page.goto(f"/verify/{modified}")
    assert response.status == 404
    assert page.get_by_role("heading", level=1).inner_text() == "Document introuvable"
    assert audit_accessibility(page) == []


def test_gap_analysis_and_vae_pages_are_accessible(page):
    fixture_referential()
    agent = find_user_by_email("agent.fs@passerelle.example")
    entry(agent, "A1.1", 1, description="J'accueille les personnes au guichet chaque matin.", status="draft")
    entry(agent, "A2.1", 3)

    log_in(page, "agent.fs@passerelle.example")
    page.goto("/passeport/mobilite")
    assert page.get_by_role("heading", level=1).is_visible()
    assert audit_accessibility(page) == []
    page.get_by_role("link", name="Chargé(e) d'accueil").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Écarts avec le métier : Chargé(e) d'accueil"
    assert audit_accessibility(page) == []

    page.goto("/passeport/vae")
    assert audit_accessibility(page) == []
    page.get_by_label("Certification visée").select_option("TP-TEST")
    page.get_by_role("button", name="Ouvrir ma candidature").click()
    assert page.get_by_role("heading", level=1).inner_text() == "VAE : Titre professionnel de test"
    assert "J'accueille les personnes au guichet chaque matin." in page.content()
    assert audit_accessibility(page) == []
    page.get_by_role("link", name="Voir mon dossier").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Dossier de VAE"
    assert audit_accessibility(page) == []

    # The HR side: the candidacy waiting for a jury result.
    candidacy = db.session.scalar(db.select(VaeCandidacy).where(VaeCandidacy.holder_id == agent.id))
    candidacy.status = "validation_sent"
    db.session.commit()
    page.context.clear_cookies()
    log_in(page, "rh.fs@passerelle.example")
    page.goto("/rh/vae/")
    assert agent.full_name in page.content()
    assert audit_accessibility(page) == []


def test_the_agent_withdraws_their_links_and_the_old_link_says_so(page):
    fixture_referential()
    agent = find_user_by_email("agent.fs@passerelle.example")
    entry(agent, "A1.1", 2)
    log_in(page, "agent.fs@passerelle.example")
    page.goto("/passeport/document")
    assert "Ce lien est valable jusqu'au" in page.content()
    path = urlsplit(page.locator(".pas-code a[href*='/verify/']").get_attribute("href")).path
    assert audit_accessibility(page) == []

    page.get_by_role("link", name="Retirer mes liens de vérification").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Retirer mes liens de vérification"
    assert audit_accessibility(page) == []
    page.get_by_role("button", name="Retirer mes liens").click()
    assert "Vous avez retiré vos liens de vérification" in page.content()
    assert audit_accessibility(page) == []

    page.context.clear_cookies()
    response = page.goto(path)
    assert response.status == 410
    assert page.get_by_role("heading", level=1).inner_text() == "Lien de vérification retiré"
    assert audit_accessibility(page) == []


def test_a_personal_path_page_offers_to_share_it(page):
    fixture_referential()
    log_in(page, "agent.fs@passerelle.example")
    page.goto("/passeport/mobilite/CHARGE-ACCUEIL")
    page.get_by_role("button", name="Créer mon parcours personnel").click()
    assert "votre structure ne le voit pas" in page.content()
    assert audit_accessibility(page) == []
    page.get_by_role("button", name="Partager ce parcours avec ma structure").click()
    assert "Vous partagez ce parcours" in page.content()
    assert audit_accessibility(page) == []
