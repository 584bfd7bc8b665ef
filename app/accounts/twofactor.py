"""Two-factor authentication with TOTP (RFC 6238) and single-use recovery codes."""
import base64
import hashlib
import hmac
import secrets

import pyotp
import segno
from flask import current_app
from markupsafe import Markup

from app.accounts.models import RecoveryCode, hash_token
from app.audit.services import audit
from app.common.timezones import utcnow
from app.extensions import db

RECOVERY_CODES = 10


class TwoFactorError(ValueError):
    pass


def is_required(user):
    return user.role in current_app.config["TOTP_REQUIRED_ROLES"]


def new_setup_nonce():
    return secrets.token_urlsafe(16)


def setup_secret(user, nonce):
    """The secret offered during set-up, derived on the server from a nonce the session keeps.

    The session cookie is signed, not encrypted: it carries the nonce, never the secret.
    """
    key = current_app.config["SECRET_KEY"]
    key = key.encode() if isinstance(key, str) else key
    message = f"totp-setup:{user.id}:{user.session_version}:{nonce}".encode()
    digest = hmac.new(key, message, hashlib.sha256).digest()[:20]
    return base64.b32encode(digest).decode()


def provisioning_uri(user, secret):
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=current_app.config["TOTP_ISSUER"])


def qr_svg(uri):
    """The provisioning URI as an inline SVG QR code (no external request, no inline style)."""
    svg = segno.make(uri, error="m").svg_inline(scale=4, title="Code QR de configuration")
    return Markup(svg)  # noqa: S704  # nosec B704


def _normalise(code):
    return "".join((code or "").split()).replace("-", "").lower()


def _accept_totp(user, secret, code):
    """True for a valid code of the current or adjacent step, never twice the same step."""
    code = _normalise(code)
    if not code.isdigit() or len(code) != 6:
        return False
    totp = pyotp.TOTP(secret)
    current_step = totp.timecode(utcnow())
    for step in (current_step - 1, current_step, current_step + 1):
        if secrets.compare_digest(totp.generate_otp(step), code):
            if user.totp_last_step is not None and step <= user.totp_last_step:
                return False  # already used (replay)
            user.totp_last_step = step
            return True
    return False


def enable(user, secret, code):
    """Turn two-factor authentication on after checking a first code; returns the recovery codes."""
    if not _accept_totp(user, secret, code):
        raise TwoFactorError("Code incorrect. Vérifiez l'heure de votre téléphone et saisissez le code affiché.")
    user.totp_secret = secret
    user.totp_enabled_at = utcnow()
    codes = _replace_recovery_codes(user)
    user.session_version += 1  # other sessions must sign in again with the second factor
    audit(user, "auth.2fa_enabled", user)
    db.session.commit()
    return codes


def _replace_recovery_codes(user):
    db.session.execute(db.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = secrets.token_hex(5)
        codes.append(f"{raw[:5]}-{raw[5:]}")
        db.session.add(RecoveryCode(user_id=user.id, code_hash=hash_token(raw)))
    return codes


def verify(user, code):
    """Check a TOTP or recovery code at login; a code is accepted once. Commits."""
    if not user.totp_enabled:
        return False
    if _accept_totp(user, user.totp_secret, code):
        audit(user, "auth.2fa_ok", user)
        db.session.commit()
        return True
    recovery = db.session.scalar(
        db.select(RecoveryCode).where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == hash_token(_normalise(code)),
            RecoveryCode.used_at.is_(None),
        )
    )
    if recovery is not None:
        recovery.used_at = utcnow()
        audit(user, "auth.2fa_recovery_code", user)
        db.session.commit()
        return True
    db.session.rollback()
    return False


def disable(actor, user):
    """Turn it off (the holder, or an admin for a lost device)."""
    if actor.id == user.id and is_required(user):
        raise TwoFactorError("La double authentification est obligatoire pour votre rôle.")
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    db.session.execute(db.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    user.session_version += 1
    audit(actor, "auth.2fa_disabled", user)
    db.session.commit()


def remaining_recovery_codes(user):
    return db.session.scalar(
        db.select(db.func.count(RecoveryCode.id)).where(
            RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
        )
    )
