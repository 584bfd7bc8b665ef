"""Online SQLite backup and checked restore; logs without secrets or forged lines."""
import logging
import threading

import pytest

from app.common.logs import scrub


@pytest.mark.sqlite  # reads the SQLite file itself
def test_backup_while_writing_then_restore(tmp_path):
    from flask_migrate import upgrade

    from app import create_app
    from app.audit.models import AuditLog
    from app.audit.services import audit
    from app.extensions import db

    url = f"sqlite:///{tmp_path / 'live.db'}"
    app = create_app("test", SQLALCHEMY_DATABASE_URI=url, INSTANCE_PATH=str(tmp_path))
    with app.app_context():
        upgrade()
        for i in range(300):
            audit(None, "test.before_backup", None, {"i": i})
        db.session.commit()

    stop = threading.Event()

    def keep_writing():
        with app.app_context():
            while not stop.is_set():
                audit(None, "test.during_backup", None, {})
                db.session.commit()

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        with app.app_context():  # the CLI runs against this app, not the test session's
            result = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "backup.db")])
    finally:
        stop.set()
        writer.join(timeout=30)
    assert result.exit_code == 0, result.output
    assert "intégrité vérifiée" in result.output

    import sqlite3

    snapshot = sqlite3.connect(tmp_path / "backup.db")
    backed_up = snapshot.execute("select count(*) from audit_log").fetchone()[0]
    snapshot.close()
    assert backed_up >= 300

    # Restore into a new database and compare row counts table by table.
    target_url = f"sqlite:///{tmp_path / 'restored.db'}"
    other = create_app("test", SQLALCHEMY_DATABASE_URI=target_url, INSTANCE_PATH=str(tmp_path))
    with other.app_context():
        restored = other.test_cli_runner().invoke(args=["restore", str(tmp_path / "backup.db")])
        assert restored.exit_code == 0, restored.output
        assert db.session.scalar(db.select(db.func.count(AuditLog.id))) == backed_up
        db.engine.dispose()
        refused = other.test_cli_runner().invoke(args=["restore", str(tmp_path / "backup.db")])
    assert refused.exit_code == 1 and "--force" in refused.output
    with app.app_context():
        db.engine.dispose()


def test_restore_refuses_a_corrupt_backup(tmp_path):
    import sqlite3

    from app.common.backup import BackupError, restore_sqlite

    bad = tmp_path / "corrupt.db"
    bad.write_bytes(b"SQLite format 3\x00" + b"\x00" * 100 + b"garbage" * 1000)
    with pytest.raises((BackupError, sqlite3.DatabaseError)):
        restore_sqlite(bad, f"sqlite:///{tmp_path / 'target.db'}")
    assert not (tmp_path / "target.db").exists()


def test_backup_refuses_postgresql(tmp_path):
    from app.common.backup import BackupError, backup_sqlite

    with pytest.raises(BackupError, match="pg_dump"):
        backup_sqlite("postgresql+psycopg://u@localhost/db", tmp_path / "x.db")


def test_scrub_masks_secrets_and_newlines():
    line = scrub("GET /mot-de-passe/reinitialiser/AbCdEf123 password=hunter2hunter2 Authorization: Bearer psr_abcdefghijklmnop\nFAKE LINE")
    assert "AbCdEf123" not in line and "hunter2" not in line and "psr_abcdefghijklmnop" not in line
    assert "\n" not in line and "\\nFAKE LINE" in line


def test_logged_records_never_contain_passwords_tokens_or_cookies(app, client, make_user, caplog):
    """Through the app's own logging set-up (create_app): the test installs no filter of its own."""
    from app.accounts import services
    from tests.factories import PASSWORD

    user = make_user()
    _t, raw = services.create_api_token(user, user)
    client.post("/connexion", data={"email": user.email, "password": PASSWORD})
    cookie = client.get_cookie("session").value
    # A handler added after the app started (a log shipper, the server's own): it gets no filter.
    shipped = []
    shipper = logging.Handler(logging.INFO)
    shipper.emit = lambda record: shipped.append(record.getMessage())  # as written, at that moment
    logging.getLogger().handlers.insert(0, shipper)  # first: it sees records before any other handler
    with caplog.at_level(logging.INFO):
        logging.getLogger("werkzeug").info('127.0.0.1 "GET /api/v1/me?token=%s HTTP/1.1" 200', raw)
        logging.getLogger("app").info("login attempt for %s with password=%s", "x\nFORGED: admin logged in", PASSWORD)
        # A module logger (a child of "app") and a library's, as the code and its dependencies log.
        logging.getLogger("app.accounts.views").warning("request headers: Cookie: session=%s", cookie)
        logging.getLogger("urllib3.connectionpool").info("GET /hook Authorization: Bearer %s", raw)
        client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    logging.getLogger().removeHandler(shipper)
    messages = shipped
    assert len(messages) >= 4
    text = "\n".join(messages)
    assert raw not in text and cookie not in text
    assert not any(word in text for word in PASSWORD.split())  # a password with spaces, whole
    assert "Cookie: [masqué]" in text and "password=[masqué]" in text
    assert all("\n" not in message for message in messages)
    assert "\\nFORGED" in text
