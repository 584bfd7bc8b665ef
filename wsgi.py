"""WSGI entry point: gunicorn wsgi:app, flask --app wsgi ..."""
import gc
import os

from app import create_app

app = create_app(os.environ.get("APP_ENV", "development"))
# What start-up built (modules, mappers, forms, the app) lives as long as the process: frozen, it is left out
# of Python's full garbage collections, which otherwise walk its ~240,000 objects every few hundred requests
# and stall the request that triggers one (0.2 to 0.9 s on the bench machine under load).
gc.freeze()
