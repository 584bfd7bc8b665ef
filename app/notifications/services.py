"""notify() and the e-mail outbox."""
import smtplib
from email.message import EmailMessage
from pathlib import Path

from flask import current_app, g, has_app_context

from app.common.retention import months
from app.common.timezones import utcnow
from app.extensions import db
from app.notifications.models import Notification, OutboxEmail

# Messages delivered by the "memory" backend (tests).
MEMORY_OUTBOX = []


# Key of the (user id, unread count) pair read with the signed-in user at the start of a request.
UNREAD_KEY = "unread_notifications"


def _forget_unread_count():
    if has_app_context():
        g.pop(UNREAD_KEY, None)


def notify(user, kind, message, link=None):
    """Tell a user something in the app; the caller commits."""
    row = Notification(user_id=user.id, kind=kind, message=message[:500], link=link)
    db.session.add(row)
    _forget_unread_count()
    return row


def unread_count_column(user_id):
    """The unread count as a subquery, so that loading the signed-in user reads it in the same query."""
    return (
        db.select(db.func.count(Notification.id))
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        .scalar_subquery()
    )


def remember_unread_count(user_id, count):
    """Keep the count read with the user for this request (dropped as soon as it may have changed)."""
    g.setdefault(UNREAD_KEY, (user_id, count))


def unread_count(user):
    known = g.get(UNREAD_KEY) if has_app_context() else None
    if known is not None and known[0] == user.id:
        return known[1]
    return db.session.scalar(
        db.select(db.func.count(Notification.id)).where(
            Notification.user_id == user.id, Notification.read_at.is_(None)
        )
    )


def notifications_for(user):
    return (
        db.select(Notification)
        .where(Notification.user_id == user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
    )


def mark_read(user, notification_id=None):
    """Mark one (or all) of the user's notifications as read."""
    query = db.update(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)
    )
    if notification_id is not None:
        query = query.where(Notification.id == notification_id)
    result = db.session.execute(query.values(read_at=utcnow()))
    db.session.commit()
    _forget_unread_count()
    return result.rowcount


def queue_email(recipient, subject, body):
    """Put an e-mail in the outbox; the caller commits. Delivered by deliver_pending()."""
    row = OutboxEmail(recipient=recipient, subject=subject, body=body)
    db.session.add(row)
    return row


def _send(row):
    backend = current_app.config["MAIL_BACKEND"]
    if backend == "memory":
        MEMORY_OUTBOX.append({"to": row.recipient, "subject": row.subject, "body": row.body})
        return
    if backend == "console":
        current_app.logger.info("E-mail to %s: %s", row.recipient, row.subject)
        folder = Path(current_app.instance_path) / "mail"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{row.id:06d}.eml"
        path.write_text(
            f"To: {row.recipient}\nSubject: {row.subject}\n\n{row.body}\n", encoding="utf-8"
        )
        return
    if backend == "smtp":
        msg = EmailMessage()
        msg["From"] = current_app.config["MAIL_FROM"]
        msg["To"] = row.recipient
        msg["Subject"] = row.subject
        msg.set_content(row.body)
        config = current_app.config
        with smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=20) as smtp:
            if config["SMTP_STARTTLS"]:
                smtp.starttls()
            if config["SMTP_USERNAME"]:
                smtp.login(config["SMTP_USERNAME"], config["SMTP_PASSWORD"])
            smtp.send_message(msg)
        return
    raise RuntimeError(f"unknown MAIL_BACKEND {backend!r}")


def deliver_pending(limit=100):
    """Send pending e-mails; a failure is recorded and retried next time. Returns (sent, failed)."""
    pending = (OutboxEmail.sent_at.is_(None), OutboxEmail.attempts < 10)
    ids = db.session.scalars(
        db.select(OutboxEmail.id).where(*pending).order_by(OutboxEmail.id).limit(limit)
    ).all()
    db.session.commit()
    sent = failed = 0
    for row_id in ids:
        # Locked while it is sent: a worker and `flask outbox send` running together never send
        # the same e-mail twice (PostgreSQL; SQLite serialises writers anyway).
        row = db.session.scalar(
            db.select(OutboxEmail)
            .where(OutboxEmail.id == row_id, *pending)
            .with_for_update(skip_locked=True)
            .execution_options(populate_existing=True)
        )
        if row is None:
            db.session.commit()
            continue
        row.attempts += 1
        try:
            _send(row)
        except Exception as exc:  # noqa: BLE001 - any delivery failure is retried later
            row.last_error = str(exc)[:500]
            failed += 1
        else:
            row.sent_at = utcnow()
            row.last_error = None
            sent += 1
        db.session.commit()
    return sent, failed


def deliver_inline():
    """Call after commit: the worker delivers when Redis is set, else the console and memory
    backends deliver at once (SMTP without a worker waits for `flask outbox send`)."""
    from app.common.jobs import enqueue

    if enqueue("outbox"):
        return
    if current_app.config["MAIL_BACKEND"] in {"console", "memory"}:
        deliver_pending()


def deliver_outbox():
    """The "outbox" job: send every pending e-mail; failures stay in the outbox for the next run."""
    total = 0
    while True:
        sent, _failed = deliver_pending()
        total += sent
        if sent == 0:
            return total


def purge_notifications(now, config):
    """Notifications and e-mails (sent, or never delivered) past their retention period."""
    notifications = db.session.execute(
        db.delete(Notification).where(Notification.created_at < now - months(config["RETENTION_NOTIFICATIONS_MONTHS"]))
    ).rowcount
    emails_cutoff = now - months(config["RETENTION_EMAILS_MONTHS"])
    # Sent ones by their sending date; those never delivered (refused, abandoned) by their creation date.
    emails = db.session.execute(
        db.delete(OutboxEmail).where(db.or_(
            OutboxEmail.sent_at < emails_cutoff,
            db.and_(OutboxEmail.sent_at.is_(None), OutboxEmail.created_at < emails_cutoff),
        ))
    ).rowcount
    return {"notifications": notifications, "outbox_emails": emails}
