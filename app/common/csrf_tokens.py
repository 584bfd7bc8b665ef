"""Flask-WTF's CSRF token, the same token, without rebuilding its signer on every request.

Every signed-in page prints a CSRF token (the layout's logout form). Flask-WTF's generate_csrf builds a new
serializer, a new signer and derives the signing key again (a SHA-1 of salt and secret) for each token, and
reads its two settings through the application proxy on every call, even when the request's token is already
made: ~0.04 ms a page. Here the serializer is kept per secret key, its signer derives its key once, and the
token is itsdangerous' own output: same payload, timestamp and HMAC. What the token holds, where its secret
lives (the session), its per-request memo (g) and its validation (Flask-WTF's validate_csrf) are unchanged.
"""
import hashlib
import os

from flask import current_app, g, session
from itsdangerous import URLSafeTimedSerializer
from itsdangerous.timed import TimestampSigner

SALT = "wtf-csrf-token"  # Flask-WTF's salt for its tokens
MAX_SERIALIZERS = 16  # one per secret key in use (a key rotation adds one)


class _KeyOnceTimestampSigner(TimestampSigner):
    """itsdangerous' TimestampSigner deriving its key once (the key depends only on the secret and the salt)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._derived_key = None

    def derive_key(self, secret_key=None):
        if secret_key is not None:
            return super().derive_key(secret_key)
        key = self._derived_key
        if key is None:
            key = self._derived_key = super().derive_key()
        return key


class _TokenSerializer(URLSafeTimedSerializer):
    """Flask-WTF's serializer, its signer made once."""

    default_signer = _KeyOnceTimestampSigner

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._signers = {}

    def make_signer(self, salt=None):
        signer = self._signers.get(salt)
        if signer is None:
            signer = self._signers[salt] = super().make_signer(salt)
        return signer


_serializers = {}


def _serializer(secret_key):
    try:
        serializer = _serializers.get(secret_key)
    except TypeError:  # an unhashable key: built each time, as Flask-WTF does
        return URLSafeTimedSerializer(secret_key, salt=SALT)
    if serializer is None:
        if len(_serializers) >= MAX_SERIALIZERS:
            _serializers.clear()
        serializer = _serializers[secret_key] = _TokenSerializer(secret_key, salt=SALT)
    return serializer


def _new_secret():
    return hashlib.sha1(os.urandom(64)).hexdigest()  # noqa: S324  # nosec B324 - Flask-WTF's random secret


def generate_csrf(secret_key=None, token_key=None):
    """flask_wtf.csrf.generate_csrf: the request's token (made once per request, kept in g), its secret created in
    the session when missing; the same arguments, settings and errors."""
    app = current_app._get_current_object()
    config = app.config
    if token_key is None:
        token_key = config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
        if token_key is None:
            raise RuntimeError("A field name is required to use CSRF.")
    store = g._get_current_object()
    if token_key in store:
        return store.get(token_key)
    if secret_key is None:
        secret_key = config.get("WTF_CSRF_SECRET_KEY", app.secret_key)
        if secret_key is None:
            raise RuntimeError("A secret key is required to use CSRF.")
    serializer = _serializer(secret_key)
    if token_key not in session:
        session[token_key] = _new_secret()
    try:
        token = serializer.dumps(session[token_key])
    except TypeError:
        session[token_key] = _new_secret()
        token = serializer.dumps(session[token_key])
    setattr(store, token_key, token)
    return store.get(token_key)


def install_fast_csrf_tokens(app):
    """Flask-WTF's forms, its template global and context processor make their tokens with generate_csrf above."""
    import flask_wtf.csrf

    flask_wtf.csrf.generate_csrf = generate_csrf  # read at call time by its forms and its context processor
    app.jinja_env.globals["csrf_token"] = generate_csrf
