"""PDFs of the training domain: the attestation de formation, and a lesson as a printable page."""
import io
import re
from html.parser import HTMLParser

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase.pdfmetrics import registerFontFamily
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
        ("Durée de formation en autoformation", a.duration_label),
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
    story.append(table)
    if a.activities_note:
        story += [Spacer(1, 0.2 * cm), _p(a.activities_note, s["small"])]
    story.append(_p("Compétences développées", s["heading"]))
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


# --- A lesson as a printable A4 page (the « voies de recours et délais » sheet, and any other lesson) ---

class _LessonHtml(HTMLParser):
    """Blocks of a lesson's sanitised HTML (app.common.markdown keeps a short list of tags).

    Produces ("heading", level, markup), ("paragraph", markup), ("item", depth, label, markup) and
    ("table", rows) where a row is a list of (is_header, markup); markup is reportlab paragraph markup.
    """

    INLINE = {"strong": "b", "em": "i"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks, self.lists, self.rows, self.row = [], [], None, None
        self.buffer, self.block, self.href = None, None, ""

    def _open(self, kind):
        self.buffer, self.block = [], kind

    def _close(self):
        markup = "".join(self.buffer or []).strip()
        self.buffer, block, self.block = None, self.block, None
        return markup, block

    def handle_starttag(self, tag, attrs):
        if tag in ("h2", "h3", "h4", "h5", "h6"):
            self._open(tag)
        elif tag == "p" and self.block is None:
            self._open("p")
        elif tag == "p" and self.buffer:  # a loose list item: its paragraphs on separate lines
            self.buffer.append("<br/>")
        elif tag in ("ul", "ol"):
            if self.block == "li":  # a nested list: the outer item's own text first
                markup, _ = self._close()
                kind, number = self.lists[-1]
                self.blocks.append(("item", len(self.lists), f"{number}." if kind == "ol" else "•", markup))
            self.lists.append([tag, int(dict(attrs).get("start") or 1) - 1])
        elif tag == "li":
            self.lists[-1][1] += 1
            self._open("li")
        elif tag == "table":
            self.rows = []
        elif tag == "tr":
            self.row = []
        elif tag in ("th", "td"):
            self._open(tag)
        elif tag in self.INLINE and self.buffer is not None:
            self.buffer.append(f"<{self.INLINE[tag]}>")
        elif tag == "code" and self.buffer is not None:
            self.buffer.append('<font name="Courier">')
        elif tag == "a" and self.buffer is not None:
            self.href = escape(dict(attrs).get("href") or "")
            self.buffer.append(f'<link href="{self.href}" color="#000091"><u>')
        elif tag == "br" and self.buffer is not None:
            self.buffer.append("<br/>")

    def handle_endtag(self, tag):
        if tag in ("h2", "h3", "h4", "h5", "h6") and self.block == tag:
            markup, _ = self._close()
            self.blocks.append(("heading", int(tag[1]), markup))
        elif tag == "p" and self.block == "p":
            markup, _ = self._close()
            if markup:
                self.blocks.append(("paragraph", markup))
        elif tag == "li" and self.block == "li":
            markup, _ = self._close()
            kind, number = self.lists[-1]
            label = f"{number}." if kind == "ol" else "•"
            self.blocks.append(("item", len(self.lists), label, markup))
        elif tag in ("ul", "ol") and self.lists:
            self.lists.pop()
        elif tag in ("th", "td") and self.block == tag and self.row is not None:
            markup, block = self._close()
            self.row.append((block == "th", markup))
        elif tag == "tr" and self.rows is not None and self.row is not None:
            self.rows.append(self.row)
            self.row = None
        elif tag == "table" and self.rows is not None:
            self.blocks.append(("table", self.rows))
            self.rows = None
        elif tag in self.INLINE and self.buffer is not None:
            self.buffer.append(f"</{self.INLINE[tag]}>")
        elif tag == "code" and self.buffer is not None:
            self.buffer.append("</font>")
        elif tag == "a" and self.buffer is not None:
            # On paper a link is only useful with its address printed after it.
            self.buffer.append("</u></link>")
            if self.href.startswith(("http://", "https://")):
                self.buffer.append(f' <font size="7" color="#666666">({self.href})</font>')

    def handle_data(self, data):
        if self.buffer is not None:
            self.buffer.append(escape(re.sub(r"\s+", " ", data)))


def _lesson_blocks(body_html):
    parser = _LessonHtml()
    parser.feed(str(body_html))
    parser.close()
    return parser.blocks


def lesson_pdf(module_title, lesson):
    """A lesson (reference.LessonRef) as PDF bytes: A4, landscape when a table has five columns or more."""
    regular, bold = fonts()
    if regular == "Passerelle":
        registerFontFamily("Passerelle", normal="Passerelle", bold="Passerelle-Bold", italic="Passerelle",
                           boldItalic="Passerelle-Bold")
    s = _styles(regular, bold)
    s["title"] = ParagraphStyle("lesson_title", parent=s["title"], fontSize=18, leading=23, spaceAfter=6)
    s["h2"] = ParagraphStyle("h2", parent=s["heading"], fontSize=13, leading=17)
    s["h3"] = ParagraphStyle("h3", parent=s["heading"], fontSize=11.5, leading=15, spaceBefore=10)
    s["cell"] = ParagraphStyle("lesson_cell", fontName=regular, fontSize=8.5, leading=11)
    s["cell_head"] = ParagraphStyle("lesson_cell_head", fontName=bold, fontSize=8.5, leading=11)
    blocks = _lesson_blocks(lesson.body_html)
    wide = any(kind == "table" and max((len(row) for row in block[0]), default=0) >= 5
               for kind, *block in blocks)
    pagesize = landscape(A4) if wide else A4
    margin = 1.5 * cm
    width = pagesize[0] - 2 * margin
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=pagesize, leftMargin=margin, rightMargin=margin, topMargin=margin, bottomMargin=margin,
        title=f"{lesson.title} — {module_title}", author="Passerelle", subject=module_title, creator="Passerelle",
        lang="fr-FR",
    )
    story = [_p(f"Passerelle — {module_title}", s["brand"]), Spacer(1, 0.3 * cm), _p(lesson.title, s["title"])]
    review = []
    if lesson.updated_on:
        review.append(f"Mise à jour le {lesson.updated_on.strftime('%d/%m/%Y')}")
    if lesson.reviewed_by:
        review.append(f"relue par : {lesson.reviewed_by}")
    if review:
        story.append(_p(", ".join(review), s["small"]))
    if lesson.verification_pending:
        story.append(_p("Contenu en cours de vérification : une information de cette leçon attend la "
                        "confirmation de sa source officielle.", s["body"]))
    for kind, *block in blocks:
        if kind == "heading":
            level, markup = block
            story.append(Paragraph(markup, s["h2"] if level <= 2 else s["h3"]))
        elif kind == "paragraph":
            story.append(Paragraph(block[0], s["body"]))
        elif kind == "item":
            depth, label, markup = block
            story.append(Paragraph(markup, ParagraphStyle(f"item{depth}", parent=s["body"], leftIndent=14 * depth,
                                                          bulletIndent=14 * depth - 10), bulletText=label))
        elif kind == "table":
            rows = block[0]
            columns = max(len(row) for row in rows)
            data = [[Paragraph(markup, s["cell_head"] if head else s["cell"]) for head, markup in row]
                    + [""] * (columns - len(row)) for row in rows]
            table = Table(data, colWidths=[width / columns] * columns, repeatRows=1, hAlign="LEFT")
            table.setStyle(TableStyle([
                ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#bbbbbb")),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]))
            story += [Spacer(1, 0.2 * cm), table, Spacer(1, 0.2 * cm)]
    story += [Spacer(1, 0.6 * cm),
              _p("Fiche imprimée depuis Passerelle : la version en ligne fait référence.", s["small"])]
    doc.build(story)
    return buffer.getvalue()


# --- The trainer's kit of a module (HR and tutors): objectives, timing, role-plays, grids, answer key ---

def _bullets(texts, style, regular, numbered=False):
    items = [ListItem(_p(text, style), leftIndent=12) for text in texts]
    if numbered:
        return ListFlowable(items, bulletType="1", bulletFontName=regular, leftIndent=14)
    return ListFlowable(items, bulletType="bullet", start="•", bulletFontName=regular, leftIndent=12)


def trainer_kit_pdf(kit):
    """The trainer's kit of a module as PDF bytes (A4, French); it holds the quiz's answer key."""
    regular, bold = fonts()
    s = _styles(regular, bold)
    s["box"] = ParagraphStyle("box", parent=s["body"], leftIndent=12, spaceAfter=2)
    v = kit.version
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=2 * cm, rightMargin=2 * cm, topMargin=2 * cm, bottomMargin=2 * cm,
        title=f"Kit du formateur — {v.title}", author="Passerelle", subject="Kit du formateur (corrigé inclus)",
        creator="Passerelle", lang="fr-FR",
    )
    story = [
        _p("Passerelle — Kit du formateur (document réservé : corrigé du quiz inclus)", s["brand"]),
        Spacer(1, 0.4 * cm),
        _p(v.title, s["title"]),
        _p(v.summary, s["body"]),
        _p("Objectifs", s["heading"]),
    ]
    story.append(_bullets([
        f"{o.code} — {o.title} (niveau {o.level}{' : ' + o.level_label.lower() if o.level_label else ''})"
        + (f" : {o.descriptor}" if o.descriptor else "") for o in kit.objectives], s["body"], regular))
    t = kit.timing
    story.append(_p(f"Déroulé suggéré : {t.total_minutes} min ({t.declared_label})", s["heading"]))
    table = Table([[_p(slot.label, s["cell"]), _p(f"{slot.minutes} min", s["cell"])] for slot in t.slots],
                  colWidths=[14 * cm, 3 * cm], hAlign="LEFT")
    table.setStyle(TableStyle([
        ("LINEBELOW", (0, 0), (-1, -1), 0.5, colors.HexColor("#dddddd")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    story += [table, Spacer(1, 0.2 * cm), _p(f"Calcul : {t.rule}", s["small"])]
    trainer = kit.trainer
    if trainer and (trainer.activities or trainer.notes):
        story.append(_p("Activités et notes pour le formateur", s["heading"]))
        if trainer.notes:
            story.append(_p(trainer.notes, s["body"]))
        if trainer.activities:
            story.append(_bullets(trainer.activities, s["body"], regular))
    story.append(_p("Jeux de rôle", s["heading"]))
    if trainer and trainer.role_plays:
        for play in trainer.role_plays:
            story += [
                _p(f"{play.title} ({play.duration_minutes} min)", s["module"]),
                _p(f"Compétences observées : {', '.join(play.competencies)}", s["body"]),
                _p(f"Situation : {play.situation}", s["body"]),
                _p(f"Consigne pour la personne qui joue l'agent : {play.agent_brief}", s["body"]),
                _p(f"Consigne pour la personne qui joue l'usager (à ne pas lire à l'agent) : {play.visitor_brief}",
                   s["body"]),
            ]
            if play.steps:
                story += [_p("Déroulé :", s["body"]), _bullets(play.steps, s["body"], regular, numbered=True)]
            story += [_p("Débriefing :", s["body"]), _bullets(play.debrief, s["body"], regular)]
    else:
        story.append(_p("Ce module n'a pas encore de script de jeu de rôle : construisez une mise en situation à "
                        "partir des cas des leçons et observez-la avec les grilles.", s["body"]))
    story.append(_p("Grilles d'observation", s["heading"]))
    if kit.grids:
        for grid in kit.grids:
            story.append(_p(f"{grid.code} — {grid.title}", s["module"]))
            for level, label, texts in grid.levels:
                story.append(_p(f"Niveau {level}" + (f" — {label}" if label else ""), s["cell_label"]))
                story += [_p(f"☐ {text}", s["box"]) for text in texts]  # a box to tick on paper
    else:
        story.append(_p("Aucune grille d'observation n'est importée pour les compétences de ce module.", s["body"]))
    story.append(_p("Corrigé du quiz", s["heading"]))
    if kit.questions:
        story.append(_p(f"Seuil de réussite : {v.pass_mark} %.", s["body"]))
        for number, question in enumerate(kit.questions, 1):
            kind = "plusieurs réponses" if question.type == "multiple" else "une réponse"
            story.append(_p(f"Question {number} ({kind}) : {question.text}", s["cell_label"]))
            lines = []
            for choice in question.choices:
                mark = "Bonne réponse : " if choice.is_correct else "Mauvaise réponse : "
                lines.append(mark + choice.text + (f" — {choice.explanation}" if choice.explanation else ""))
            story += [_bullets(lines, s["body"], regular), _p(f"Explication : {question.explanation}", s["body"]),
                      Spacer(1, 0.2 * cm)]
    else:
        story.append(_p("Ce module n'a pas de quiz dans Passerelle (module au format paquet SCORM).", s["body"]))
    doc.build(story)
    return buffer.getvalue()
