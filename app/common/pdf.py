"""What Passerelle's PDFs share (reportlab): the fonts, the colours, the escaping of texts."""
import logging
import os

from reportlab.lib import colors
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

logger = logging.getLogger(__name__)

# The standard PDF fonts (Helvetica...) miss letters of some agents' names; DejaVu covers Latin fully.
# Registered once per process under these names, whichever PDF comes first.
FONT_DIR = "/usr/share/fonts/truetype/dejavu"
FONT_FILES = {"Passerelle": "DejaVuSans.ttf", "Passerelle-Bold": "DejaVuSans-Bold.ttf"}
FALLBACK_FONTS = ("Helvetica", "Helvetica-Bold")

BLUE_FRANCE = colors.HexColor("#000091")
GREY = colors.HexColor("#666666")


def fonts():
    """(regular, bold) font names: DejaVu when installed, else Helvetica with a warning."""
    registered = pdfmetrics.getRegisteredFontNames()
    if all(name in registered for name in FONT_FILES):
        return tuple(FONT_FILES)
    paths = {name: os.path.join(FONT_DIR, file) for name, file in FONT_FILES.items()}
    missing = [path for path in paths.values() if not os.path.isfile(path)]
    if missing:
        logger.warning(
            "PDF font missing (%s): falling back to Helvetica, which lacks some letters "
            "(install fonts-dejavu-core)", ", ".join(missing)
        )
        return FALLBACK_FONTS
    for name, path in paths.items():
        pdfmetrics.registerFont(TTFont(name, path))
    return tuple(FONT_FILES)


def escape(text):
    """Text for reportlab's paragraph markup (names and titles may hold &, < or >)."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def pdf_response(data, filename, inline=False):
    """A generated PDF sent as a download (or shown in the browser when `inline`), never kept by a cache
    (it carries personal or restricted data)."""
    from flask import make_response

    response = make_response(data)
    response.mimetype = "application/pdf"
    response.headers["Content-Disposition"] = f'{"inline" if inline else "attachment"}; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
