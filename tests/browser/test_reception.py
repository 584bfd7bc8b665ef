"""Acceptance 2 in a real browser: an agent logs three accompaniments in « saisie rapide »; a citizen
answers « Votre avis » on a phone-sized screen without JavaScript; HR sees the indicators and downloads
the poster and the quarterly sheet (PDF text read with pypdf); axe finds no violation."""
import io

from pypdf import PdfReader

from app.accounts.models import Organisation
from app.extensions import db
from app.reception import services
from app.reception.models import Answer, Visit
from tests.browser.conftest import audit_accessibility, log_in

PHONE = {"width": 375, "height": 667}


def _pdf_text(download):
    with open(download.path(), "rb") as handle:
        return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(handle.read())).pages)


def test_quick_mode_citizen_voice_and_hr_indicators(page, browser, live_server):
    before = db.session.scalar(db.select(db.func.count(Visit.id)))
    log_in(page, "agent.fs@passerelle.example")
    assert audit_accessibility(page) == []  # the home page with its desk-log entry
    page.get_by_role("link", name="Saisie rapide").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Saisie rapide"
    assert audit_accessibility(page) == []
    # Keyboard only: focus a field, type the first letters of the option, Tab to the next one.
    for row, (operator, channel) in enumerate([("CAF", "Téléphone"), ("DGFiP", "Accueil physique"),
                                               ("URSSAF", "Courriel")]):
        page.locator(f"#rows-{row}-operators").focus()
        page.keyboard.type(operator)
        page.keyboard.press("Tab")
        page.keyboard.type(channel)
        assert page.locator(f"#rows-{row}-channel").input_value() in ("phone", "in_person", "email")
    page.locator("#rows-2-operators").focus()
    page.get_by_role("button", name="Enregistrer les lignes").focus()
    with page.expect_navigation():  # the POST, then the redirect back to the form with its message
        page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert "3 accompagnements enregistrés." in page.locator("main").inner_text()
    assert audit_accessibility(page) == []
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count(Visit.id))) == before + 3
    latest = db.session.scalars(db.select(Visit).order_by(Visit.id.desc()).limit(3)).all()
    assert sorted(v.operators for v in latest) == ["caf", "dgfip", "urssaf"]

    # A citizen, on a phone, scripts off.
    fs = db.session.scalar(db.select(Organisation).where(Organisation.code == "FS-DEMO"))
    token = services.voice_link(fs).token
    answers_before = db.session.scalar(db.select(db.func.count(Answer.id)))
    phone = browser.new_context(base_url=live_server, viewport=PHONE, java_script_enabled=False, locale="fr-FR",
                                is_mobile=True, has_touch=True)
    citizen = phone.new_page()
    citizen.goto(f"/avis/{token}")
    assert "France services de démonstration" in citizen.locator("main").inner_text()
    label = citizen.locator("label[for=handled-0]")
    assert label.bounding_box()["height"] >= 44  # large touch targets
    citizen.locator("label[for=handled-0]").click()   # 5 — Oui, tout à fait
    citizen.locator("label[for=welcome-1]").click()   # 4 — Oui, plutôt
    citizen.locator("label[for=waiting-3]").click()   # 2 — Non, pas vraiment
    citizen.get_by_label("Votre commentaire").fill("Merci ! Rappelez-moi au 06 12 34 56 78.")
    citizen.wait_for_timeout(3200)  # the minimum fill time
    citizen.get_by_role("button", name="Envoyer mon avis").click()
    citizen.wait_for_load_state()
    assert "Merci pour votre réponse" in citizen.locator("main").inner_text()
    assert [c["name"] for c in phone.cookies()] == ["session"]  # only the CSRF token's session
    phone.close()
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count(Answer.id))) == answers_before + 1
    answer = db.session.scalars(db.select(Answer).order_by(Answer.id.desc()).limit(1)).one()
    assert (answer.handled, answer.welcome, answer.waiting) == (5, 4, 2)
    assert "06 12" not in answer.comment and "[téléphone masqué]" in answer.comment
    # The same page audited on a phone-sized screen (axe needs scripts).
    audit_context = browser.new_context(base_url=live_server, viewport=PHONE, bypass_csp=True, locale="fr-FR")
    audited = audit_context.new_page()
    audited.goto(f"/avis/{token}")
    assert audit_accessibility(audited) == []
    audit_context.close()

    # HR: indicators, poster, quarterly sheet.
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_load_state()
    log_in(page, "rh.fs@passerelle.example")
    page.get_by_role("link", name="Accueil et avis").first.click()
    assert audit_accessibility(page) == []
    with page.expect_download() as poster:
        page.get_by_role("link", name="Télécharger l'affiche A4 (PDF)").click()
    text = _pdf_text(poster.value)
    assert "France services de démonstration" in text and token in text.replace("\n", "")
    page.get_by_role("link", name="Qualité de l'accueil").first.click()
    assert page.get_by_role("heading", level=1).inner_text() == "Qualité de l'accueil : France services de démonstration"
    main = page.locator("main").inner_text()
    assert "Satisfaction nette — Ma demande a été traitée" in main and "Accompagnements par mois" in main
    assert audit_accessibility(page) == []
    with page.expect_download() as sheet:
        page.get_by_role("link", name="Fiche « Nos résultats » du trimestre (PDF)").click()
    text = _pdf_text(sheet.value)
    assert "Nos résultats" in text and "France services de démonstration" in text and "trimestre" in text
    assert "Satisfaction nette" in text


def test_the_home_desk_log_card_shows_its_title_above_its_form(page):
    """The design system orders a card's title (order 2), not its other children: the form came first on screen
    while screen readers read the title first. Checked at both widths, by where the browser lays them out."""
    log_in(page, "agent.fs@passerelle.example")
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto("/agent")
        card = page.locator("section[aria-labelledby='registre-titre']")
        title = card.get_by_role("heading", name="Registre d'accueil").bounding_box()
        form = card.locator("form").bounding_box()
        assert title["y"] + title["height"] <= form["y"], (width, title, form)
