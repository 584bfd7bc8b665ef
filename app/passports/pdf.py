"""Passport documents as PDF: the passport (with its QR code and verification URL) and the VAE
dossier. Each function takes a document object and returns bytes."""
import functools
import io
import itertools
import re

from reportlab.graphics.barcode import qrencoder
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.lib.utils import simpleSplit
from reportlab.platypus import Flowable, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from app.common.pdf import BLUE_FRANCE, GREY, escape, fonts

GREEN = colors.HexColor("#18753c")
RULE = colors.HexColor("#dddddd")
HEAD = colors.HexColor("#eeeeee")
QR_SIZE = 3.6 * cm


def _styles(regular, bold):
    base = {"fontName": regular, "fontSize": 9.5, "leading": 12.5}
    return {
        "brand": ParagraphStyle("brand", **{**base, "fontName": bold, "textColor": BLUE_FRANCE}),
        "title": ParagraphStyle("title", fontName=bold, fontSize=20, leading=26, spaceAfter=8,
                                textColor=BLUE_FRANCE),
        "name": ParagraphStyle("name", fontName=bold, fontSize=14, leading=19, spaceAfter=2),
        "body": ParagraphStyle("body", **base),
        "heading": ParagraphStyle("heading", fontName=bold, fontSize=11.5, leading=15, spaceBefore=12,
                                  spaceAfter=5, textColor=BLUE_FRANCE),
        "subheading": ParagraphStyle("subheading", fontName=bold, fontSize=10.5, leading=14, spaceBefore=8,
                                     spaceAfter=3),
        # Long URLs break anywhere (no hyphen is added), one line per chunk.
        "url": ParagraphStyle("url", fontName=regular, fontSize=8, leading=10.5, textColor=BLUE_FRANCE,
                              splitLongWords=1, hyphenationLang=""),
        "small": ParagraphStyle("small", fontName=regular, fontSize=8, leading=11, textColor=GREY),
        "statement": ParagraphStyle("statement", fontName=regular, fontSize=9.5, leading=13, leftIndent=10,
                                    spaceAfter=6),
    }


def _wrap(text, font, width, size=8.5):
    return simpleSplit(text, font, size, width) or [""]


def _p(text, style):
    return Paragraph(escape(text), style)


def _doc(buffer, title, subject):
    return SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=1.8 * cm, rightMargin=1.8 * cm, topMargin=1.6 * cm,
        bottomMargin=1.6 * cm, title=title, author="Passerelle", subject=subject, creator="Passerelle",
        lang="fr-FR",
    )


