"""Flask's signed session cookie, without redoing on every request what only depends on the cookie's text.

Flask builds a new signing serializer twice a request (reading the cookie, writing it back) and verifies the
same cookie again on every request: base64, zlib, two HMACs. Here the serializer is built once per secret key,
and a cookie whose signature was verified once is remembered by its exact text, with its payload and the time
it was signed: the next request with the same cookie only checks the age again (the session lifetime) and
gets a fresh copy of the payload (its decoded values copied: new containers, the same immutable leaves; the
payload decoded again when a value is of another kind). A cookie never verified, or one that changed by a
single character, is verified in full; a bad signature is never remembered. The cookie written, the data read and what an expired
or forged cookie gives (an empty session) are those of Flask's own interface.
"""
import time
from datetime import datetime
from uuid import UUID

from flask.sessions import SecureCookieSessionInterface
from itsdangerous import BadSignature
from markupsafe import Markup

# Cookies remembered per process (a few hundred bytes each); the memory starts again when full.
MAX_VERIFIED = 2048

# What Flask's tagged JSON gives back besides containers: values never changed in place, shared by the copies.
_IMMUTABLE = (str, int, float, bool, type(None), bytes, Markup, datetime, UUID)


class _NotCopyable(Exception):
    pass


def _copy(value):
    """A copy of a decoded session value: new dicts, lists and tuples, the same immutable leaves (what decoding
    the payload again gives, ~10x faster); _NotCopyable for anything else."""
    kind = type(value)
    if kind is dict:
        return {key: _copy(item) for key, item in value.items()}
    if kind is list:
        return [_copy(item) for item in value]
    if kind is tuple:
        return tuple(_copy(item) for item in value)
    if kind in _IMMUTABLE:
        return value
    raise _NotCopyable(kind)


class VerifiedCookieSessionInterface(SecureCookieSessionInterface):
    def __init__(self):
        self._serializers = {}
        self._verified = {}

    def get_signing_serializer(self, app):
        if not app.secret_key:
            return None
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        serializer = self._serializers.get(keys)
        if serializer is None:
            serializer = self._serializers[keys] = super().get_signing_serializer(app)
        return serializer

    def open_session(self, app, request):
        serializer = self.get_signing_serializer(app)
        if serializer is None:
            return None
        value = request.cookies.get(self.get_cookie_name(app))
        if not value:
            return self.session_class()
        max_age = int(app.permanent_session_lifetime.total_seconds())
        known = self._verified.get(value)
        if known is not None and known[0] is serializer:
            _, payload, signed_at, data = known
            age = int(time.time()) - signed_at
            if age > max_age or age < 0:  # itsdangerous' own test (TimestampSigner.unsign): an empty session
                return self.session_class()
            if data is not None:
                return self.session_class(_copy(data))
            return self.session_class(serializer.serializer.loads(payload))
        try:
            data, signed_at = serializer.loads(value, max_age=max_age, return_timestamp=True)
        except BadSignature:
            return self.session_class()
        if len(self._verified) >= MAX_VERIFIED:
            self._verified.clear()
        payload = serializer.serializer.dumps(data)
        try:  # kept decoded (a fresh decoding, never the dict this request changes) when it copies exactly
            kept = _copy(serializer.serializer.loads(payload))
        except _NotCopyable:
            kept = None
        self._verified[value] = (serializer, payload, int(signed_at.timestamp()), kept)
        return self.session_class(data)
