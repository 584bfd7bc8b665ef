"""The référentiel's activities and level labels as read-only reference data for passport pages, cached.

The HR queue's activity filter and the documents' level labels read the same few rows on every view; they
change only when `flask curricula import` runs. As for the training catalogue (app.training.reference),
they are kept for `REFERENCE_CACHE_SECONDS` per process (0 in the tests: read on every call); `invalidate()`
drops them at once.
"""
from dataclasses import dataclass

from app.common.refcache import cached, forget
from app.extensions import db
from app.referential.models import Activity, ScaleLevel


@dataclass(frozen=True)
class ActivityRef:
    code: str
    title: str


def _load_activities():
    rows = db.session.execute(db.select(Activity.code, Activity.title).order_by(Activity.position, Activity.code))
    return tuple(ActivityRef(code, title) for code, title in rows)


def _load_level_labels():
    return dict(db.session.execute(db.select(ScaleLevel.level, ScaleLevel.label)).all())


def activities():
    """The référentiel's activities (code, title) in its order."""
    return cached("passports.activities", _load_activities)


def level_labels():
    """{level: label} of the référentiel's scale (a copy: callers may change it)."""
    return dict(cached("passports.level_labels", _load_level_labels))


def invalidate(_sender=None, **_kwargs):
    """Drop the cached values (after an import of the référentiel in this process: a signal receiver)."""
    forget("passports.")
