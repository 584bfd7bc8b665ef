"""Retention: `flask purge` deletes what is past its retention period (idempotent, logged)."""
from datetime import timedelta

from app.audit.models import AuditLog
from app.audit.services import audit
from app.common.timezones import utcnow
from app.extensions import db

_purgers = []  # function(now, config) -> {label: count}


def register_purger(function):
    if function not in _purgers:
        _purgers.append(function)


def _months(n):
    return timedelta(days=30 * n)


def _core_purge(now, config):
    from app.accounts.models import OneTimeToken, PendingForm
    from app.notifications.models import Notification, OutboxEmail

    counts = {}
    cutoff = now - _months(config["RETENTION_AUDIT_MONTHS"])
    # The audit log is append-only for the application; only retention removes old rows.
    counts["audit_log"] = db.session.execute(db.delete(AuditLog).where(AuditLog.at < cutoff)).rowcount
    counts["notifications"] = db.session.execute(
        db.delete(Notification).where(Notification.created_at < now - _months(config["RETENTION_NOTIFICATIONS_MONTHS"]))
    ).rowcount
    emails_cutoff = now - _months(config["RETENTION_EMAILS_MONTHS"])
    # Sent ones by their sending date; those never delivered (refused, abandoned) by their creation date.
    counts["outbox_emails"] = db.session.execute(
        db.delete(OutboxEmail).where(db.or_(
            OutboxEmail.sent_at < emails_cutoff,
            db.and_(OutboxEmail.sent_at.is_(None), OutboxEmail.created_at < emails_cutoff),
        ))
    ).rowcount
    counts["one_time_tokens"] = db.session.execute(
        db.delete(OneTimeToken).where(OneTimeToken.expires_at < now - timedelta(days=7))
    ).rowcount
    counts["pending_forms"] = db.session.execute(
        db.delete(PendingForm).where(PendingForm.created_at < now - timedelta(days=1))
    ).rowcount
    return counts


def purge(config, now=None):
    """Delete expired data everywhere; returns {what: rows deleted}."""
    now = now or utcnow()
    counts = _core_purge(now, config)
    for purger in _purgers:
        counts.update(purger(now, config))
    total = sum(counts.values())
    if total:
        audit(None, "retention.purge", None, {k: v for k, v in counts.items() if v})
    db.session.commit()
    return counts
