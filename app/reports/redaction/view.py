"""The normalised view of a text that the detectors read, and the masking of what they find.

The view is NFKC-normalised (full-width digits and "＠" become ASCII, typographic spaces plain ones),
format characters (zero-width spaces, soft hyphens...) are removed, and %XX escapes are decoded in
URL-like tokens (`?email=jean%40gmail.com`). Each character of the view remembers the part of the
original text it comes from, so what a detector finds is masked in the original text, separators
and escapes included.
"""
import re
import unicodedata

from app.reports.redaction.kinds import MARKERS

# Word processors put no-break or thin spaces and no-break hyphens inside numbers (NFKC turns most
# spaces into plain ones; hyphens are kept by NFKC).
_PLAIN = str.maketrans(
    dict.fromkeys("\u00a0\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f", " ")
    | dict.fromkeys("\u2010\u2011\u2012", "-")
)
_PERCENT = re.compile(r"%([0-9A-Fa-f]{2})")
_TOKEN = re.compile(r"\S+")


def _url_escapes(text):
    """{position: (character, length)} of the %XX escapes (printable ASCII) to decode.

    Only in URL-like tokens: a query string or a scheme, or no literal "@" (an address written
    `jean%40gmail.com`); a plain address whose local part holds a "%" stays as it is.
    """
    escapes = {}
    if "%" not in text:
        return escapes
    for token in _TOKEN.finditer(text):
        value = token.group()
        if "%" not in value or not ("?" in value or "://" in value or "@" not in value):
            continue
        for m in _PERCENT.finditer(value):
            code = int(m.group(1), 16)
            if 0x20 <= code < 0x7F:
                escapes[token.start() + m.start()] = (chr(code), 3)
    return escapes


def normalise(text):
    """(view, origin): the text detectors read, and for each of its characters the (start, end)
    of the original characters it comes from."""
    if text.isascii() and "%" not in text:
        return text, None  # the view is the text itself
    escapes = _url_escapes(text)
    chars, origin = [], []
    position, length = 0, len(text)
    while position < length:
        if position in escapes:
            char, size = escapes[position]
            chars.append(char)
            origin.append((position, position + size))
            position += size
            continue
        char = text[position]
        if not char.isascii():
            if unicodedata.category(char) == "Cf":  # zero-width spaces, soft hyphens, joiners...
                position += 1
                continue
            char = unicodedata.normalize("NFKC", char).translate(_PLAIN)
        for piece in char:
            chars.append(piece)
            origin.append((position, position + 1))
        position += 1
    return "".join(chars), origin


def to_original(spans, origin):
    if origin is None:
        return spans
    return [(origin[start][0], origin[end - 1][1], kind) for start, end, kind in spans]


def mask(text, spans, found):
    """Replace each span by its kind's marker; count them in `found` when given."""
    pieces, position = [], 0
    for start, end, kind in spans:
        pieces.append(text[position:start])
        pieces.append(MARKERS[kind])
        if found is not None:
            found[kind] += 1
        position = end
    pieces.append(text[position:])
    return "".join(pieces)


def mask_view(view, origin, spans, found):
    chars, points, position = [], [], 0
    for start, end, kind in spans:
        chars.append(view[position:start])
        points.extend(origin[position:start])
        marker = MARKERS[kind]
        chars.append(marker)
        points.extend([(origin[start][0], origin[end - 1][1])] * len(marker))
        found[kind] += 1
        position = end
    chars.append(view[position:])
    points.extend(origin[position:])
    return "".join(chars), points
