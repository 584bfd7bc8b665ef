"""Signals other domains listen to, so that reports never import them (the passport counts contributions)."""
from blinker import Namespace

from app.reports.enums import Status

_signals = Namespace()

# Sent after the change is committed: sender=None, report=Report.
# The owning team qualified a report (its description was usable as filed): sent on each move to a status
# that accepts the report, whether or not the team went through « qualifiée » (receivers count it once).
report_qualified = _signals.signal("report_qualified")
ACCEPTING = frozenset({Status.QUALIFIED, Status.ACKNOWLEDGED, Status.IN_PROGRESS, Status.WORKAROUND_AVAILABLE,
                       Status.FIXED})
# The team verified the fix of a report.
report_fix_verified = _signals.signal("report_fix_verified")
