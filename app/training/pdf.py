"""The attestation de formation as a PDF: takes an Attestation, returns bytes."""
import io

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.platypus import ListFlowable, ListItem, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from app.common.pdf import BLUE_FRANCE, GREY, escape, fonts


def _styles(regular, bold):
    base = {"fontName": regular, "fontSize": 10.5, "leading": 14}
    return {
        "brand": ParagraphStyle("brand", **{**base, "fontName": bold, "textColor": BLUE_FRANCE}),
        "title": ParagraphStyle("title", fontName=bold, fontSize=22, leading=28, spaceAfter=14,
                                textColor=BLUE_FRANCE),
        "body": ParagraphStyle("body", **base),
        "name": ParagraphStyle("name", fontName=bold, fontSize=16, leading=22, spaceBefore=4, spaceAfter=4),
        "module": ParagraphStyle("module", fontName=bold, fontSize=13, leading=18, spaceBefore=4),
        "heading": ParagraphStyle("heading", fontName=bold, fontSize=12, leading=16, spaceBefore=14,
                                  spaceAfter=6),
        "cell": ParagraphStyle("cell", **base),
        "cell_label": ParagraphStyle("cell_label", **{**base, "fontName": bold}),
        # The URL is kept whole on one line so that it can be copied (and extracted) intact.
        "url": ParagraphStyle("url", fontName=regular, fontSize=8.5, leading=12, splitLongWords=0,
                              textColor=BLUE_FRANCE),
        "small": ParagraphStyle("small", fontName=regular, fontSize=8.5, leading=12, textColor=GREY),
    }


def _p(text, style):
    return Paragraph(escape(text), style)


def attestation_pdf(attestation):
    """The attestation de formation as PDF bytes (A4, French)."""
    regular, bold = fonts()
    s = _styles(regular, bold)
    a = attestation
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=2 * cm, rightMargin=2 * cm, topMargin=2 * cm, bottomMargin=2 * cm,
        title=f"Attestation de formation — {a.module_title}", author="Passerelle",
        subject=f"Attestation de formation de {a.agent_name}", creator="Passerelle", lang="fr-FR",
    )
    story = [
        _p("Passerelle — Formation des professionnels de l'accueil", s["brand"]),
        Spacer(1, 0.6 * cm),
        _p("Attestation de formation", s["title"]),
        _p("Passerelle atteste que", s["body"]),
        _p(a.agent_name, s["name"]),
    ]
    if a.organisation_name:
        story.append(_p(f"agent de la structure {a.organisation_name},", s["body"]))
    story += [
        _p("a suivi et terminé le module de formation", s["body"]),
        _p(f"{a.module_title} (version {a.version_number})", s["module"]),
        Spacer(1, 0.5 * cm),
    ]
    rows = [
        ("Date de fin", a.completed_on),
        ("Durée", a.duration_label),
        ("Score au quiz", f"{a.score} %"),
    ]
    table = Table([[_p(label, s["cell_label"]), _p(value, s["cell"])] for label, value in rows],
                  colWidths=[5 * cm, 12 * cm], hAlign="LEFT")
    table.setStyle(TableStyle([
        ("LINEBELOW", (0, 0), (-1, -1), 0.5, colors.HexColor("#dddddd")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]))
    story += [table, _p("Compétences développées", s["heading"])]
    if a.competencies:
        items = []
        for c in a.competencies:
            level = f"niveau {c.level}" + (f" — {c.level_label}" if c.level_label else "")
            items.append(ListItem(_p(f"{c.code} — {c.title} ({level})", s["body"]), leftIndent=12))
        story.append(ListFlowable(items, bulletType="bullet", start="•", bulletFontName=regular,
                                  leftIndent=12))
    else:
        story.append(_p("Aucune compétence n'est rattachée à ce module.", s["body"]))
    url = escape(a.verification_url)
    story += [
        _p("Vérifier cette attestation", s["heading"]),
        _p("L'authenticité de cette attestation peut être vérifiée à l'adresse suivante :", s["body"]),
        Paragraph(f'<link href="{url}">{url}</link>', s["url"]),
        Spacer(1, 1 * cm),
        _p("Document établi par Passerelle. Les dates sont données à l'heure de la structure de l'agent.",
           s["small"]),
    ]
    doc.build(story)
    return buffer.getvalue()
