"""Working-conditions PDFs: the incident sheet and the quarterly file. Objects in, bytes out."""
import io

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from app.common.pdf import BLUE_FRANCE, escape, fonts


def _styles():
    regular, bold = fonts()
    return {
        "title": ParagraphStyle("title", fontName=bold, fontSize=18, leading=24, spaceAfter=10, textColor=BLUE_FRANCE),
        "heading": ParagraphStyle("heading", fontName=bold, fontSize=12, leading=16, spaceBefore=12, spaceAfter=6),
        "body": ParagraphStyle("body", fontName=regular, fontSize=9.5, leading=13),
        "cell": ParagraphStyle("cell", fontName=regular, fontSize=8.5, leading=11),
    }


def _table(rows, styles):
    data = [[Paragraph(escape(str(cell)), styles["cell"]) for cell in row] for row in rows]
    table = Table(data, repeatRows=1)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
                               ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e3e3fd")),
                               ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def _build(title, flowables, pagesize=A4):
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=pagesize, title=title, author="Passerelle",
                            leftMargin=1.6 * cm, rightMargin=1.6 * cm, topMargin=1.6 * cm, bottomMargin=1.6 * cm)
    doc.build(flowables)
    return buffer.getvalue()


def incident_sheet(incident, reporter_label):
    """One incident as a sheet (the name as the viewer may see it, decided by the caller)."""
    styles = _styles()
    rows = [["Rubrique", "Valeur"], ["Agent", reporter_label], ["Structure", incident.organisation.name],
            ["Date", incident.occurred_at.strftime("%d/%m/%Y %H:%M UTC")], ["Canal", incident.channel_label],
            ["Nature", incident.kind_label], ["Gravité", incident.severity_label],
            ["Contexte", incident.context_label + (f" — {incident.report_reference}" if incident.report_reference else "")],
            ["Ce qui s'est passé", incident.narrative], ["État", incident.status_label]]
    flow = [Paragraph(f"Signalement d'incident n° {incident.id}", styles["title"]), _table(rows, styles),
            Paragraph("Suivi", styles["heading"])]
    for action in incident.actions:
        flow.append(Paragraph(escape(f"{action.created_at:%d/%m/%Y %H:%M} — {action.status_label} {action.note}"),
                              styles["body"]))
    return _build(f"Signalement {incident.id}", flow)


def dossier(title, sections):
    """The quarterly working-conditions file: sections = [(heading, intro, rows)] (rows[0] = header)."""
    styles = _styles()
    flow = [Paragraph(escape(title), styles["title"])]
    for heading, intro, rows in sections:
        flow.append(Paragraph(escape(heading), styles["heading"]))
        if intro:
            flow.append(Paragraph(escape(intro), styles["body"]))
            flow.append(Spacer(1, 4))
        if rows and len(rows) > 1:
            flow.append(_table(rows, styles))
    return _build(title, flow, landscape(A4))  # wide tables (cross-readings, twelve questions)
