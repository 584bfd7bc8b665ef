"""RGPD: "Mes données" export and account erasure leave no trace of the person."""
import json
import sqlite3
from pathlib import Path

import pytest

from app.accounts.models import User
from app.notifications.services import notify, queue_email


def test_my_data_export_contains_mine_and_nothing_else(client, login, make_user, db):
    me = login()
    other = make_user(full_name="Quelqu'un D'Autre")
    notify(me, "info", "Message pour moi")
    notify(other, "info", "Message secret de l'autre")
    db.session.commit()
    response = client.get("/compte/mes-donnees.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    data = json.loads(response.get_data(as_text=True))
    assert data["account"]["email"] == me.email
    assert [n["message"] for n in data["account"]["notifications"]] == ["Message pour moi"]
    text = json.dumps(data, ensure_ascii=False)
    assert other.email not in text and "Quelqu'un D'Autre" not in text and "secret de l'autre" not in text
    assert "training" in data


def _dump(db):
    """Logical SQL dump plus the raw bytes of the SQLite files."""
    path = Path(db.engine.url.database)
    db.session.remove()
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    raw = sqlite3.connect(path)
    dump = "\n".join(raw.iterdump())
    raw.close()
    files = b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))
    return dump, files


@pytest.mark.sqlite  # reads the SQLite file itself
def test_erasure_leaves_neither_email_nor_name(client, login, db):
    from app.training import learning
    from app.training.curricula.importer import import_curricula
    from app.training.services import module_by_slug
    from tests.training.conftest import FIXTURE

    import_curricula(FIXTURE)
    agent = login(full_name="Zéphyrine Effaçable", email="zephyrine.effacable@example.org")
    agent_id = agent.id
    module = module_by_slug("accueil-base")
    learning.mark_lesson_done(agent, module, module.current_version.lessons[0])
    learning.submit_attempt(agent, module, {"ab-q01": ["b"]})
    notify(agent, "info", "Bonjour Zéphyrine Effaçable")
    queue_email(agent.email, "Sujet", "Bonjour Zéphyrine Effaçable")
    db.session.commit()
    # A passport entry with an evidence file, and a report the teams keep working on.
    from flask import current_app

    from app.passports.evidence import evidence_path
    from app.passports.models import EvidenceFile
    from tests.passports.core_factories import EntryFactory
    from tests.reports.factories import ApplicationFactory, file_report

    entry = EntryFactory(holder=agent, description="Zéphyrine Effaçable accueille au guichet")
    key = "erasure-test-file"
    path = evidence_path(key)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"%PDF-1.4 Zephyrine Effacable zephyrine.effacable@example.org")
    db.session.add(EvidenceFile(entry_id=entry.id, uploaded_by_id=agent.id, filename="cv.pdf",
                                content_type="application/pdf", size=10, sha256="0" * 64, storage_key=key))
    db.session.commit()
    report = file_report(agent, ApplicationFactory(), citizen_words="Merci Zéphyrine Effaçable")
    report_id = report.id
    upload_root = Path(current_app.instance_path)
    client.get("/compte/mes-donnees.json")

    response = client.post("/compte/effacer", data={"confirmation": "EFFACER", "password": "correct horse battery staple"})
    assert response.status_code == 302
    assert client.get("/compte").status_code == 302  # sessions ended
    dump, files = _dump(db)
    for needle in ("zephyrine.effacable@example.org", "Zéphyrine", "Effaçable"):
        assert needle not in dump, needle
        assert needle.encode() not in files, needle
    for stored in upload_root.rglob("*"):
        if stored.is_file():
            content = stored.read_bytes()
            assert b"zephyrine.effacable@example.org" not in content and b"Zephyrine" not in content, stored
    from app.reports.models import Report

    assert db.session.get(Report, report_id) is not None  # the teams' work survives, anonymised
    erased = db.session.get(User, agent_id)
    assert erased.active is False and erased.email.endswith("@anonyme.invalid")


def test_erasure_needs_confirmation(client, login, db):
    me = login()
    response = client.post("/compte/effacer", data={"confirmation": "oui", "password": "correct horse battery staple"})
    assert response.status_code == 400 and "Tapez EFFACER" in response.get_data(as_text=True)
    assert db.session.get(User, me.id).active is True


def test_admin_erases_an_account(client, login, make_user, db):
    login(role="admin")
    target = make_user(full_name="Personne À Effacer")
    page = client.get(f"/admin/utilisateurs/{target.id}/effacer")
    assert "Effacer le compte de Personne À Effacer" in page.get_data(as_text=True)
    client.post(f"/admin/utilisateurs/{target.id}/effacer", data={"confirmation": "EFFACER"})
    db.session.expire_all()
    assert db.session.get(User, target.id).full_name == "Compte effacé"
