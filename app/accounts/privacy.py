"""RGPD: an agent's data export ("Mes données") and account erasure.

Each domain registers what it holds about a person, so that this module imports none of them.
"""
from datetime import date, datetime, timedelta

from app.accounts.models import (
    ApiToken,
    Membership,
    OneTimeToken,
    PendingForm,
    RecoveryCode,
    User,
)
from app.audit.services import audit
from app.common.timezones import utcnow
from app.extensions import db
from app.notifications.models import Notification, OutboxEmail

_exporters = {}  # section name -> function(user) -> JSON-serialisable data
_erasers = []  # function(user): delete or anonymise the domain's rows (no commit)


def register_exporter(section, function):
    _exporters[section] = function


def register_eraser(function):
    if function not in _erasers:
        _erasers.append(function)


def _jsonable(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


def _account_section(user):
    memberships = db.session.scalars(
        db.select(Membership).where(Membership.user_id == user.id).order_by(Membership.started_at)
    ).all()
    notifications = db.session.scalars(
        db.select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
    ).all()
    tokens = db.session.scalars(db.select(ApiToken).where(ApiToken.user_id == user.id)).all()
    return {
        "email": user.email,
        "full_name": user.full_name,
        "role": user.role,
        "active": user.active,
        "created_at": user.created_at,
        "last_login_at": user.last_login_at,
        "last_home_visit_at": user.last_home_visit_at,
        "two_factor_enabled": user.totp_enabled,
        "organisation": user.organisation.code if user.organisation else None,
        "team": user.team.code if user.team else None,
        "memberships": [
            {"organisation": m.organisation.code, "started_at": m.started_at, "ended_at": m.ended_at}
            for m in memberships
        ],
        "notifications": [
            {"message": n.message, "created_at": n.created_at, "read_at": n.read_at} for n in notifications
        ],
        "api_tokens": [
            {"label": t.label, "prefix": t.prefix, "created_at": t.created_at, "revoked_at": t.revoked_at}
            for t in tokens
        ],
    }


def export_personal_data(actor, user):
    """Everything Passerelle holds about `user`, and nothing about anyone else."""
    data = {"generated_at": utcnow(), "account": _account_section(user)}
    for section, function in sorted(_exporters.items()):
        data[section] = function(user)
    audit(actor, "privacy.export", user)
    db.session.commit()
    return _jsonable(data)


def erase_account(actor, user):
    """Remove or anonymise a person's data; shared work (reports) survives without them."""
    for eraser in _erasers:
        eraser(user)
    old_email = user.email
    for model in (ApiToken, OneTimeToken, PendingForm, RecoveryCode, Notification, Membership):
        db.session.execute(db.delete(model).where(model.user_id == user.id))
    db.session.execute(db.delete(OutboxEmail).where(OutboxEmail.recipient == old_email))
    user.email = f"compte-efface-{user.id}@anonyme.invalid"
    user.full_name = "Compte effacé"
    user.password_hash = None
    user.active = False
    user.totp_secret = None
    user.totp_enabled_at = None
    user.session_version += 1
    user.organisation_id = None
    user.team_id = None
    audit(actor, "privacy.erase", user)
    db.session.commit()


__all__ = ["User", "erase_account", "export_personal_data", "register_eraser", "register_exporter"]


def purge_expired_tokens(now, config):
    """One-time tokens a week after they expired, forms kept across a session expiry after a day."""
    tokens = db.session.execute(
        db.delete(OneTimeToken).where(OneTimeToken.expires_at < now - timedelta(days=7))
    ).rowcount
    forms = db.session.execute(
        db.delete(PendingForm).where(PendingForm.created_at < now - timedelta(days=1))
    ).rowcount
    return {"one_time_tokens": tokens, "pending_forms": forms}
