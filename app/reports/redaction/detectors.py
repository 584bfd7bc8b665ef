"""The detectors: each returns the (start, end, kind) spans it finds in the view.

They run one after the other (`PIPELINE`) on the view already masked by the previous ones, most
specific first (an e-mail address may contain digits, an IBAN contains NIR-sized runs...).
"""
import phonenumbers
from stdnum import iban as stdnum_iban
from stdnum import luhn
from stdnum.fr import nif

from app.reports.redaction.patterns import (
    AT_HINT,
    CAF,
    CAF_NEXT,
    CARD,
    CONTEXT_WINDOW,
    DIGIT_RUN,
    EMAIL,
    EMAIL_LOOSE,
    FISCAL_CONTEXT,
    FT_DIGITS,
    FT_LETTER,
    FT_NEXT,
    IBAN_RUN,
    NAME,
    NIR,
    NIR_CONTEXT,
    OVERSEAS,
    OVERSEAS_PREFIXES,
    PHONE_FORMS,
    PHONE_HINT,
    TAX,
)


def merge(spans):
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
    if not AT_HINT.search(text):
        return []
    spans = []
    for m in EMAIL.finditer(text):
        start = m.start()
        local = m.group()[:m.group().index("@")]
        # Pasted from an address bar ("...?id=1&email=jean@gmail.com"): the address is after the last "=".
        if "?" in local and "=" in local[local.index("?"):]:
            start += local.rindex("=") + 1
        spans.append((start, m.end(), "email"))
    spans.extend((m.start(), m.end(), "email") for m in EMAIL_LOOSE.finditer(text))
    return spans


def _find_ibans(text):
    spans = []
    for m in IBAN_RUN.finditer(text):
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
        (m.start(), m.end(), "card") for m in CARD.finditer(text) if luhn.is_valid(_digits(m.group()))
    ]


def _digits(value):
    return "".join(c for c in value if c in "0123456789")


def _closest_context(text, start):
    """'tax' or 'nir' after the nearest context word in the words before `start`, or None."""
    window = text[max(0, start - CONTEXT_WINDOW):start]
    fiscal = [m.end() for m in FISCAL_CONTEXT.finditer(window)]
    social = [m.end() for m in NIR_CONTEXT.finditer(window)]
    if not fiscal and not social:
        return None
    return "tax" if max(fiscal, default=-1) > max(social, default=-1) else "nir"


def _tax_or_nir(text, start, written, number):
    """A valid SPI starting with 1 or 2 may also be a NIR without key: the words before it tell."""
    if number[0] in "12" and NIR.fullmatch(written) and _closest_context(text, start) != "tax":
        return "nir"
    return "tax_number"


def _find_tax_numbers_and_nirs(text):
    spans = []
    for m in TAX.finditer(text):
        number = _digits(m.group())
        if nif.is_valid(number):
            spans.append((m.start(), m.end(), _tax_or_nir(text, m.start(), m.group(), number)))
    for m in DIGIT_RUN.finditer(text):
        number = _digits(m.group())
        if len(number) == 13 and number[0] in "0123" and nif.is_valid(number):
            spans.append((m.start(), m.end(), _tax_or_nir(text, m.start(), m.group(), number)))
    spans = merge(spans)
    taken = [(s, e) for s, e, _k in spans]
    for m in NIR.finditer(text):
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
    if not PHONE_HINT.search(text):
        return []
    regions = ["FR"] + sorted({OVERSEAS_PREFIXES[p] for p in OVERSEAS.findall(text)})
    spans = []
    for region in regions:
        for match in phonenumbers.PhoneNumberMatcher(text, region):
            start, end = _trim_brackets(text, match.start, match.end)
            spans.append((start, end, "phone"))
    spans.extend((m.start(), m.end(), "phone") for m in PHONE_FORMS.finditer(text))
    return spans


def _find_names(text):
    return [(m.start("id"), m.end("id"), "name") for m in NAME.finditer(text)]


PIPELINE = (
    _find_emails,
    _find_ibans,
    _find_cards,
    _find_tax_numbers_and_nirs,
    _find_by_context(CAF, "caf_number", CAF_NEXT),
    _find_by_context(FT_LETTER, "france_travail_id", FT_NEXT),
    _find_by_context(FT_DIGITS, "france_travail_id"),
    _find_phones,
    _find_names,
)
