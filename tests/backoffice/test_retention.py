"""Acceptance 4: the citizen file block is unreadable in the database file and in a backup (raw
bytes), shown to the right people only, and gone after `flask purge` past SUPPORT_RETENTION_DAYS."""
from datetime import timedelta

import pytest
from sqlalchemy import text

from app.backoffice import requests
from app.backoffice.models import SupportAttachment, SupportRequest
from app.common.backup import backup_sqlite, sqlite_path
from app.common.timezones import utcnow
from app.extensions import db
from tests.backoffice.factories import CONSENT, agent, ask, expert, group
from tests.conftest import PG_URL
from tests.passports.core_factories import pdf_bytes

SECRETS = {"last_name": "Zéphyrine-Quasimodo", "caf_number": "9081726", "nir": "2 91 07 75 118 042 17",
           "phone": "07 98 76 54 32"}


def _raw(path):
    data = path.read_bytes() if path.exists() else b""
    wal = path.with_name(path.name + "-wal")
    return data + (wal.read_bytes() if wal.exists() else b"")


def _leaks(data):
    return [v for v in SECRETS.values() if v.encode() in data or v.replace(" ", "").encode() in data]


@pytest.mark.sqlite
def test_citizen_block_and_attachments_are_not_readable_in_the_file_or_a_backup(app, tmp_path):
    group(experts=[expert()])
    row = requests.create_request(agent(), {"operator": "caf", "subject": "RSA", "situation": "Suspendu."},
                                  SECRETS, CONSENT, [("piece.pdf", pdf_bytes())])
    db.session.execute(text("PRAGMA wal_checkpoint(FULL)"))
    path = sqlite_path(app.config["SQLALCHEMY_DATABASE_URI"])
    raw = _raw(path)
    assert row.reference.encode() in raw  # the file is the right one, and readable
    assert _leaks(raw) == []
    assert pdf_bytes()[:200] not in raw
    target = tmp_path / "backup.db"
    backup_sqlite(app.config["SQLALCHEMY_DATABASE_URI"], target)
    backup = target.read_bytes()
    assert row.reference.encode() in backup and _leaks(backup) == []
    assert dict(requests.read_citizen_block(row.author, row))["Nom"] == SECRETS["last_name"]


def test_purge_wipes_blocks_closed_past_retention_and_the_bytes_are_gone(app):
    caf = expert()
    group(experts=[caf])
    desk = agent()
    old = ask(desk, citizen=SECRETS, consent=CONSENT)
    recent = ask(desk, citizen=SECRETS, consent=CONSENT)
    requests_with_files = requests.create_request(desk, {"operator": "caf", "subject": "x", "situation": "y"},
                                                  SECRETS, CONSENT, [("piece.pdf", pdf_bytes())])
    from app.backoffice import conversation

    for row in (old, recent, requests_with_files):
        conversation.close(desk, row, "yes")
    retention = app.config["SUPPORT_RETENTION_DAYS"]
    assert retention == 180
    old.closed_at = utcnow() - timedelta(days=retention + 1)
    requests_with_files.closed_at = utcnow() - timedelta(days=retention + 1)
    recent.closed_at = utcnow() - timedelta(days=retention - 1)
    db.session.commit()
    ciphertext = old.citizen_block
    result = app.test_cli_runner().invoke(args=["purge"])
    assert result.exit_code == 0 and "support.citizen_blocks 2" in result.output, result.output
    db.session.expire_all()
    old, recent = db.session.get(SupportRequest, old.id), db.session.get(SupportRequest, recent.id)
    assert old.citizen_block is None and old.citizen_wiped_at is not None and old.subject  # the request stays
    assert recent.citizen_block is not None
    assert requests.read_citizen_block(desk, old) is None
    files = db.session.scalars(db.select(SupportAttachment)).all()
    assert [f.data for f in files] == [None]
    if not PG_URL:  # SQLite (secure_delete on): the wiped ciphertext is not left in the file either
        db.session.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
        assert ciphertext not in _raw(sqlite_path(app.config["SQLALCHEMY_DATABASE_URI"]))
    again = app.test_cli_runner().invoke(args=["purge"])
    assert "support.citizen_blocks" not in again.output  # idempotent: nothing left to wipe


def test_erasure_of_an_agent_anonymises_their_requests_and_my_data_exports_them(app):
    from app.accounts.privacy import erase_account, export_personal_data

    group(experts=[expert()])
    desk = agent()
    row = ask(desk, citizen=SECRETS, consent=CONSENT)
    exported = export_personal_data(desk, desk)
    assert [r["reference"] for r in exported["support"]["requests"]] == [row.reference]
    assert "Zéphyrine" not in str(exported)
    erase_account(None, desk)
    db.session.expire_all()
    row = db.session.get(SupportRequest, row.id)
    assert row.citizen_block is None and row.subject == "Droits RSA suspendus sans explication"
