"""WSGI entry point: gunicorn wsgi:app, flask --app wsgi ..."""
import gc
import os
import sys

from app import create_app
from app.common.templating import compile_templates

app = create_app(os.environ.get("APP_ENV", "development"))
if "gunicorn" in sys.modules and not app.jinja_env.auto_reload:
    # A served worker compiles its templates before its first request (about a second at start-up), instead of
    # stalling the first request of each page, and freezes them with the rest below. Not for the flask commands,
    # which import this module too and render few templates, nor when templates reload (debug server).
    compile_templates(app.jinja_env)
# What start-up built (modules, mappers, forms, the app) lives as long as the process: frozen, it is left out
# of Python's full garbage collections, which otherwise walk its ~240,000 objects every few hundred requests
# and stall the request that triggers one (0.2 to 0.9 s on the bench machine under load).
gc.freeze()
