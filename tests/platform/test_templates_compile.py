"""A served worker compiles every template before its first request (wsgi.py, templating.compile_templates)."""
import gc
import importlib
import sys
import types


def test_every_template_compiles(app):
    from app.common.templating import compile_templates

    env = app.jinja_env
    env.cache.clear()
    compiled = compile_templates(env)
    assert compiled >= 150  # the application's pages, mails and macros
    assert len(env.cache) == compiled
    assert {"base.html", "triage/board.html", "backoffice/board.html"} <= {name for _loader, name in env.cache}


def test_the_served_app_compiles_its_templates_at_start_and_the_flask_commands_do_not(monkeypatch, tmp_path):
    monkeypatch.setattr(gc, "freeze", lambda: None)  # wsgi.py freezes what start-up built: not this test run's
    monkeypatch.setenv("APP_ENV", "test")
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    monkeypatch.delitem(sys.modules, "wsgi", raising=False)
    monkeypatch.delitem(sys.modules, "gunicorn", raising=False)
    assert len(importlib.import_module("wsgi").app.jinja_env.cache) == 0  # flask --app wsgi ...
    monkeypatch.delitem(sys.modules, "wsgi")
    monkeypatch.setitem(sys.modules, "gunicorn", types.ModuleType("gunicorn"))  # as in a gunicorn worker
    served = importlib.import_module("wsgi").app
    assert len(served.jinja_env.cache) >= 150
    monkeypatch.delitem(sys.modules, "wsgi")
