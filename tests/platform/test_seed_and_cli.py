"""flask seed demo, the CLI commands, notifications and the e-mail outbox."""
import os
import subprocess
import sys
from pathlib import Path

from app.accounts.models import Organisation, Team, User
from app.extensions import db as _db
from app.notifications.models import Notification, OutboxEmail
from app.notifications.services import deliver_pending, notify, queue_email

ROOT = Path(__file__).resolve().parents[2]


def _row_counts(db):
    with db.engine.connect() as conn:
        return {
            t.name: conn.execute(_db.select(_db.func.count()).select_from(t)).scalar()
            for t in db.metadata.sorted_tables
        }


def test_seed_demo_twice_leaves_the_same_rows(app, db):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed", "demo"])
    assert first.exit_code == 0, first.output
    assert "agent.fs@passerelle.example" in first.output
    counts = _row_counts(db)
    # The reports catalogue adds the teams that own its services (TEAM-AMELI...).
    assert counts["users"] == 14 and counts["organisations"] == 4 and counts["teams"] >= 2
    assert counts["training_tutors"] == 1  # tuteur.fs, granted by rh.fs
    second = runner.invoke(args=["seed", "demo"])
    assert second.exit_code == 0
    after = _row_counts(db)
    # Logins are not part of seeding; audit rows are not written by the seed either.
    assert after == counts
    fs = db.session.scalar(db.select(User).where(User.email == "agent.fs@passerelle.example"))
    assert fs.organisation.code == "FS-DEMO" and fs.role == "agent"
    dev = db.session.scalar(db.select(User).where(User.email == "dev.ants@passerelle.example"))
    assert dev.team.code == "TEAM-ANTS"


def test_seed_demo_refused_in_production(app, db, tmp_path):
    from app.common.keys import new_signing_key_pem

    before = _row_counts(db)
    env = dict(os.environ)
    env.update(
        APP_ENV="production",
        SECRET_KEY="x" * 40,
        BASE_URL="https://passerelle.example",
        PASSPORT_SIGNING_KEY=new_signing_key_pem(2048).decode(),
        DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
        INSTANCE_PATH=str(tmp_path),
    )
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "seed", "demo"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode != 0
    assert "interdites en production" in result.stderr
    assert _row_counts(db) == before


def test_production_refuses_to_start_without_secret_key(tmp_path, monkeypatch):
    import pytest

    from app import create_app

    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("BASE_URL", "https://passerelle.example")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production", SECRET_KEY=None, INSTANCE_PATH=str(tmp_path))


def test_cli_creates_org_team_users_and_token(app, db):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["orgs", "create", "--code", "CCAS-1", "--name", "CCAS Un",
                               "--kind", "ccas", "--department", "2A"]).exit_code == 0
    assert runner.invoke(args=["orgs", "create", "--code", "PRIV-1", "--name", "Délégataire",
                               "--kind", "private", "--private"]).exit_code == 0
    assert runner.invoke(args=["teams", "create", "--code", "TEAM-Z", "--name", "Z"]).exit_code == 0
    result = runner.invoke(args=["users", "create", "--email", "a@example.org", "--name", "A",
                                 "--role", "agent", "--org", "CCAS-1"])
    assert result.exit_code == 0 and "Mot de passe (affiché une seule fois)" in result.output
    result = runner.invoke(args=["users", "create", "--email", "b@example.org", "--name", "B",
                                 "--role", "triager", "--team", "TEAM-Z", "--password-stdin"],
                           input="une phrase de passe solide\n")
    assert result.exit_code == 0 and "Mot de passe" not in result.output
    result = runner.invoke(args=["tokens", "create", "--email", "b@example.org", "--label", "ci"])
    assert result.exit_code == 0 and result.output.strip().startswith("psr_")
    bad = runner.invoke(args=["users", "create", "--email", "c@example.org", "--name", "C",
                              "--role", "agent"])
    assert bad.exit_code == 1 and "structure" in bad.output
    assert db.session.scalar(db.select(Organisation).where(Organisation.code == "PRIV-1")).is_public is False
    assert db.session.scalar(db.select(Team).where(Team.code == "TEAM-Z")) is not None


