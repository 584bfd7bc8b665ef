"""The référentiel's activities and level labels as read-only reference data for passport pages, cached.

The HR queue's activity filter and the documents' level labels read the same few rows on every view; they
change only when `flask curricula import` runs. As for the training catalogue (app.training.reference),
they are kept for `REFERENCE_CACHE_SECONDS` per process (0 in the tests: read on every call); `invalidate()`
drops them at once.
"""
import threading
import time
from dataclasses import dataclass

from flask import current_app, has_app_context

from app.extensions import db
from app.referential.models import Activity, ScaleLevel


@dataclass(frozen=True)
class ActivityRef:
    code: str
    title: str


_lock = threading.Lock()
CACHE_KEY = "passport_reference_cache"


def _cache():
    """This application's cache: name -> (loaded_at, value) (two apps in one process never share one)."""
    cache = current_app.extensions.get(CACHE_KEY)
    if cache is None:
        with _lock:
            cache = current_app.extensions.setdefault(CACHE_KEY, {})
    return cache


def _load_activities():
    rows = db.session.execute(db.select(Activity.code, Activity.title).order_by(Activity.position, Activity.code))
    return tuple(ActivityRef(code, title) for code, title in rows)


def _load_level_labels():
    return dict(db.session.execute(db.select(ScaleLevel.level, ScaleLevel.label)).all())


def _cached_value(name, load):
    ttl = current_app.config.get("REFERENCE_CACHE_SECONDS", 0)
    if ttl <= 0:
        return load()
    now = time.monotonic()
    cache = _cache()
    with _lock:
        found = cache.get(name)
    if found is not None and now - found[0] < ttl:
        return found[1]
    value = load()
    with _lock:
        cache[name] = (now, value)
    return value


def activities():
    """The référentiel's activities (code, title) in its order."""
    return _cached_value("activities", _load_activities)


def level_labels():
    """{level: label} of the référentiel's scale (a copy: callers may change it)."""
    return dict(_cached_value("level_labels", _load_level_labels))


def invalidate(_sender=None, **_kwargs):
    """Drop the cached values (after an import of the référentiel in this process: a signal receiver)."""
    if not has_app_context():
        return
    cache = _cache()
    with _lock:
        cache.clear()
