"""Notifications: in the app for every follower; by e-mail (through the outbox) only when opted in."""
from app.notifications.models import Notification, OutboxEmail
from app.reports import services, triage
from tests.factories import PASSWORD
from tests.reports.factories import file_report


def _messages(db, user):
    return db.session.scalars(db.select(Notification.message).where(Notification.user_id == user.id)).all()


def test_followers_are_notified_and_email_needs_opt_in(app, world, db, outbox):
    report = file_report(world.agent, world.caf_app, what_happened="NIR 2 84 05 75 123 456 72 bloqué.")
    services.add_me_too(world.other_agent, report, 1)
    client = app.test_client()
    client.post("/connexion", data={"email": world.other_agent.email, "password": PASSWORD})
    assert client.post("/remontees/preferences", data={"email_opt_in": "y"}).status_code == 302
    triage.change_status(world.dev_caf, report, "qualified")
    for user in (world.agent, world.other_agent):
        assert any("« Qualifiée »" in m for m in _messages(db, user))
    assert [m["to"] for m in outbox] == [world.other_agent.email]
    assert report.reference in outbox[0]["body"] and "[NIR" not in outbox[0]["body"]
    sent = db.session.scalar(db.select(OutboxEmail))
    assert sent.sent_at is not None
    # Internal notes notify nobody; public answers do.
    triage.add_team_comment(world.dev_caf, report, "note", internal=True)
    assert not any("répondu" in m for m in _messages(db, world.agent))
    triage.add_team_comment(world.dev_caf, report, "réponse")
    assert any("L'équipe a répondu" in m for m in _messages(db, world.agent))


def test_team_is_told_when_an_agent_writes(world, db):
    report = file_report(world.agent, world.caf_app)
    services.post_agent_message(world.agent, report, "Précision : cela arrive aussi sur ordinateur.")
    assert any(report.reference in m for m in _messages(db, world.dev_caf))
    assert _messages(db, world.dev_ants) == []


def test_a_failing_mail_server_loses_nothing(app, world, db):
    services.set_email_opt_in(world.agent, True)
    report = file_report(world.agent, world.caf_app)
    app.config["MAIL_BACKEND"] = "smtp"
    app.config["SMTP_HOST"], app.config["SMTP_PORT"] = "127.0.0.1", 9
    try:
        triage.change_status(world.dev_caf, report, "qualified")
        from app.notifications.services import deliver_pending

        assert deliver_pending() == (0, 1)
    finally:
        app.config["MAIL_BACKEND"] = "memory"
    row = db.session.scalar(db.select(OutboxEmail))
    assert row.sent_at is None and row.attempts == 1 and row.last_error
    assert report.status == "qualified"
