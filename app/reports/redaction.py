"""Masking of personal identifiers in free text before a report is stored.

`redact(text)` replaces French identifiers and contact details by a marker and counts them;
it keeps no value. Libraries check what has a checksum or a numbering plan (python-stdnum:
IBAN, Luhn, numéro fiscal; phonenumbers: telephone numbers); regular expressions cover what
has neither (NIR with any key, numbers recognised by their context words).

Detectors run one after the other on the text already masked by the previous ones, most
specific first (an e-mail address may contain digits, an IBAN contains NIR-sized runs...).
Markers contain no digit and no "@", so a later detector never matches inside one.
Detectors read a copy of the text where typographic spaces and hyphens (no-break, thin,
figure...) are plain ones, character for character, so their positions apply to the original.
"""
import re
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
}


@dataclass(frozen=True)
class RedactionResult:
    """The masked text and, per kind of identifier, how many were masked."""

    text: str
    found: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))

    @property
    def total(self):
        return sum(self.found.values())


# Word processors put no-break or thin spaces and no-break hyphens inside numbers.
_PLAIN = str.maketrans(
    dict.fromkeys("\u00a0\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f", " ")
    | dict.fromkeys("\u2010\u2011\u2012", "-")
)
# Separators people type inside long numbers.
_SEP = r"[ .\-]"
# A number must not continue a longer one: no digit or letter glued before or after,
# and no "digit + separator" before / "separator + digit" after (decimals, dates, ranges).
_BEFORE = r"(?<![0-9A-Za-z])(?<![0-9][.,\-/])"
_AFTER = r"(?![0-9A-Za-z])(?![.,\-/][0-9])"

# --- e-mail -------------------------------------------------------------------------------
# Local part: the RFC 5322 "atext" characters; domain: labels and at least one dot (a final
# full stop is punctuation and stays).
_EMAIL_LOCAL = r"[\w.!#$%&'*+/=?^`{|}~\-]"
_EMAIL = re.compile(rf"(?<!{_EMAIL_LOCAL}){_EMAIL_LOCAL}+@[\w\-]+(?:\.[\w\-]+)+")

# --- IBAN ---------------------------------------------------------------------------------
# Longest run that could be an IBAN; the checksum then decides where it really ends.
_IBAN_RUN = re.compile(r"(?<![0-9A-Za-z])[A-Za-z]{2}[0-9]{2}(?:[ \-]?[0-9A-Za-z]){11,32}")

# --- payment card -------------------------------------------------------------------------
_CARD = re.compile(
    _BEFORE
    + r"(?:[2-6][0-9]{3}(?P<s1>[ .\-]?)[0-9]{4}(?P=s1)[0-9]{4}(?P=s1)[0-9]{4}"
    + r"|3[47][0-9]{2}(?P<s2>[ \-]?)[0-9]{6}(?P=s2)[0-9]{5})"
    + _AFTER
)

# --- numéro fiscal (SPI) ------------------------------------------------------------------
_TAX = re.compile(
    _BEFORE
    + r"[0-3][0-9](?P<s>[ .]?)[0-9]{2}(?P=s)[0-9]{3}(?P=s)[0-9]{3}(?P=s)[0-9]{3}"
    + _AFTER
)
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
    r"(?:0[1-9](?P<a>[ .\-/])[0-9]{2}(?:(?P=a)[0-9]{2}){3}"
    r"|0[1-9][0-9]{2}(?P<b>[ .\-])[0-9]{2}(?:(?P=b)[0-9]{2}){2}"
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
    if "@" not in text:
        return []
    return [(m.start(), m.end(), "email") for m in _EMAIL.finditer(text)]


def _find_ibans(text):
    spans = []
    for m in _IBAN_RUN.finditer(text):
        run = m.group()
        # Try the longest prefix first; it must end on a whole group (no glued character).
        for end in range(len(run), 14, -1):
            nxt = text[m.start() + end] if m.start() + end < len(text) else ""
            if not run[end - 1].isalnum() or nxt.isalnum():
                continue
            if stdnum_iban.is_valid(run[:end]):
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


def _find_tax_numbers_and_nirs(text):
    spans = []
    for m in _TAX.finditer(text):
        number = _digits(m.group())
        if not nif.is_valid(number):
            continue
        # A valid SPI starting with 1 or 2 may also be a NIR without key: the words before it tell.
        if number[0] in "12" and _NIR.fullmatch(m.group()) and _closest_context(text, m.start()) != "tax":
            spans.append((m.start(), m.end(), "nir"))
        else:
            spans.append((m.start(), m.end(), "tax_number"))
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
)


def redact(text):
    """Mask the personal identifiers of `text`; return the masked text and the counts per kind."""
    found = dict.fromkeys(KINDS, 0)
    if text is None:
        text = ""
    if not isinstance(text, str):
        raise TypeError("redact() expects a str")
    view = text.translate(_PLAIN)
    for finder in _PIPELINE:
        spans = _merge(finder(view))
        if spans:
            text, view = _mask(text, spans, found), _mask(view, spans, None)
    return RedactionResult(text, found)

