"""Device cookies (OWASP « Slow down online guessing attacks with device cookies »).

A browser where someone signed in successfully gets a signed cookie naming that account (by a keyed
hash, never the address) with a random nonce. At the next login for that account, the browser's
failures count against its own nonce, not against the account: failures coming from elsewhere lock
out untrusted browsers only, and a known browser keeps signing in.
"""
import hashlib
import hmac
import secrets

from flask import after_this_request, current_app, request
from itsdangerous import BadSignature, URLSafeSerializer

from app.accounts.models import normalise_email

COOKIE = "passerelle_device"
MAX_ACCOUNTS = 10  # a shared reception PC: several agents sign in on the same browser


def _serializer():
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="device-cookie")


def _account_key(email):
    key = current_app.config["SECRET_KEY"]
    key = key.encode() if isinstance(key, str) else key
    return hmac.new(key, b"device:" + normalise_email(email).encode(), hashlib.sha256).hexdigest()[:32]


def _entries():
    raw = request.cookies.get(COOKIE)
    if not raw:
        return []
    try:
        entries = _serializer().loads(raw)
    except BadSignature:
        return []
    if not isinstance(entries, list):
        return []
    return [e for e in entries if isinstance(e, list) and len(e) == 2 and all(isinstance(v, str) for v in e)]


def trusted_nonce(email):
    """The nonce of this browser's device cookie for that account, or None (an untrusted browser)."""
    if not email:
        return None
    key = _account_key(email)
    return next((nonce for account, nonce in _entries() if hmac.compare_digest(account, key)), None)


def remember_device(user):
    """After a successful sign-in: (re)issue this browser's device cookie for the user, with a new nonce."""
    key = _account_key(user.email)
    entries = [e for e in _entries() if e[0] != key] + [[key, secrets.token_urlsafe(16)]]
    value = _serializer().dumps(entries[-MAX_ACCOUNTS:])

    @after_this_request
    def _set_cookie(response):
        response.set_cookie(
            COOKIE, value, max_age=current_app.config["DEVICE_COOKIE_DAYS"] * 86400, path="/connexion",
            secure=current_app.config["SESSION_COOKIE_SECURE"], httponly=True, samesite="Lax",
        )
        return response
