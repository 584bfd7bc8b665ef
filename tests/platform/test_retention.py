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
    db.session.expire_all()
    assert db.session.get(AuditLog, recent.id) is not None  # what is within retention stays


def test_purge_removes_citizen_words_and_old_emails_past_retention(app, db, make_user):
    from app.notifications.models import OutboxEmail
    from app.notifications.services import queue_email
    from app.reports.models import Report
    from tests.reports.factories import ApplicationFactory, file_report

    agent = make_user(role="agent")
    application = ApplicationFactory()
    old_report = file_report(agent, application, on_behalf=True, consent=True, citizen_words="Je n'arrive pas à valider.")
    new_report = file_report(agent, application, on_behalf=True, consent=True, citizen_words="Le site me renvoie au début.")
    old_sent = queue_email("a@example.org", "Ancien envoyé", "corps")
    old_refused = queue_email("b@example.org", "Ancien jamais parti", "corps")
    recent = queue_email("c@example.org", "Récent", "corps")
    db.session.commit()
    long_ago = utcnow() - timedelta(days=400)
    db.session.execute(db.update(Report).where(Report.id == old_report.id).values(created_at=long_ago))
    db.session.execute(db.update(OutboxEmail).where(OutboxEmail.id == old_sent.id)
                       .values(created_at=long_ago, sent_at=long_ago))
    db.session.execute(db.update(OutboxEmail).where(OutboxEmail.id == old_refused.id)
                       .values(created_at=long_ago, sent_at=None, attempts=5, last_error="refusé"))
    db.session.execute(db.update(OutboxEmail).where(OutboxEmail.id == recent.id).values(sent_at=utcnow()))
    db.session.commit()
    assert old_report.citizen_words  # there is something to purge

    result = app.test_cli_runner().invoke(args=["purge"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert db.session.get(Report, old_report.id).citizen_words == ""
    assert db.session.get(Report, new_report.id).citizen_words == "Le site me renvoie au début."
    subjects = set(db.session.scalars(db.select(OutboxEmail.subject)))
    assert subjects == {"Récent"}
