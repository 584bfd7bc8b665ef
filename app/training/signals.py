"""Signals other domains listen to, so that training never imports them."""
from blinker import Namespace

_signals = Namespace()

# Sent after the completion is committed: sender=None, user=User, module=Module,
# version=ModuleVersion, completion=ModuleCompletion.
module_completed = _signals.signal("module_completed")

# Sent after `flask curricula import` committed changes: sender=None. Caches of reference data listen.
curricula_imported = _signals.signal("curricula_imported")

# Sent after an observation is committed: sender=None, observation=Observation (app.training.observation_models).
observation_recorded = _signals.signal("observation_recorded")
