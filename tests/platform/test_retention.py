"""flask purge: deletes what is past retention, idempotent, logged."""
from datetime import timedelta

from app.audit.models import AuditLog
from app.audit.services import audit
from app.common.timezones import utcnow
from app.notifications.models import Notification
from app.notifications.services import notify


def test_purge_deletes_old_rows_once(app, db, make_user):
    user = make_user()
    old = audit(None, "test.old")
    recent = audit(None, "test.recent")
    notify(user, "info", "ancienne")
    db.session.commit()
    db.session.execute(db.update(AuditLog).where(AuditLog.id == old.id).values(at=utcnow() - timedelta(days=400)))
    db.session.execute(db.update(Notification).values(created_at=utcnow() - timedelta(days=400)))
    db.session.commit()
    runner = app.test_cli_runner()
    first = runner.invoke(args=["purge"])
    assert first.exit_code == 0 and "audit_log 1" in first.output and "notifications 1" in first.output
    actions = set(db.session.scalars(db.select(AuditLog.action)))
    assert "test.old" not in actions and "test.recent" in actions and "retention.purge" in actions
    second = runner.invoke(args=["purge"])
    assert "rien à supprimer" in second.output
    assert recent.id
