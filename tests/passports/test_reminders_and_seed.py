"""`flask reminders send` tells agents of entries expiring within 60 days, once per entry; the demo passports."""
from datetime import date, timedelta

from app.accounts.models import find_user_by_email
from app.extensions import db
from app.notifications.models import Notification
from app.passports.models import EvidenceLog, PassportEntry
from app.passports.reminders import send_expiry_reminders
from app.passports.scope import hr_scope
from app.passports.seed import seed_passport_demo
from app.seed import seed_demo
from tests.factories import UserFactory
from tests.passports.core_factories import EntryFactory
from tests.training.learning_helpers import import_fixture_curricula

TODAY = date(2026, 6, 1)


def _reminders(user):
    return db.session.scalars(
        db.select(Notification).where(Notification.user_id == user.id, Notification.kind == "passport.expiring")
    ).all()


def test_entries_expiring_within_60_days_are_reminded_once(agent):
    soon = EntryFactory(holder=agent, status="validated", valid_until=TODAY + timedelta(days=60))
    EntryFactory(holder=agent, status="validated", valid_until=TODAY + timedelta(days=61))  # later
    EntryFactory(holder=agent, status="validated", valid_until=TODAY - timedelta(days=1))  # already expired
    EntryFactory(holder=agent, status="revoked", valid_until=TODAY + timedelta(days=10))  # revoked
    EntryFactory(holder=agent, status="validated", valid_until=None)  # no end
    inactive = UserFactory(role="agent", active=False)
    EntryFactory(holder=inactive, status="validated", valid_until=TODAY + timedelta(days=5))

    assert send_expiry_reminders(TODAY) == 1
    [notification] = _reminders(agent)
    assert soon.competency.code in notification.message and "31/07/2026" in notification.message
    assert notification.link == f"/passeport/lignes/{soon.id}"
    assert db.session.scalar(db.select(EvidenceLog.action).where(EvidenceLog.entry_id == soon.id)) == "expiry_reminder"
    assert send_expiry_reminders(TODAY) == 0
    assert send_expiry_reminders(TODAY + timedelta(days=30)) == 1  # the 61-day one is now within reach
    assert len(_reminders(agent)) == 2


def test_the_reminders_command_includes_the_passport(app, agent):
    EntryFactory(holder=agent, status="validated", valid_until=TODAY + timedelta(days=20))
    runner = app.test_cli_runner()
    first = runner.invoke(args=["reminders", "send", "--date", TODAY.isoformat()])
    assert first.exit_code == 0, first.output
    assert "Passeport : 1 ligne(s) arrivant à échéance" in first.output
    second = runner.invoke(args=["reminders", "send", "--date", TODAY.isoformat()])
    assert "Passeport : 0 ligne(s)" in second.output


def _entries_of(email):
    user = find_user_by_email(email)
    return db.session.scalars(db.select(PassportEntry).where(PassportEntry.holder_id == user.id)).all()


def test_demo_passports_are_idempotent_and_fill_the_queue(db):
    seed_demo()
    assert seed_passport_demo() is False  # no referential yet: nothing to do
    import_fixture_curricula()
    assert seed_passport_demo() is True
    entries = _entries_of("agent.fs@passerelle.example")
    statuses = sorted((e.source, e.status, e.expired) for e in entries)
    assert ("experience", "validated", False) in statuses
    assert ("experience", "draft", False) in statuses
    assert ("experience", "submitted", False) in statuses
    assert ("training", "validated", True) in statuses
    rh_fs = find_user_by_email("rh.fs@passerelle.example")
    queue = db.session.scalars(hr_scope(rh_fs).where(PassportEntry.status == "submitted")).all()
    assert [e.holder.email for e in queue] == ["agent.fs@passerelle.example"]
    caf = _entries_of("agent.caf@passerelle.example")
    assert [(e.status, e.validated_by_org.code) for e in caf] == [("validated", "CAF-DEMO")]
    counts = (db.session.scalar(db.select(db.func.count(PassportEntry.id))),
              db.session.scalar(db.select(db.func.count(EvidenceLog.id))))
    seed_passport_demo()
    seed_demo()
    assert (db.session.scalar(db.select(db.func.count(PassportEntry.id))),
            db.session.scalar(db.select(db.func.count(EvidenceLog.id)))) == counts