def test_notify_count_list_and_mark_read(client, login, db):
    user = login()
    notify(user, "info", "Votre parcours commence lundi.", "/agent")
    notify(user, "info", "Deuxième message.")
    db.session.commit()
    html = client.get("/agent").get_data(as_text=True)
    assert "2<span class=\"fr-sr-only\"> non lues" in html
    assert "Votre parcours commence lundi." in client.get("/notifications").get_data(as_text=True)
    client.post("/notifications/lues")
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count(Notification.id)).where(Notification.read_at.is_(None))) == 0


def test_notifications_are_private(client, login, make_user, db):
    login()
    other = make_user()
    notify(other, "info", "Message privé de quelqu'un d'autre")
    db.session.commit()
    assert "Message privé" not in client.get("/notifications").get_data(as_text=True)


def test_failing_mail_server_loses_nothing(app, db):
    app.config["MAIL_BACKEND"] = "smtp"
    app.config["SMTP_HOST"], app.config["SMTP_PORT"] = "127.0.0.1", 9
    try:
        queue_email("x@example.org", "Sujet", "Corps")
        db.session.commit()
        sent, failed = deliver_pending()
        assert (sent, failed) == (0, 1)
        row = db.session.scalar(db.select(OutboxEmail))
        assert row.sent_at is None and row.attempts == 1 and row.last_error
    finally:
        app.config["MAIL_BACKEND"] = "memory"
    sent, failed = deliver_pending()
    assert (sent, failed) == (1, 0)
    assert db.session.scalar(db.select(OutboxEmail)).sent_at is not None


def test_outbox_send_command(app, db, outbox):
    queue_email("y@example.org", "Bonjour", "Texte")
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["outbox", "send"])
    assert result.exit_code == 0 and "1 e-mail(s) envoyé(s)" in result.output
    assert outbox[-1]["to"] == "y@example.org"


def test_console_backend_writes_instance_mail(app, db, tmp_path):
    app.config["MAIL_BACKEND"] = "console"
    try:
        queue_email("z@example.org", "Console", "Texte")
        db.session.commit()
        deliver_pending()
    finally:
        app.config["MAIL_BACKEND"] = "memory"
    files = list((Path(app.instance_path) / "mail").glob("*.eml"))
    assert any("z@example.org" in f.read_text() for f in files)


def test_times_shown_in_organisation_time_zone(app):
    from datetime import UTC, datetime

    from app.common.timezones import to_local

    moment = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
    assert to_local(moment, "75").strftime("%H:%M") == "14:00"
    assert to_local(moment, "974").strftime("%H:%M") == "16:00"
    assert to_local(moment, "971").strftime("%H:%M") == "08:00"
    assert to_local(moment, "976").strftime("%H:%M") == "15:00"


def test_localtime_filter_uses_the_viewers_departement(app, db):
    from datetime import UTC, datetime

    from flask import render_template_string
    from flask_login import login_user

    from tests.factories import OrganisationFactory, UserFactory

    reunion = UserFactory(organisation=OrganisationFactory(department="974"))
    paris = UserFactory(organisation=OrganisationFactory(department="75"))
    db.session.commit()
    moment = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
    template = "{{ moment|localtime('%H:%M') }} {{ moment|localtime('%H:%M') }}"
    with app.test_request_context():
        login_user(reunion)
        assert render_template_string(template, moment=moment) == "16:00 16:00"
    with app.test_request_context():
        login_user(paris)
        assert render_template_string(template, moment=moment) == "13:00 13:00"
    with app.test_request_context():
        assert render_template_string(template, moment=moment) == "13:00 13:00"  # anonymous: Paris time
