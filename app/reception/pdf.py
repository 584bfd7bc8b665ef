"""Reception PDFs: the « Votre avis » poster (A4, QR code) and the quarterly quality sheet
(« Nos résultats »). Each function takes objects and returns bytes."""
import io

import segno
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from app.common.pdf import BLUE_FRANCE, GREY, escape, fonts
from app.reception.export import indicator_lines

RULE = colors.HexColor("#dddddd")


def _p(text, style):
    return Paragraph(escape(text), style)


class QrCode(Flowable):
    """A QR code (segno, level M) drawn as rectangles, with its quiet zone."""

    def __init__(self, data, size):
        super().__init__()
        self.matrix = [list(row) for row in segno.make(data, error="m", micro=False).matrix_iter(border=4)]
        self.width = self.height = self.size = size

    def wrap(self, available_width, available_height):
        return self.size, self.size

    def draw(self):
        box = self.size / len(self.matrix)
        canvas = self.canv
        canvas.setFillColor(colors.black)
        path = canvas.beginPath()
        for r, row in enumerate(self.matrix):
            y = self.size - (r + 1) * box
            for c, dark in enumerate(row):
                if dark:
                    path.rect(c * box, y, box, box)
        canvas.drawPath(path, stroke=0, fill=1)


def poster_pdf(organisation, url):
    """The A4 poster: the site's name, three questions in plain words, the QR code and the address."""
    regular, bold = fonts()
    big = ParagraphStyle("big", fontName=bold, fontSize=40, leading=48, alignment=1, textColor=BLUE_FRANCE)
    name = ParagraphStyle("name", fontName=bold, fontSize=20, leading=26, alignment=1, spaceBefore=10)
    body = ParagraphStyle("body", fontName=regular, fontSize=16, leading=22, alignment=1)
    small = ParagraphStyle("small", fontName=regular, fontSize=11, leading=15, alignment=1, textColor=GREY)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=2 * cm, rightMargin=2 * cm, topMargin=2 * cm,
                            bottomMargin=2 * cm, title=f"Votre avis — {organisation.name}", author="Passerelle",
                            subject="Affiche « Votre avis »", creator="Passerelle", lang="fr-FR")
    qr = Table([[QrCode(url, 9 * cm)]], colWidths=[17 * cm])
    qr.setStyle(TableStyle([("ALIGN", (0, 0), (-1, -1), "CENTER")]))
    story = [
        _p("Votre avis compte", big),
        _p(organisation.name, name),
        Spacer(1, 0.6 * cm),
        _p("Trois questions, une minute.", body),
        _p("Sans compte. Sans nom. Sans adresse.", body),
        Spacer(1, 0.6 * cm),
        qr,
        Spacer(1, 0.4 * cm),
        _p("Scannez le code avec l'appareil photo de votre téléphone, ou tapez l'adresse :", small),
        Paragraph(escape(url), ParagraphStyle("url", parent=small, textColor=BLUE_FRANCE, fontSize=10)),
        Spacer(1, 0.6 * cm),
        _p("Vous pouvez aussi nous dire si un site internet de l'administration vous a posé problème.", small),
    ]
    doc.build(story)
    return buffer.getvalue()


def quality_sheet_pdf(organisation, indicators):
    """« Nos résultats »: the quarter's indicators of one site, small numbers never as figures."""
    regular, bold = fonts()
    title = ParagraphStyle("title", fontName=bold, fontSize=22, leading=28, textColor=BLUE_FRANCE)
    heading = ParagraphStyle("heading", fontName=bold, fontSize=13, leading=17, spaceBefore=6, spaceAfter=6)
    body = ParagraphStyle("body", fontName=regular, fontSize=9.5, leading=12.5)
    note = ParagraphStyle("note", fontName=regular, fontSize=8.5, leading=11, textColor=GREY, spaceBefore=8)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=1.8 * cm, rightMargin=1.8 * cm, topMargin=1.6 * cm,
                            bottomMargin=1.6 * cm, title=f"Nos résultats — {organisation.name}",
                            author="Passerelle", subject=f"Qualité de l'accueil, {indicators.period.label}",
                            creator="Passerelle", lang="fr-FR")
    rows = [[_p("Indicateur", body), _p("Résultat", body)]]
    rows += [[_p(label, body), _p(value, body)] for label, value in indicator_lines(indicators)]
    table = Table(rows, colWidths=[12 * cm, 5.4 * cm], repeatRows=1)
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, 0), bold), ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
        ("LINEBELOW", (0, 0), (-1, -1), 0.5, RULE), ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    story = [
        _p("Nos résultats", title),
        _p(f"{organisation.name} — {indicators.period.label}", heading),
        table,
        _p(f"Satisfaction : part des réponses 4 ou 5 sur 5. Satisfaction nette (définition Services Publics+) : "
           f"part des réponses 4 ou 5 moins part des réponses 1 ou 2. Un résultat calculé sur moins de "
           f"{indicators.min_count} réponses n'est pas affiché.", note),
    ]
    doc.build(story)
    return buffer.getvalue()
