"""Signals other domains listen to, so that reports never import them (the passport counts contributions)."""
from blinker import Namespace

_signals = Namespace()

# Sent after the change is committed: sender=None, report=Report.
# The owning team qualified a report (its description was usable as filed).
report_qualified = _signals.signal("report_qualified")
# The team verified the fix of a report.
report_fix_verified = _signals.signal("report_fix_verified")
