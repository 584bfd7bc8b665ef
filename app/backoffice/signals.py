"""Signals other domains listen to, so that the back office never imports them."""
from blinker import Namespace

_signals = Namespace()

# Sent after a debrief note is committed, when the expert proposed a passport observation:
# sender=None, agent=User, expert=User, competency_code=str, level=int, note=str, reference=str.
# The passport turns it into a declared entry submitted to the agent's HR for validation.
observation_proposed = _signals.signal("support_observation_proposed")
