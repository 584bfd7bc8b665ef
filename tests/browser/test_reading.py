"""Reading in the page (issue 13, items 10 and 11): lesson tables in the DSFR's table style, lesson lines of
about 80 characters at most; evidence files previewed in the entry page by the holder and HR; axe clean."""
from app.accounts.models import find_user_by_email
from app.extensions import db
from app.passports import services
from tests import db_states
from tests.browser.conftest import audit_accessibility, log_in
from tests.passports.core_factories import pdf_bytes, png_bytes

LESSON = "/formation/modules/accueil-physique-telephonique/lecons/premier-contact-au-guichet"
CHARACTERS_PER_LINE = """() => {
  const canvas = document.createElement("canvas").getContext("2d");
  return [...document.querySelectorAll(".pas-lesson p, .pas-lesson li")].map(node => {
    canvas.font = getComputedStyle(node).font;
    const text = node.textContent.replace(/\\s+/g, " ").trim();
    const average = canvas.measureText(text).width / text.length;
    return node.clientWidth / average;
  });
}"""


def test_lesson_tables_use_the_dsfr_style_and_lines_stay_short(page, live_server):
    db_states.enter("demo+curricula")
    log_in(page, "agent.fs@passerelle.example")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(LESSON)
    assert page.locator(".pas-lesson table").count() >= 1
    assert page.locator(".pas-lesson table").count() == page.locator(".pas-lesson .fr-table table").count()
    assert page.locator(".pas-lesson thead th:not([scope=col])").count() == 0
    widths = page.evaluate(CHARACTERS_PER_LINE)
    assert widths and max(widths) <= 85, max(widths)
    assert audit_accessibility(page) == []
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def test_holder_and_hr_preview_evidence_in_the_entry_page(page, live_server, app, tmp_path):
    db_states.enter("demo+curricula")
    holder = find_user_by_email("agent.fs@passerelle.example")
    with app.test_request_context():
        entry = services.declare_entry(holder, "A1.1", 2, "Chaque matin j'accueille une vingtaine de personnes.", [])
    entry_id = entry.id
    db.session.commit()
    db.session.remove()
    files = {"attestation.pdf": pdf_bytes(), "capture.png": png_bytes((120, 60))}
    log_in(page, "agent.fs@passerelle.example")
    for name, data in files.items():  # uploaded through the page: stored where the live server reads them
        (tmp_path / name).write_bytes(data)
        page.goto(f"/passeport/lignes/{entry_id}")
        page.get_by_label("Ajouter une pièce justificative").set_input_files(str(tmp_path / name))
        page.get_by_role("button", name="Ajouter la pièce").click()
        page.wait_for_load_state()
    page.get_by_role("button", name="Soumettre à la validation").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_load_state()
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    for email, path in (("agent.fs@passerelle.example", f"/passeport/lignes/{entry_id}"),
                        ("rh.fs@passerelle.example", f"/rh/passeports/lignes/{entry_id}")):
        log_in(page, email)
        page.goto(path)
        page.get_by_text("Aperçu de capture.png").click()
        image = page.get_by_role("img", name="Aperçu de capture.png (pièce justificative)")
        image.wait_for()
        page.wait_for_function("() => document.querySelector('.pas-evidence__image').complete")
        assert image.evaluate("node => node.naturalWidth") == 120
        with page.expect_response(lambda r: "apercu=1" in r.url and r.request.resource_type == "document") as framed:
            page.get_by_text("Aperçu de attestation.pdf").click()
        assert framed.value.status == 200
        assert page.get_by_title("Aperçu de attestation.pdf").is_visible()
        assert audit_accessibility(page) == []
        page.get_by_role("button", name="Se déconnecter").click()
        page.wait_for_load_state()
    assert not [e for e in errors if "Refused" in e or "frame" in e.lower()], errors
