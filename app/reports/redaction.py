"""Masking of personal identifiers in free text before a report is stored.

`redact(text)` replaces French identifiers, contact details and names after a civility by a
marker and counts them; it keeps no value. Libraries check what has a checksum or a numbering
plan (python-stdnum: IBAN, Luhn, numéro fiscal; phonenumbers: telephone numbers); regular
expressions cover what has neither (NIR with any key, numbers recognised by their context words,
e-mail addresses spelled out, names).

Detectors read a normalised copy of the text (the "view"): NFKC (full-width digits and "＠"
become ASCII, typographic spaces plain ones), format characters (zero-width spaces, soft
hyphens...) removed, and %XX escapes decoded in URL-like tokens (`?email=jean%40gmail.com`).
Each character of the view remembers the part of the original text it comes from, so what a
detector finds is masked in the original text, separators and escapes included.
Detectors run one after the other on the view already masked by the previous ones, most
specific first (an e-mail address may contain digits, an IBAN contains NIR-sized runs...).
Markers contain no digit, no "@" and start with "[", so a later detector never matches inside one.
"""
import re
import unicodedata
from dataclasses import dataclass, field

import phonenumbers
from stdnum import iban as stdnum_iban
from stdnum import luhn
from stdnum.fr import nif

KINDS = (
    "nir",
    "caf_number",
    "tax_number",
    "france_travail_id",
    "iban",
    "card",
    "phone",
    "email",
    "name",
)

MARKERS = {
    "nir": "[NIR masqué]",
    "caf_number": "[n° allocataire masqué]",
    "tax_number": "[n° fiscal masqué]",
    "france_travail_id": "[identifiant France Travail masqué]",
    "iban": "[IBAN masqué]",
    "card": "[carte masquée]",
    "phone": "[téléphone masqué]",
    "email": "[e-mail masqué]",
    "name": "[nom masqué]",
}


@dataclass(frozen=True)
class RedactionResult:
    """The masked text and, per kind of identifier, how many were masked."""

    text: str
    found: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))

    @property
    def total(self):
        return sum(self.found.values())


# Word processors put no-break or thin spaces and no-break hyphens inside numbers (NFKC turns most
# spaces into plain ones; hyphens are kept by NFKC).
_PLAIN = str.maketrans(
    dict.fromkeys("\u00a0\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f", " ")
    | dict.fromkeys("\u2010\u2011\u2012", "-")
)
# Separators people type inside long numbers: one punctuation sign with spaces or tabs around it,
# or a run of spaces and tabs ("2  84\t05", "2 / 84 / 05", "2_84_05", "2,84,05").
_SEP = r"(?:[ \t]*[.\-/_,][ \t]*|[ \t]+)"
# A number must not continue a longer one: no digit or letter glued before or after,
# and no "digit + separator" before / "separator + digit" after (decimals, dates, ranges).
_BEFORE = r"(?<![0-9A-Za-z])(?<![0-9][.,\-/])"
_AFTER = r"(?![0-9A-Za-z])(?![.,\-/][0-9])"

# --- e-mail -------------------------------------------------------------------------------
# Local part: the RFC 5322 "atext" characters; domain: labels and at least one dot (a final
# full stop is punctuation and stays).
_EMAIL_LOCAL = r"[\w.!#$%&'*+/=?^`{|}~\-]"
_EMAIL = re.compile(rf"(?<!{_EMAIL_LOCAL}){_EMAIL_LOCAL}+@[\w\-]+(?:\.[\w\-]+)+")
# Written to dodge filters: "jean @ gmail.com", "jean arobase gmail.com", "jean.dupont at gmail dot com",
# "jean(at)gmail(point)com". The local part is a plain one; the domain ends with a top-level label.
_LOOSE_LOCAL = r"[\w.+\-']"
_LOOSE_AT = (
    r"(?:[ \t]*(?:@|[(\[](?:at|arr?obase)[)\]])[ \t]*"
    r"|[ \t]+(?:at|arr?obase)[ \t]+)"
)
_LOOSE_DOT = r"(?:\.|[ \t]*[(\[](?:dot|point)[)\]][ \t]*|[ \t]+(?:dot|point)[ \t]+)"
_EMAIL_LOOSE = re.compile(
    rf"(?<!{_LOOSE_LOCAL}){_LOOSE_LOCAL}+{_LOOSE_AT}[\w\-]+(?:{_LOOSE_DOT}[\w\-]+)*?{_LOOSE_DOT}[A-Za-z]{{2,12}}"
    r"(?![\w\-])",
    re.IGNORECASE,
)
_AT_HINT = re.compile(r"@|\b(?:at|arr?obase)\b", re.IGNORECASE)

