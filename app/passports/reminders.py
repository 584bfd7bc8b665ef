"""Reminders of passport entries about to expire: each entry's holder is told once, 60 days ahead."""
from datetime import timedelta

from sqlalchemy.orm import joinedload

from app.accounts.models import User
from app.audit.services import audit
from app.common.urls import local_path
from app.extensions import db
from app.notifications.services import notify
from app.passports.models import EntryStatus, EvidenceLog, PassportEntry

EXPIRY_NOTICE_DAYS = 60
REMINDER = "expiry_reminder"


def expiring_entries(today):
    """Validated entries of active holders ending within 60 days, not reminded yet (1 query)."""
    reminded = db.select(EvidenceLog.id).where(
        EvidenceLog.entry_id == PassportEntry.id, EvidenceLog.action == REMINDER
    ).exists()
    return db.session.scalars(
        db.select(PassportEntry)
        .join(User, PassportEntry.holder_id == User.id)
        .where(
            PassportEntry.status == EntryStatus.VALIDATED,
            PassportEntry.valid_until >= today,
            PassportEntry.valid_until <= today + timedelta(days=EXPIRY_NOTICE_DAYS),
            User.active.is_(True),
            ~reminded,
        )
        .options(joinedload(PassportEntry.holder), joinedload(PassportEntry.competency))
        .order_by(PassportEntry.id)
    ).unique().all()


def send_expiry_reminders(today):
    """Notify holders of entries expiring within 60 days, once per entry (the evidence log keeps it); one commit."""
    entries = expiring_entries(today)
    for entry in entries:
        competency = entry.competency
        ends = entry.valid_until.strftime("%d/%m/%Y")
        db.session.add(EvidenceLog(entry_id=entry.id, actor_id=None, action=REMINDER, note=f"Échéance le {ends}"))
        notify(
            entry.holder, "passport.expiring",
            f"Votre ligne de passeport « {competency.code} — {competency.title} (niveau {entry.level}) » "
            f"arrive à échéance le {ends}. Pensez à la renouveler.",
            local_path("passport.entry_detail", entry_id=entry.id),
        )
    if entries:
        audit(None, "passport.reminders_sent", None, {"entries": len(entries)})
        db.session.commit()
    return len(entries)
