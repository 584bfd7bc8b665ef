"""Retention: `flask purge` deletes what is past its retention period (idempotent, logged)."""
from datetime import timedelta

from app.common.timezones import utcnow
from app.extensions import db

# Registered by the domains in their init_app (common imports no domain), run in this order.
_purgers = []  # function(now, config) -> {label: rows deleted}
_recorders = []  # function(counts): records a purge that deleted something (the audit log)


def register_purger(function):
    """A domain's retention rule, run by `flask purge`."""
    if function not in _purgers:
        _purgers.append(function)


def register_purge_recorder(function):
    if function not in _recorders:
        _recorders.append(function)


def months(n):
    return timedelta(days=30 * n)


def purge(config, now=None):
    """Delete expired data everywhere; returns {what: rows deleted}."""
    now = now or utcnow()
    counts = {}
    for purger in _purgers:
        counts.update(purger(now, config))
    if sum(counts.values()):
        for record in _recorders:
            record({k: v for k, v in counts.items() if v})
    db.session.commit()
    return counts
