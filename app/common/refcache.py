"""Reference data kept in memory per application: rows every page reads and only an import changes.

`cached(key, load)` returns the value loaded at most `REFERENCE_CACHE_SECONDS` ago by this process (0, as
in the tests: load on every call). Each application has its own store, so two apps in one process (two
databases) never share a value; `forget(prefix)` drops the values of one domain after an import.
"""
import threading
import time

from flask import current_app, has_app_context

STORE_KEY = "passerelle_reference_cache"
_lock = threading.Lock()


def _store():
    store = current_app.extensions.get(STORE_KEY)
    if store is None:
        with _lock:
            store = current_app.extensions.setdefault(STORE_KEY, {})
    return store


def cached(key, load, setting="REFERENCE_CACHE_SECONDS"):
    """The value of load(), kept by this process for the number of seconds the config `setting` gives."""
    if current_app.config.get(setting, 0) <= 0:
        return load()
    value = fresh(key, setting)
    return keep(key, load()) if value is None else value


def fresh(key, setting="REFERENCE_CACHE_SECONDS"):
    """The value kept under `key` if loaded less than the `setting`'s seconds ago, else None: for a page that
    reads the rows itself, along with its other parts, when the process does not have them (see `keep`)."""
    ttl = current_app.config.get(setting, 0)
    if ttl <= 0:
        return None
    store = _store()
    with _lock:
        found = store.get(key)
    if found is not None and time.monotonic() - found[0] < ttl:
        return found[1]
    return None


def keep(key, value):
    """Keep `value` under `key` from now (read back by `fresh` and `cached`); returns it."""
    store = _store()
    with _lock:
        store[key] = (time.monotonic(), value)
    return value


def forget(prefix):
    """Drop this application's values whose key (a string, or a tuple starting with one) starts with prefix."""
    if not has_app_context():
        return
    store = _store()
    with _lock:
        for key in [k for k in store if (k[0] if isinstance(k, tuple) else k).startswith(prefix)]:
            del store[key]
