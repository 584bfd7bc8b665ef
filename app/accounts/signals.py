"""Signals other domains listen to, so that accounts never imports them."""
from blinker import Namespace

_signals = Namespace()

# Sent inside the transaction that changes an organisation's département, before its commit:
# sender=None, organisation=Organisation, old=str | None, new=str | None. The summaries kept per
# département listen and move the organisation's counters, so that they stay what a rebuild computes.
organisation_department_changed = _signals.signal("organisation_department_changed")
