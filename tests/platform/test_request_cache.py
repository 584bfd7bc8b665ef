"""Values memoised in g for one request are dropped at its end; nothing else in g is touched."""
from flask import g

from app.common.request_cache import KEYS, drop_request_caches


def test_registered_keys_are_dropped_and_others_kept(app):
    assert "viewer_department" in KEYS
    with app.test_request_context("/"):
        g.viewer_department, g.not_a_cache = "69", "kept"
        drop_request_caches()
        assert not hasattr(g, "viewer_department") and g.not_a_cache == "kept"
        drop_request_caches()  # nothing left to drop: no error
        del g.not_a_cache

