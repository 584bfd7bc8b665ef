"""A fiche réflexe as one A4 page (reportlab): the body shrinks step by step until the sheet fits one page."""
import io

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from app.common.pdf import BLUE_FRANCE, GREY, escape, fonts

# Body sizes tried in turn (points); the smallest is still readable on a printed page pinned at the desk.
BODY_SIZES = (10, 9.5, 9, 8.5, 8, 7.5)
MARGIN = 1.3 * cm


def _refs(numbers):
    if not numbers:
        return ""
    return f' <font size="6.5" color="#666666">[{", ".join(str(n) for n in numbers)}]</font>'


def _story(sheet, regular, bold, size):
    """The flowables at one body size; the bullets use the sheet's font (DejaVu covers every letter)."""
    lead = size * 1.28
    s = {
        "brand": ParagraphStyle("brand", fontName=bold, fontSize=8.5, leading=11, textColor=BLUE_FRANCE),
        "title": ParagraphStyle("title", fontName=bold, fontSize=size + 8, leading=(size + 8) * 1.2,
                                textColor=BLUE_FRANCE, spaceBefore=2, spaceAfter=3),
        "purpose": ParagraphStyle("purpose", fontName=regular, fontSize=size, leading=lead, spaceAfter=2),
        "small": ParagraphStyle("small", fontName=regular, fontSize=6.5, leading=8.2, textColor=GREY),
        "notice": ParagraphStyle("notice", fontName=bold, fontSize=size - 0.5, leading=lead, spaceBefore=2),
        "heading": ParagraphStyle("heading", fontName=bold, fontSize=size + 1.5, leading=(size + 1.5) * 1.25,
                                  textColor=BLUE_FRANCE, spaceBefore=size * 0.6, spaceAfter=1),
        "item": ParagraphStyle("item", fontName=regular, fontSize=size, leading=lead, leftIndent=10, bulletIndent=1,
                               bulletFontName=regular, spaceAfter=0.6),
        "url": ParagraphStyle("url", fontName=regular, fontSize=6.3, leading=7.8, textColor=GREY, leftIndent=10,
                              bulletIndent=0, bulletFontName=regular, bulletFontSize=6.3, splitLongWords=0),
    }
    review = f"Mise à jour le {sheet.updated_on.strftime('%d/%m/%Y')}, relue par : {sheet.reviewed_by}"
    story = [Paragraph("Passerelle — Fiche réflexe", s["brand"]), Paragraph(escape(sheet.title), s["title"]),
             Paragraph(escape(sheet.purpose), s["purpose"]), Paragraph(escape(review), s["small"])]
    if sheet.verification_pending:
        story.append(Paragraph("Contenu en cours de vérification : une information de cette fiche attend la "
                               "confirmation de sa source officielle.", s["notice"]))
    for part in sheet.parts:
        story.append(Paragraph(escape(part.title), s["heading"]))
        for line in part.lines:
            story.append(Paragraph(escape(line.text) + _refs(line.refs), s["item"], bulletText="•"))
    story += [Spacer(1, size * 0.6), Paragraph("Sources (la version en ligne fait référence)", s["small"])]
    for ref in sheet.sources:
        url = escape(ref.url)
        story.append(Paragraph(f'{escape(ref.title)} : <link href="{url}">{url}</link>', s["url"],
                               bulletText=f"[{ref.number}]"))
    return story


def _render(sheet):
    """(PDF bytes, page count) at the largest body size that fits one page, else at the smallest."""
    regular, bold = fonts()
    for size in BODY_SIZES:
        buffer = io.BytesIO()
        doc = SimpleDocTemplate(
            buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN, bottomMargin=MARGIN,
            title=f"Fiche réflexe — {sheet.title}", author="Passerelle", subject=sheet.purpose, creator="Passerelle",
            lang="fr-FR",
        )
        doc.build(_story(sheet, regular, bold, size))
        if doc.page == 1:
            break
    return buffer.getvalue(), doc.page


def reflex_sheet_pdf(sheet):
    """The sheet as PDF bytes: one A4 page, at the largest body size that fits (the smallest one otherwise)."""
    return _render(sheet)[0]


def fits_one_page(sheet):
    """Whether the sheet prints on one A4 page (`flask curricula validate` refuses it otherwise)."""
    return _render(sheet)[1] == 1