def _table_style(regular, bold, rows):
    commands = [
        ("FONT", (0, 0), (-1, -1), regular, 8.5, 10.5),
        ("FONT", (0, 0), (-1, 0), bold, 8.5, 10.5),
        ("BACKGROUND", (0, 0), (-1, 0), HEAD),
        ("LINEBELOW", (0, 0), (-1, -1), 0.5, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    # The guaranteed mark stands out (bold, green); an expired validity is bold.
    for i, row in enumerate(rows[1:], start=1):
        if row[2] == "Garantie":
            commands += [("FONT", (2, i), (2, i), bold, 8.5, 10.5), ("TEXTCOLOR", (2, i), (2, i), GREEN)]
        if row[4].startswith("Échue"):
            commands.append(("FONT", (4, i), (4, i), bold, 8.5, 10.5))
    return TableStyle(commands)


HEADER = ["Compétence et niveau", "Niv.", "Provenance", "Validation", "Validité"]
# Each header and provenance label fits its column with its padding (they used to run together).
COLUMNS = [6.8 * cm, 1.0 * cm, 2.6 * cm, 4.3 * cm, 2.7 * cm]


RUN = re.compile(r"0{5,}|1{5,}")
FINDER_LIKE = ("10111010000", "00001011101")


def _mask_penalty(rows, size):
    """The QR specification's penalty score (ISO/IEC 18004, 7.8.3) of a symbol given as row bit masks."""
    lines = [format(row, f"0{size}b") for row in rows]
    score = 0
    for line in lines + ["".join(col) for col in zip(*lines, strict=True)]:
        score += sum(len(run) - 2 for run in RUN.findall(line))  # 3 + (run - 5)
        score += 40 * sum(line.count(pattern) for pattern in FINDER_LIKE)
    inner = (1 << (size - 1)) - 1
    for a, b in itertools.pairwise(rows):
        same_block = ~(a ^ b) & ~(a ^ (a >> 1)) & ~(b ^ (b >> 1)) & inner
        score += 3 * bin(same_block).count("1")
    dark = sum(row.bit_count() for row in rows)
    return score + 10 * (abs(100 * dark // (size * size) - 50) // 5)


@functools.lru_cache(maxsize=64)
def _mask_rows(mask, size):
    """Mask pattern `mask` as one bit mask per row (leftmost module = highest bit)."""
    condition = qrencoder.QRUtil.getMask(mask)
    return tuple(
        sum(1 << (size - 1 - c) for c in range(size) if condition(r, c)) for r in range(size)
    )


def _rows(modules):
    return [int("".join("1" if m else "0" for m in row), 2) for row in modules]


@functools.lru_cache(maxsize=64)
def qr_modules(data):
    """The module matrix (rows of booleans) of a QR code (level M) for data, with the best of the 8 masks.

    The symbol is laid out once; each mask is then applied to the data modules with integer row
    operations and scored. reportlab's own make() lays the symbol out 9 times and is about four
    times slower (any mask is valid for readers: the penalty only avoids hard-to-scan patterns).
    Cached: the same document downloaded again (same day, same entries) has the same URL.
    """
    code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    code.addData(data)
    code.version = code.calculate_version()
    code.makeImpl(True, 0)  # format information left blank while masks are compared, as specified
    size = code.moduleCount
    data_cells, data_bits = [0] * size, [0] * size
    for (col, row), dark in itertools.zip_longest(code.dataPosIterator(), code.dataBitIterator(code.dataCache),
                                                  fillvalue=False):
        bit = 1 << (size - 1 - col)
        data_cells[row] |= bit
        if dark:
            data_bits[row] |= bit
    fixed = [row & ~cells for row, cells in zip(_rows(code.modules), data_cells, strict=True)]
    scores = []
    for mask in range(8):
        pattern = _mask_rows(mask, size)
        rows = [fixed[r] | ((data_bits[r] ^ pattern[r]) & data_cells[r]) for r in range(size)]
        scores.append((_mask_penalty(rows, size), mask))
    code.makeImpl(False, min(scores)[1])
    return tuple(tuple(bool(m) for m in row) for row in code.modules)


class QrCode(Flowable):
    """A QR code drawn straight on the canvas, one rectangle per run of dark modules.

    reportlab's QrCodeWidget encodes the data twice and builds one shape per run; this flowable
    encodes once and draws directly, which keeps a passport PDF well under its time budget.
    """

    QUIET = 4  # modules of white margin on each side (the quiet zone the specification asks for)

    def __init__(self, data, size):
        super().__init__()
        self.modules = qr_modules(data)
        self.size = size
        self.width = self.height = size

    def wrap(self, available_width, available_height):
        return self.size, self.size

    def draw(self):
        count = len(self.modules)
        box = self.size / (count + 2 * self.QUIET)
        canvas = self.canv
        canvas.setFillColor(colors.black)
        path = canvas.beginPath()
        for r, row in enumerate(self.modules):
            y = self.size - (r + self.QUIET + 1) * box
            c = 0
            for dark, run in itertools.groupby(row):
                length = len(list(run))
                if dark:
                    path.rect((c + self.QUIET) * box, y, length * box, box)
                c += length
        canvas.drawPath(path, stroke=0, fill=1)


def passport_pdf(document):
    """The passport (a documents.PassportDocument) as PDF bytes (A4, French)."""
    regular, bold = fonts()
    s = _styles(regular, bold)
    d = document
    buffer = io.BytesIO()
    doc = _doc(buffer, f"Passeport de compétences — {d.holder_name}",
               f"Passeport de compétences de {d.holder_name}, établi le {d.issued_label}")
    story = [
        _p("Passerelle — Passeport de compétences des professionnels de l'accueil", s["brand"]),
        Spacer(1, 0.4 * cm),
        _p("Passeport de compétences", s["title"]),
        _p(d.holder_name, s["name"]),
        _p(f"Document établi le {d.issued_label} — {d.entry_count} compétence(s) inscrite(s).", s["body"]),
        Spacer(1, 0.2 * cm),
        _p("Provenance : « Garantie » = validée par un service RH, ou issue d'une formation ou d'une "
           "certification ; « Déclarée » = déclarée par l'agent, pas encore validée.", s["small"]),
    ]
    if not d.groups:
        story.append(_p("Aucune compétence n'est encore inscrite à ce passeport.", s["body"]))
    header = HEADER
    # Plain strings, wrapped here once: Paragraph cells would be laid out several times per table.
    pad = 6
    for group in d.groups:
        rows = [header]
        for e in group.entries:
            level = f"niveau {e.level}" + (f" : {e.level_label}" if e.level_label else "")
            competency = _wrap(f"{e.competency_code} — {e.competency_title}", regular, COLUMNS[0] - pad)
            rows.append([
                "\n".join(competency + _wrap(level, regular, COLUMNS[0] - pad)),
                str(e.level),
                e.provenance_label,
                "\n".join(_wrap(e.validation_label, regular, COLUMNS[3] - pad)),
                "\n".join(_wrap(e.validity_label, regular, COLUMNS[4] - pad)),
            ])
        table = Table(rows, colWidths=COLUMNS, repeatRows=1, hAlign="LEFT")
        table.setStyle(_table_style(regular, bold, rows))
        story += [_p(f"{group.code} — {group.title}", s["heading"]), table]
    if d.verification_url is None:  # the holder withdrew their links
        verify = _p("Ce document n'a pas de lien de vérification : son titulaire les a retirés.", s["body"])
    else:
        url = escape(d.verification_url)
        verify = Table(
            [[QrCode(d.verification_url, QR_SIZE), [
                _p("Vérifier ce document", s["subheading"]),
                _p("Scannez le code ou ouvrez l'adresse ci-dessous : la page indique si ce passeport est "
                   "authentique et si chaque compétence est toujours valide.", s["body"]),
                Spacer(1, 0.15 * cm),
                Paragraph(f'<link href="{url}">{url}</link>', s["url"]),
                Spacer(1, 0.15 * cm),
                _p(f"Lien valable jusqu'au {d.link_expires_label}.", s["small"]),
            ]]],
            colWidths=[QR_SIZE + 0.4 * cm, 17.4 * cm - QR_SIZE - 0.4 * cm], hAlign="LEFT",
        )
        verify.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    story += [
        Spacer(1, 0.5 * cm),
        KeepTogether([verify]),
        Spacer(1, 0.3 * cm),
        _p("Document établi par Passerelle à la demande de son titulaire.", s["small"]),
    ]
    doc.build(story)
    return buffer.getvalue()


def vae_dossier_pdf(dossier):
    """The VAE dossier (a vae.VaeDossier) as PDF bytes: certification, blocks, the agent's text."""
    regular, bold = fonts()
    s = _styles(regular, bold)
    d = dossier
    buffer = io.BytesIO()
    doc = _doc(buffer, f"Dossier VAE — {d.certification_title}",
               f"Dossier de VAE de {d.holder_name} : {d.certification_title}")
    rncp = f" — {d.rncp}" if d.rncp else ""
    story = [
        _p("Passerelle — Validation des acquis de l'expérience", s["brand"]),
        Spacer(1, 0.4 * cm),
        _p("Dossier de VAE", s["title"]),
        _p(d.holder_name, s["name"]),
        _p(f"Certification visée : {d.certification_title} ({d.certification_code}{rncp}), "
           f"niveau {d.certification_level}", s["body"]),
        _p(f"Étape de la candidature : {d.status_label} — dossier établi le {d.issued_on.strftime('%d/%m/%Y')}.",
           s["body"]),
    ]
    for block in d.blocks:
        state = " — bloc validé par le jury" if block.validated else ""
        story.append(_p(f"Bloc {block.code} — {block.title}{state}", s["heading"]))
        story.append(_p(f"Couverture par les compétences validées du passeport : {block.covered_count} sur "
                        f"{len(block.competencies)} ({block.percent} %).", s["small"]))
        for c in block.competencies:
            held = f"niveau {c.validated_level} validé" if c.validated_level else "pas encore validée"
            story.append(_p(f"{c.code} — {c.title} ({held})", s["subheading"]))
            text = c.statement.strip() or "(Pas encore de récit pour cette compétence.)"
            for paragraph in text.split("\n\n"):
                story.append(Paragraph(escape(paragraph).replace("\n", "<br/>"), s["statement"]))
    story += [Spacer(1, 0.5 * cm), _p("Dossier préparé avec Passerelle.", s["small"])]
    doc.build(story)
    return buffer.getvalue()