# --- IBAN ---------------------------------------------------------------------------------
# Longest run that could be an IBAN; the checksum then decides where it really ends. Groups may be
# separated by spaces (several), dots or hyphens; "FR 76 ..." with a space only in capitals.
_IBAN_SEP = r"(?:[ \t]{1,3}|[ \t]?[.\-][ \t]?)"
_IBAN_RUN = re.compile(
    rf"(?<![0-9A-Za-z])(?:[A-Z]{{2}}{_IBAN_SEP}|[A-Za-z]{{2}})[0-9]{{2}}(?:{_IBAN_SEP}?[0-9A-Za-z]){{11,32}}"
)

# --- payment card -------------------------------------------------------------------------
_CARD_SEP = r"(?:[ \t]{1,3}|[.\-])?"
_CARD = re.compile(
    _BEFORE
    + rf"(?:[2-6][0-9]{{3}}{_CARD_SEP}[0-9]{{4}}{_CARD_SEP}[0-9]{{4}}{_CARD_SEP}[0-9]{{4}}"
    + rf"|3[47][0-9]{{2}}{_CARD_SEP}[0-9]{{6}}{_CARD_SEP}[0-9]{{5}})"
    + _AFTER
)

# --- numéro fiscal (SPI) ------------------------------------------------------------------
# As printed on the notice (2-2-3-3-3, or glued), even when another number follows...
_TAX = re.compile(
    _BEFORE
    + r"[0-3][0-9](?P<s>[ .]?)[0-9]{2}(?P=s)[0-9]{3}(?P=s)[0-9]{3}(?P=s)[0-9]{3}"
    + _AFTER
)
# ... and in any grouping of its 13 digits, when the whole run of digits is exactly those 13.
_TAX_SEP = r"(?:[ \t]*[.\-_][ \t]*|[ \t]+)"
_DIGIT_RUN = re.compile(rf"(?<![0-9A-Za-z])(?<![0-9][.,\-/])[0-9](?:{_TAX_SEP}?[0-9])*(?![0-9A-Za-z])")
_FISCAL_CONTEXT = re.compile(r"fisc|\bSPI\b|imp[ôo]ts?|dgfip|imposition", re.IGNORECASE)
_NIR_CONTEXT = re.compile(
    r"\bNIR\b|s[ée]cu|assur[ée]|\bINSEE\b|vitale|ameli", re.IGNORECASE
)
_CONTEXT_WINDOW = 80

# --- NIR ----------------------------------------------------------------------------------
# sex, year, month (01-12, or 20-42 / 50-99 for unknown or provisional months), département
# (2A/2B for Corsica), commune, order number, then an optional key that is NOT checked: a
# mistyped key is still somebody's number.
_MONTH = r"(?:0[1-9]|1[0-2]|[235-9][0-9]|4[0-2])"
_NIR = re.compile(
    _BEFORE
    + rf"[12]{_SEP}?[0-9]{{2}}{_SEP}?{_MONTH}{_SEP}?(?:[0-9]{{2}}|2[ABab])"
    + rf"{_SEP}?[0-9]{{3}}{_SEP}?[0-9]{{3}}(?:{_SEP}?[0-9]{{2}})?"
    + _AFTER
)

# --- numbers recognised by their context words --------------------------------------------
_NUMBER_WORD = r"(?:n\s?[°º˚]|no\.?|num(?:[ée]ro)?\.?|matricule|identifiant)"


def _gap(other_contexts):
    """Between a context and its number: a few words, but no digit, no sentence or clause
    break, no marker (so masking never makes a new match appear) and no word announcing
    another kind of identifier."""
    return rf"(?:(?!{other_contexts})[^0-9\n.;,!?\[\]]){{0,40}}?"


_TIGHT_GAP = r"[^\S\n]*(?:[:=][^\S\n]*|(?:n\s?[°º˚]|est(?:\s+le)?)[^\S\n]*:?[^\S\n]*)?"
_APOS = r"['’]"

