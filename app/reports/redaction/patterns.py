"""What each identifier looks like: the regular expressions of the detectors.

Markers contain no digit, no "@" and start with "[", so a later pattern never matches inside one.
"""
import re

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
EMAIL = re.compile(rf"(?<!{_EMAIL_LOCAL}){_EMAIL_LOCAL}+@[\w\-]+(?:\.[\w\-]+)+")
# Written to dodge filters: "jean @ gmail.com", "jean arobase gmail.com", "jean.dupont at gmail dot com",
# "jean(at)gmail(point)com". The local part is a plain one; the domain ends with a top-level label.
_LOOSE_LOCAL = r"[\w.+\-']"
_LOOSE_AT = (
    r"(?:[ \t]*(?:@|[(\[](?:at|arr?obase)[)\]])[ \t]*"
    r"|[ \t]+(?:at|arr?obase)[ \t]+)"
)
_LOOSE_DOT = r"(?:\.|[ \t]*[(\[](?:dot|point)[)\]][ \t]*|[ \t]+(?:dot|point)[ \t]+)"
EMAIL_LOOSE = re.compile(
    rf"(?<!{_LOOSE_LOCAL}){_LOOSE_LOCAL}+{_LOOSE_AT}[\w\-]+(?:{_LOOSE_DOT}[\w\-]+)*?{_LOOSE_DOT}[A-Za-z]{{2,12}}"
    r"(?![\w\-])",
    re.IGNORECASE,
)
AT_HINT = re.compile(r"@|\b(?:at|arr?obase)\b", re.IGNORECASE)

# --- IBAN ---------------------------------------------------------------------------------
# Longest run that could be an IBAN; the checksum then decides where it really ends. Groups may be
# separated by spaces (several), dots or hyphens; "FR 76 ..." with a space only in capitals.
_IBAN_SEP = r"(?:[ \t]{1,3}|[ \t]?[.\-][ \t]?)"
IBAN_RUN = re.compile(
    rf"(?<![0-9A-Za-z])(?:[A-Z]{{2}}{_IBAN_SEP}|[A-Za-z]{{2}})[0-9]{{2}}(?:{_IBAN_SEP}?[0-9A-Za-z]){{11,32}}"
)

# --- payment card -------------------------------------------------------------------------
_CARD_SEP = r"(?:[ \t]{1,3}|[.\-])?"
CARD = re.compile(
    _BEFORE
    + rf"(?:[2-6][0-9]{{3}}{_CARD_SEP}[0-9]{{4}}{_CARD_SEP}[0-9]{{4}}{_CARD_SEP}[0-9]{{4}}"
    + rf"|3[47][0-9]{{2}}{_CARD_SEP}[0-9]{{6}}{_CARD_SEP}[0-9]{{5}})"
    + _AFTER
)

# --- numéro fiscal (SPI) ------------------------------------------------------------------
# As printed on the notice (2-2-3-3-3, or glued), even when another number follows...
TAX = re.compile(
    _BEFORE
    + r"[0-3][0-9](?P<s>[ .]?)[0-9]{2}(?P=s)[0-9]{3}(?P=s)[0-9]{3}(?P=s)[0-9]{3}"
    + _AFTER
)
# ... and in any grouping of its 13 digits, when the whole run of digits is exactly those 13.
_TAX_SEP = r"(?:[ \t]*[.\-_][ \t]*|[ \t]+)"
DIGIT_RUN = re.compile(rf"(?<![0-9A-Za-z])(?<![0-9][.,\-/])[0-9](?:{_TAX_SEP}?[0-9])*(?![0-9A-Za-z])")
FISCAL_CONTEXT = re.compile(r"fisc|\bSPI\b|imp[ôo]ts?|dgfip|imposition", re.IGNORECASE)
NIR_CONTEXT = re.compile(
    r"\bNIR\b|s[ée]cu|assur[ée]|\bINSEE\b|vitale|ameli", re.IGNORECASE
)
CONTEXT_WINDOW = 80

# --- NIR ----------------------------------------------------------------------------------
# sex, year, month (01-12, or 20-42 / 50-99 for unknown or provisional months), département
# (2A/2B for Corsica), commune, order number, then an optional key that is NOT checked: a
# mistyped key is still somebody's number.
_MONTH = r"(?:0[1-9]|1[0-2]|[235-9][0-9]|4[0-2])"
NIR = re.compile(
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
CAF = re.compile(
    rf"(?:(?:{_CAF_STRONG}){_CAF_GAP}|(?:{_CAF_WEAK}){_TIGHT_GAP}){_CAF_ID}",
    re.IGNORECASE,
)
# "n° allocataire 1234567 et 7654321": the context words cover the whole list.
_LIST_JOIN = r"[^\S\n]*(?:[,/&][^\S\n]*(?:(?:et|ou)\b[^\S\n]*)?|\b(?:et|ou)\b[^\S\n]*)"
CAF_NEXT = re.compile(_LIST_JOIN + _CAF_ID, re.IGNORECASE)

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
FT_LETTER = re.compile(
    rf"(?:{_FT_STRONG}|{_FT_NAME}){_FT_GAP}(?<![0-9A-Za-z]){_FT_ID_LETTER}", re.IGNORECASE
)
FT_NEXT = re.compile(_LIST_JOIN + rf"(?<![0-9A-Za-z]){_FT_ID_LETTER}", re.IGNORECASE)
# Seven digits alone (letter forgotten): only right after an explicit identifier phrase.
FT_DIGITS = re.compile(rf"(?:{_FT_STRONG}){_TIGHT_GAP}(?<![0-9A-Za-z]){_FT_ID_DIGITS}", re.IGNORECASE)

# --- telephone ----------------------------------------------------------------------------
# Overseas départements have their own country codes; written nationally (0590...), their
# numbers are only valid for phonenumbers in their own region.
OVERSEAS_PREFIXES = {
    "590": "GP", "690": "GP", "691": "GP",
    "594": "GF", "694": "GF",
    "596": "MQ", "696": "MQ", "697": "MQ",
    "262": "RE", "263": "RE", "692": "RE", "693": "RE",
    "269": "YT", "639": "YT",
}
OVERSEAS = re.compile(r"(?<![0-9])0(" + "|".join(OVERSEAS_PREFIXES) + r")")
# Enough digits for a phone number (8 or more, separators allowed) or an international "+".
PHONE_HINT = re.compile(r"\+|[0-9](?:[^0-9\n]{0,4}[0-9]){7}")
# The French written forms, even outside the ranges phonenumbers knows as allocated
# (a number from a new range, or mistyped, is still somebody's number).
PHONE_FORMS = re.compile(
    r"(?<![0-9A-Za-z+])(?<![0-9][ .\-])"
    r"(?:0[1-9](?P<a>[ \t]{1,3}|[.\-/_])[0-9]{2}(?:(?P=a)[0-9]{2}){3}"
    r"|0[1-9][0-9]{2}(?P<b>[ \t]{1,3}|[.\-_])[0-9]{2}(?:(?P=b)[0-9]{2}){2}"
    r"|(?:\+|00)33[ .\-]?(?:\(0\)[ .\-]?)?[1-9](?:[ .\-]?[0-9]{2}){4})"
    r"(?![0-9A-Za-z])(?![ .\-][0-9])"
)


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
NAME = re.compile(
    rf"{_CIVILITY}[ \t]+(?P<id>(?!(?:le|la)\b)(?:{_PARTICLES}){{0,2}}{_NAME_WORD}"
    rf"(?:[ \t]+(?:{_PARTICLES}){{0,2}}{_NAME_WORD}){{0,3}})"
)
