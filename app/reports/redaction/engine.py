"""`redact`: the detectors run in turn over the view, each masking what it found before the next."""
from app.reports.redaction.detectors import PIPELINE, merge
from app.reports.redaction.kinds import KINDS, RedactionResult
from app.reports.redaction.view import mask, mask_view, normalise, to_original


def redact(text):
    """Mask the personal identifiers of `text`; return the masked text and the counts per kind."""
    found = dict.fromkeys(KINDS, 0)
    if text is None:
        text = ""
    if not isinstance(text, str):
        raise TypeError("redact() expects a str")
    view, origin = normalise(text)
    masked = []  # spans of the original text
    for finder in PIPELINE:
        spans = merge(finder(view))
        if not spans:
            continue
        masked.extend(to_original(spans, origin))
        # The view is masked too; each character of a marker points at the whole span it replaces.
        if origin is None:
            origin = [(i, i + 1) for i in range(len(view))]
        view, origin = mask_view(view, origin, spans, found)
    return RedactionResult(mask(text, merge(masked), None), found)
