"""Values memoised in flask.g for one request only: their owners register the keys, dropped at teardown
(the app context outlives requests in tests and CLI commands)."""
from flask import g

KEYS = []


def register_request_cache_key(key):
    if key not in KEYS:
        KEYS.append(key)


def drop_request_caches(_exc=None):
    store = vars(g._get_current_object())  # one proxy lookup, not one per key: this runs at the end of every request
    for key in KEYS:
        store.pop(key, None)