_CAF_STRONG = (
    rf"{_NUMBER_WORD}\s*(?:d{_APOS}\s*|de\s+l{_APOS}\s*)?(?:allocataires?|alloc\.?)(?:\s+CAF\b)?"
    rf"|{_NUMBER_WORD}\s*(?:de\s+(?:la\s+)?)?CAF\b"
)
_CAF_WEAK = r"\ballocataires?\b|\bCAF\b"
_CAF_ID = r"(?<![0-9A-Za-z])(?P<id>0?[0-9]{7})(?![0-9A-Za-z])(?![.,\-/][0-9])"
_CAF_GAP = _gap(r"france|p[ôo]le|emploi|fisc|\bSPI\b|\bNIR\b|s[ée]cu|t[ée]l|mail")
_CAF = re.compile(
    rf"(?:(?:{_CAF_STRONG}){_CAF_GAP}|(?:{_CAF_WEAK}){_TIGHT_GAP}){_CAF_ID}",
    re.IGNORECASE,
)
# "n° allocataire 1234567 et 7654321": the context words cover the whole list.
_LIST_JOIN = r"[^\S\n]*(?:[,/&][^\S\n]*(?:(?:et|ou)\b[^\S\n]*)?|\b(?:et|ou)\b[^\S\n]*)"
_CAF_NEXT = re.compile(_LIST_JOIN + _CAF_ID, re.IGNORECASE)

_FT_NAME = rf"(?:France[\s\-]*Travail|P[ôo]le[\s\-]*emploi|demandeur\s+d{_APOS}\s*emploi)"
_FT_STRONG = (
    rf"{_NUMBER_WORD}\s*(?:d{_APOS}\s*inscription\s*)?(?:de\s+|d{_APOS}\s*|à\s+|au\s+)?"
    rf"(?:{_FT_NAME}|\bFT\b|\bPE\b)"
)
# Seven digits and a letter (eight digits for some old registrations): distinctive enough
# to accept after any mention of the service.
_FT_ID_LETTER = r"(?P<id>[0-9]{7,8}(?:[A-Za-z]|(?-i:[ \u00a0][A-Z])))(?![0-9A-Za-z])"
_FT_ID_DIGITS = r"(?P<id>[0-9]{7})(?![0-9A-Za-z])(?![.,\-/][0-9])"
_FT_GAP = _gap(r"allocataire|\bCAF\b|fisc|\bSPI\b|\bNIR\b|s[ée]cu|t[ée]l|mail")
_FT_LETTER = re.compile(
    rf"(?:{_FT_STRONG}|{_FT_NAME}){_FT_GAP}(?<![0-9A-Za-z]){_FT_ID_LETTER}", re.IGNORECASE
)
_FT_NEXT = re.compile(_LIST_JOIN + rf"(?<![0-9A-Za-z]){_FT_ID_LETTER}", re.IGNORECASE)
# Seven digits alone (letter forgotten): only right after an explicit identifier phrase.
_FT_DIGITS = re.compile(rf"(?:{_FT_STRONG}){_TIGHT_GAP}(?<![0-9A-Za-z]){_FT_ID_DIGITS}", re.IGNORECASE)

# --- telephone ----------------------------------------------------------------------------
# Overseas départements have their own country codes; written nationally (0590...), their
# numbers are only valid for phonenumbers in their own region.
_OVERSEAS_PREFIXES = {
    "590": "GP", "690": "GP", "691": "GP",
    "594": "GF", "694": "GF",
    "596": "MQ", "696": "MQ", "697": "MQ",
    "262": "RE", "263": "RE", "692": "RE", "693": "RE",
    "269": "YT", "639": "YT",
}
_OVERSEAS = re.compile(r"(?<![0-9])0(" + "|".join(_OVERSEAS_PREFIXES) + r")")
# Enough digits for a phone number (8 or more, separators allowed) or an international "+".
_PHONE_HINT = re.compile(r"\+|[0-9](?:[^0-9\n]{0,4}[0-9]){7}")
# The French written forms, even outside the ranges phonenumbers knows as allocated
# (a number from a new range, or mistyped, is still somebody's number).
_PHONE_FORMS = re.compile(
    r"(?<![0-9A-Za-z+])(?<![0-9][ .\-])"
    r"(?:0[1-9](?P<a>[ \t]{1,3}|[.\-/_])[0-9]{2}(?:(?P=a)[0-9]{2}){3}"
    r"|0[1-9][0-9]{2}(?P<b>[ \t]{1,3}|[.\-_])[0-9]{2}(?:(?P=b)[0-9]{2}){2}"
    r"|(?:\+|00)33[ .\-]?(?:\(0\)[ .\-]?)?[1-9](?:[ .\-]?[0-9]{2}){4})"
    r"(?![0-9A-Za-z])(?![ .\-][0-9])"
)


