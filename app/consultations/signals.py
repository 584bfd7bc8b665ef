"""Signals other domains listen to, so that consultations never import them."""
from blinker import Namespace

_signals = Namespace()

# Sent after a consultation is closed, once per agent who answered it: sender=None, user=User,
# consultation=Consultation, participation=Participation. The passport offers it as a contribution.
participation_completed = _signals.signal("participation_completed")
