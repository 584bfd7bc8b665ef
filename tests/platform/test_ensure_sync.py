"""The app keeps ensure_sync's answer per function: the same answers as Flask's, asked once."""
from unittest import mock

from flask import Flask


def test_plain_functions_are_returned_as_they_are_and_asked_once(app):
    def hook():
        return "ran"

    with mock.patch.object(Flask, "ensure_sync", autospec=True, side_effect=lambda self, func: func) as asked:
        assert app.ensure_sync(hook) is hook
        assert app.ensure_sync(hook) is hook
    assert asked.call_count == 1


def test_every_request_asks_flask_only_for_new_functions(app, client):
    client.get("/mentions-legales")  # every hook, context processor and the view asked once
    with mock.patch.object(Flask, "ensure_sync", autospec=True, side_effect=Flask.ensure_sync) as asked:
        assert client.get("/mentions-legales").status_code == 200
    assert asked.call_count == 0


def test_unhashable_callables_are_asked_every_time(app):
    class Unhashable:
        __hash__ = None

        def __call__(self):
            return "ran"

    callable_object = Unhashable()
    assert app.ensure_sync(callable_object) is callable_object
    assert app.ensure_sync(callable_object)() == "ran"


def test_a_full_table_stops_remembering(app, monkeypatch):
    monkeypatch.setattr(type(app), "MAX_SYNC_FUNCTIONS", len(app._sync_functions))

    def late():
        return None

    assert app.ensure_sync(late) is late
    assert late not in app._sync_functions