def _merge(spans):
    """Sorted, non-overlapping (start, end, kind) spans; the first found wins an overlap."""
    merged = []
    for start, end, kind in sorted(spans):
        if merged and start < merged[-1][1]:
            last_start, last_end, last_kind = merged[-1]
            merged[-1] = (last_start, max(last_end, end), last_kind)
        else:
            merged.append((start, end, kind))
    return merged


def _find_emails(text):
    if not _AT_HINT.search(text):
        return []
    spans = []
    for m in _EMAIL.finditer(text):
        start = m.start()
        local = m.group()[:m.group().index("@")]
        # Pasted from an address bar ("...?id=1&email=jean@gmail.com"): the address is after the last "=".
        if "?" in local and "=" in local[local.index("?"):]:
            start += local.rindex("=") + 1
        spans.append((start, m.end(), "email"))
    spans.extend((m.start(), m.end(), "email") for m in _EMAIL_LOOSE.finditer(text))
    return spans


def _find_ibans(text):
    spans = []
    for m in _IBAN_RUN.finditer(text):
        run = m.group()
        # Try the longest prefix first; it must end on a whole group (no glued character).
        for end in range(len(run), 14, -1):
            nxt = text[m.start() + end] if m.start() + end < len(text) else ""
            if not run[end - 1].isalnum() or nxt.isalnum():
                continue
            if stdnum_iban.is_valid("".join(c for c in run[:end] if c.isalnum())):
                spans.append((m.start(), m.start() + end, "iban"))
                break
    return spans


def _find_cards(text):
    return [
        (m.start(), m.end(), "card") for m in _CARD.finditer(text) if luhn.is_valid(_digits(m.group()))
    ]


def _digits(value):
    return "".join(c for c in value if c in "0123456789")


def _closest_context(text, start):
    """'tax' or 'nir' after the nearest context word in the words before `start`, or None."""
    window = text[max(0, start - _CONTEXT_WINDOW):start]
    fiscal = [m.end() for m in _FISCAL_CONTEXT.finditer(window)]
    social = [m.end() for m in _NIR_CONTEXT.finditer(window)]
    if not fiscal and not social:
        return None
    return "tax" if max(fiscal, default=-1) > max(social, default=-1) else "nir"


def _tax_or_nir(text, start, written, number):
    """A valid SPI starting with 1 or 2 may also be a NIR without key: the words before it tell."""
    if number[0] in "12" and _NIR.fullmatch(written) and _closest_context(text, start) != "tax":
        return "nir"
    return "tax_number"


def _find_tax_numbers_and_nirs(text):
    spans = []
    for m in _TAX.finditer(text):
        number = _digits(m.group())
        if nif.is_valid(number):
            spans.append((m.start(), m.end(), _tax_or_nir(text, m.start(), m.group(), number)))
    for m in _DIGIT_RUN.finditer(text):
        number = _digits(m.group())
        if len(number) == 13 and number[0] in "0123" and nif.is_valid(number):
            spans.append((m.start(), m.end(), _tax_or_nir(text, m.start(), m.group(), number)))
    spans = _merge(spans)
    taken = [(s, e) for s, e, _k in spans]
    for m in _NIR.finditer(text):
        if not any(s < m.end() and m.start() < e for s, e in taken):
            spans.append((m.start(), m.end(), "nir"))
    return spans


def _find_by_context(pattern, kind, following=None):
    def find(text):
        spans = []
        for m in pattern.finditer(text):
            spans.append((m.start("id"), m.end("id"), kind))
            position = m.end()
            while following is not None and (more := following.match(text, position)):
                spans.append((more.start("id"), more.end("id"), kind))
                position = more.end()
        return spans

    return find


