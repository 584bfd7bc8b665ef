"""Printable documents (objects in, bytes out): the citizen receipt, the consent form, a fiche réflexe."""
import io
import os
from html import escape as _escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from app.backoffice.enums import ConsentKind, Operator


def escape(text):
    """Text safe inside reportlab's paragraph markup."""
    return _escape(text or "", quote=False)


FONT_DIR = "/usr/share/fonts/truetype/dejavu"
BLUE_FRANCE = colors.HexColor("#000091")


def _fonts():
    names = {"PasserelleBO": "DejaVuSans.ttf", "PasserelleBO-Bold": "DejaVuSans-Bold.ttf"}
    if all(n in pdfmetrics.getRegisteredFontNames() for n in names):
        return tuple(names)
    paths = {n: os.path.join(FONT_DIR, f) for n, f in names.items()}
    if not all(os.path.isfile(p) for p in paths.values()):
        return "Helvetica", "Helvetica-Bold"
    for name, path in paths.items():
        pdfmetrics.registerFont(TTFont(name, path))
    return tuple(names)


def _styles():
    regular, bold = _fonts()
    return {
        "brand": ParagraphStyle("brand", fontName=bold, fontSize=11, leading=14, textColor=BLUE_FRANCE),
        "title": ParagraphStyle("title", fontName=bold, fontSize=18, leading=23, spaceAfter=10, textColor=BLUE_FRANCE),
        "h2": ParagraphStyle("h2", fontName=bold, fontSize=12.5, leading=16, spaceBefore=8, spaceAfter=4),
        "body": ParagraphStyle("body", fontName=regular, fontSize=10.5, leading=14, spaceAfter=5),
        "small": ParagraphStyle("small", fontName=regular, fontSize=8.5, leading=11, textColor=colors.HexColor("#555555")),
    }


def _build(title, flowables):
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=2 * cm, rightMargin=2 * cm, topMargin=1.8 * cm,
                            bottomMargin=1.8 * cm, title=title, author="Passerelle")
    doc.build(flowables)
    return out.getvalue()


def answer_expected_by(request):
    """The last business day of the group's first-answer target, in the agent's calendar."""
    return request.answer_expected_on


def receipt(request):
    """« Votre situation est suivie » for the citizen: reference, operator, expected date; no personal data."""
    s = _styles()
    operator = Operator(request.operator).label
    expected = answer_expected_by(request).strftime("%d/%m/%Y")
    parts = [
        Paragraph("Passerelle — accueil France services", s["brand"]), Spacer(1, 10),
        Paragraph("Votre situation est suivie", s["title"]),
        Paragraph(f"Votre situation est suivie par un expert de la {escape(operator)}, "
                  f"référence <b>{escape(request.reference)}</b>, réponse attendue avant le <b>{expected}</b>.", s["body"]),
        Paragraph("L'agent qui vous a reçu(e) reste votre interlocuteur du début à la fin : "
                  "il ou elle vous recontactera dès que l'expert aura répondu.", s["body"]),
        Paragraph("Gardez ce document : la référence permet de retrouver votre demande sans redonner vos informations.",
                  s["body"]),
        Spacer(1, 14),
        Paragraph("Ce récépissé ne contient aucune donnée personnelle.", s["small"]),
    ]
    return _build(f"Récépissé {request.reference}", parts)


def consent_form(organisation_name=""):
    """The consent form the agent hands over (blank: the citizen fills and signs it)."""
    s = _styles()
    kinds = "".join(f"☐ {escape(k.label)}<br/>" for k in ConsentKind)
    parts = [
        Paragraph("Passerelle — " + escape(organisation_name or "accueil France services"), s["brand"]), Spacer(1, 10),
        Paragraph("Consentement à la transmission de mes informations", s["title"]),
        Paragraph("J'accepte que l'agent d'accueil transmette mon identité et les seuls identifiants nécessaires "
                  "(numéro allocataire, NIR, numéro fiscal, identifiant France Travail, téléphone) à un expert de "
                  "l'organisme concerné, pour débloquer ma situation.", s["body"]),
        Paragraph("Ces informations sont chiffrées, vues seulement par l'agent (ou, s'il est absent, le ou la collègue "
                  "de la structure qui reprend le suivi de ma demande) et les experts qui traitent ma demande, "
                  "et effacées six mois après la clôture. Je peux retirer mon consentement à tout moment auprès de "
                  "l'agent : elles sont alors effacées immédiatement.", s["body"]),
        Paragraph("Forme du consentement", s["h2"]), Paragraph(kinds, s["body"]),
        Paragraph("Nom et prénom : ........................................................................", s["body"]),
        Paragraph("Date : ....../....../............        Signature :", s["body"]),
        Spacer(1, 40),
        Paragraph("Agent d'accueil (nom, signature) :", s["body"]),
    ]
    return _build("Formulaire de consentement", parts)


def fiche(fiche_row):
    """A fiche réflexe on one A4 page, for the desk (Markdown kept as plain paragraphs)."""
    s = _styles()
    parts = [Paragraph("Passerelle — fiche réflexe", s["brand"]), Spacer(1, 6),
             Paragraph(escape(fiche_row.title), s["title"]),
             Paragraph(f"{escape(fiche_row.operator_label)}"
                       + (f" — {escape(fiche_row.procedure.title)}" if fiche_row.procedure else ""), s["h2"])]
    for block in (fiche_row.body or "").split("\n\n")[:40]:
        text = escape(block.strip()).replace("\n", "<br/>")
        if text:
            parts.append(Paragraph(text, s["body"]))
    if fiche_row.review_on:
        parts.append(Paragraph(f"À relire le {fiche_row.review_on.strftime('%d/%m/%Y')}", s["small"]))
    return _build(fiche_row.title, parts)
