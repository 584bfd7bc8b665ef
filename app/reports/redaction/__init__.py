"""Masking of personal identifiers in free text before a report is stored.

`redact(text)` replaces French identifiers, contact details and names after a civility by a
marker and counts them; it keeps no value. Libraries check what has a checksum or a numbering
plan (python-stdnum: IBAN, Luhn, numéro fiscal; phonenumbers: telephone numbers); regular
expressions cover what has neither (NIR with any key, numbers recognised by their context words,
e-mail addresses spelled out, names).

The engine is split by concern: `kinds` (what is masked and its marker), `patterns` (what each
identifier looks like), `detectors` (finding them, in order), `view` (the normalised text the
detectors read, and masking), `engine` (`redact`, which runs the detectors over the view).
"""
from app.reports.redaction.engine import redact
from app.reports.redaction.kinds import KINDS, MARKERS, RedactionResult

__all__ = ["KINDS", "MARKERS", "RedactionResult", "redact"]