def _trim_brackets(text, start, end):
    """phonenumbers may take an opening parenthesis that belongs to the sentence."""
    raw = text[start:end]
    while raw and raw[0] == "(" and raw.count("(") > raw.count(")"):
        start, raw = start + 1, raw[1:]
    while raw and raw[-1] == ")" and raw.count(")") > raw.count("("):
        end, raw = end - 1, raw[:-1]
    return start, end


def _find_phones(text):
    if not _PHONE_HINT.search(text):
        return []
    regions = ["FR"] + sorted({_OVERSEAS_PREFIXES[p] for p in _OVERSEAS.findall(text)})
    spans = []
    for region in regions:
        for match in phonenumbers.PhoneNumberMatcher(text, region):
            start, end = _trim_brackets(text, match.start, match.end)
            spans.append((start, end, "phone"))
    spans.extend((m.start(), m.end(), "phone") for m in _PHONE_FORMS.finditer(text))
    return spans


# --- names after a civility ------------------------------------------------------------
# « Mme Dupont », « M. Martin », « Monsieur Jean Durand », « Mlle Le Goff », « Me Dupont-Moretti »,
# « Madame de La Fontaine »: the words after the civility that look like a name (a capital and at
# least one more letter: an initial such as « Mme X. » is already anonymous), particles included.
# « Me » (maître) and « M. » only as written; « Monsieur le Maire » is a title, not a name.
_UP = "A-ZÀ-ÖØ-Þ"
_LOW = "a-zß-öø-ÿ"
_CIVILITY = (
    r"(?<![\w.])(?:M\.|MM\.|Me|Mr\.?"
    r"|(?i:mmes?|mlles?|monsieur|messieurs|madame|mesdames|mademoiselle|ma[îi]tre)\.?)"
)
_NAME_WORD = (
    rf"(?:[{_UP}]['’])?[{_UP}](?:[{_LOW}]+|[{_UP}]+)"
    rf"(?:-(?:[{_UP}]['’])?[{_UP}](?:[{_LOW}]+|[{_UP}]+))*(?![\w'’])"
)
_PARTICLES = r"(?:(?:de|du|des|van|von|ben|el|di|da|dos|del|la|le)[ \t]+|d['’])"
_NAME = re.compile(
    rf"{_CIVILITY}[ \t]+(?P<id>(?!(?:le|la)\b)(?:{_PARTICLES}){{0,2}}{_NAME_WORD}"
    rf"(?:[ \t]+(?:{_PARTICLES}){{0,2}}{_NAME_WORD}){{0,3}})"
)


def _find_names(text):
    return [(m.start("id"), m.end("id"), "name") for m in _NAME.finditer(text)]


# --- the normalised view ------------------------------------------------------------------
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


def _normalise(text):
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


def _to_original(spans, origin):
    if origin is None:
        return spans
    return [(origin[start][0], origin[end - 1][1], kind) for start, end, kind in spans]


def _mask(text, spans, found):
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


_PIPELINE = (
    _find_emails,
    _find_ibans,
    _find_cards,
    _find_tax_numbers_and_nirs,
    _find_by_context(_CAF, "caf_number", _CAF_NEXT),
    _find_by_context(_FT_LETTER, "france_travail_id", _FT_NEXT),
    _find_by_context(_FT_DIGITS, "france_travail_id"),
    _find_phones,
    _find_names,
)


def redact(text):
    """Mask the personal identifiers of `text`; return the masked text and the counts per kind."""
    found = dict.fromkeys(KINDS, 0)
    if text is None:
        text = ""
    if not isinstance(text, str):
        raise TypeError("redact() expects a str")
    view, origin = _normalise(text)
    masked = []  # spans of the original text
    for finder in _PIPELINE:
        spans = _merge(finder(view))
        if not spans:
            continue
        masked.extend(_to_original(spans, origin))
        # The view is masked too; each character of a marker points at the whole span it replaces.
        if origin is None:
            origin = [(i, i + 1) for i in range(len(view))]
        view, origin = _mask_view(view, origin, spans, found)
    return RedactionResult(_mask(text, _merge(masked), None), found)


def _mask_view(view, origin, spans, found):
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
