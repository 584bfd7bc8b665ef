"""A lesson as a printable A4 PDF: the « voies de recours et délais » sheet on paper, and any other lesson."""
import io
from datetime import date
from pathlib import Path

from pypdf import PdfReader

from app.common.markdown import render_markdown
from app.training import pdf
from app.training.curricula.frontmatter import parse_lesson
from app.training.reference import LessonRef

SHEET = "curricula/modules/voies-de-recours/lessons/02-fiche-voies-de-recours-et-delais.md"


def pdf_text(data):
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def lesson_ref(markdown, pending=False):
    return LessonRef(1, "fiche", "Fiche de test", str(render_markdown(markdown)), date(2026, 12, 6),
                     "référent de test", pending)


def test_lesson_pdf_route_gives_the_lesson_text(client, login, curricula):
    login()
    response = client.get("/formation/modules/accueil-base/lecons/bonjour.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert 'filename="accueil-base-bonjour.pdf"' in response.headers["Content-Disposition"]
    text = pdf_text(response.data)
    assert "Saluer" in text and "On dit bonjour et on sourit." in text
    assert "Mise à jour le 30/11/2026, relue par : formateur de test" in text


def test_lesson_page_links_to_its_pdf(client, login, curricula):
    login()
    page = client.get("/formation/modules/accueil-base/lecons/bonjour").get_data(as_text=True)
    assert 'href="/formation/modules/accueil-base/lecons/bonjour.pdf"' in page


def test_lesson_pdf_of_a_locked_module_or_unknown_lesson_is_refused(client, login, curricula):
    login()
    assert client.get("/formation/modules/caf-essentiel/lecons/missions.pdf").status_code == 403
    assert client.get("/formation/modules/accueil-base/lecons/nope.pdf").status_code == 404


def test_the_recourse_sheet_prints_its_table_in_landscape_with_source_addresses():
    body = parse_lesson(Path(SHEET).read_text(encoding="utf-8")).body
    data = pdf.lesson_pdf("Voies de recours et délais", lesson_ref(body))
    reader = PdfReader(io.BytesIO(data))
    width, height = reader.pages[0].mediabox.width, reader.pages[0].mediabox.height
    assert width > height  # six columns: landscape A4
    text = " ".join(pdf_text(data).split())  # table cells wrap over several lines
    for cell in ("Premier recours", "Président du conseil", "Médiateur régional de France Travail",
                 "Réclamation contentieuse", "Recours gracieux"):
        assert cell in text
    assert "(https://www.legifrance.gouv.fr/codes/id/LEGISCTA000037551235)" in text


def test_lesson_pdf_keeps_emphasis_spacing_lists_and_the_pending_notice():
    markdown = "## Titre\n\nUn **mot** important et *un autre*.\n\n1. premier\n2. second\n\n- point\n  - sous-point\n"
    text = pdf_text(pdf.lesson_pdf("Module", lesson_ref(markdown, pending=True)))
    assert "Un mot important et un autre." in text
    assert "1. premier" in text and "2. second" in text and "sous-point" in text
    assert "Contenu en cours de vérification" in text
    reader = PdfReader(io.BytesIO(pdf.lesson_pdf("Module", lesson_ref(markdown))))
    assert reader.pages[0].mediabox.width < reader.pages[0].mediabox.height  # no wide table: portrait
