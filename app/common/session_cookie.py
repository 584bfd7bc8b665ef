"""Flask's signed session cookie, without redoing on every request what only depends on the cookie's text.

Flask builds a new signing serializer twice a request (reading the cookie, writing it back) and verifies the
same cookie again on every request: base64, zlib, two HMACs. Here the serializer is built once per secret key,
and a cookie whose signature was verified once is remembered by its exact text, with its payload and the time
it was signed: the next request with the same cookie only checks the age again (the session lifetime) and
decodes a fresh copy of the payload. A cookie never verified, or one that changed by a single character, is
verified in full; a bad signature is never remembered. The cookie written, the data read and what an expired
or forged cookie gives (an empty session) are those of Flask's own interface.
"""
import time

from flask.sessions import SecureCookieSessionInterface
from itsdangerous import BadSignature

# Cookies remembered per process (a few hundred bytes each); the memory starts again when full.
MAX_VERIFIED = 2048


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
            _, payload, signed_at = known
            age = int(time.time()) - signed_at
            if age > max_age or age < 0:  # itsdangerous' own test (TimestampSigner.unsign): an empty session
                return self.session_class()
            return self.session_class(serializer.serializer.loads(payload))
        try:
            data, signed_at = serializer.loads(value, max_age=max_age, return_timestamp=True)
        except BadSignature:
            return self.session_class()
        if len(self._verified) >= MAX_VERIFIED:
            self._verified.clear()
        self._verified[value] = (serializer, serializer.serializer.dumps(data), int(signed_at.timestamp()))
        return self.session_class(data)
