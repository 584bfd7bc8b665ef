"""A database failure while HR decides on a passport entry: 503, and nothing of the decision is written."""
import pytest
from flask import has_request_context
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from app.accounts import services as accounts
from app.audit.models import AuditLog
from app.extensions import db
from app.notifications.models import Notification
from app.passports.models import EvidenceLog, PassportEntry
from tests.factories import OrganisationFactory, UserFactory
from tests.passports.core_factories import EntryFactory

REAL_COMMIT = Session.commit


def _failing_commit(self):
    # The test client commits the fixtures' session before each request: only the request's commit fails.
    if not has_request_context():
        return REAL_COMMIT(self)
    raise OperationalError("COMMIT", {}, Exception("server closed the connection unexpectedly"))


def _state(entry_id):
    db.session.expire_all()
    entry = db.session.get(PassportEntry, entry_id)
    return {
        "entry": (entry.status, entry.version, entry.validated_by_id, entry.validated_by_org_id, entry.validated_at),
        "log": db.session.scalar(db.select(db.func.count(EvidenceLog.id))),
        "decide_audit": db.session.scalar(
            db.select(db.func.count(AuditLog.id)).where(AuditLog.action == "passport.entry_decide")),
        "notifications": db.session.scalar(db.select(db.func.count(Notification.id))),
    }


@pytest.fixture
def org():
    return OrganisationFactory()


@pytest.fixture
def submitted(org):
    holder = UserFactory(role="agent", organisation=org)
    return EntryFactory(holder=holder, status="submitted")


def test_html_decision_with_a_failing_commit_is_a_french_503_and_writes_nothing(
        app, client, login, org, submitted, monkeypatch):
    login("hr", organisation=org)
    before = _state(submitted.id)
    monkeypatch.setattr(Session, "commit", _failing_commit)
    response = client.post(f"/rh/passeports/lignes/{submitted.id}/decision",
                           data={"decision": "validate", "comment": "", "version": "1"})
    monkeypatch.undo()
    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert "Service indisponible" in page and "Réessayez" in page
    assert _state(submitted.id) == before
    assert before["entry"][0] == "submitted" and before["log"] == 0 and before["decide_audit"] == 0


def test_api_decision_with_a_failing_commit_is_a_json_503_and_writes_nothing(
        app, client, org, submitted, monkeypatch):
    hr = UserFactory(role="hr", organisation=org)
    _token, raw = accounts.create_api_token(hr, hr)
    before = _state(submitted.id)
    monkeypatch.setattr(Session, "commit", _failing_commit)
    response = client.post(f"/api/v1/passport-entries/{submitted.id}/decision",
                           headers={"Authorization": f"Bearer {raw}"}, json={"decision": "validate", "version": 1})
    monkeypatch.undo()
    assert response.status_code == 503
    assert response.get_json() == {"error": {"code": "unavailable", "message": "Service momentanément indisponible."}}
    assert _state(submitted.id) == before


def test_a_failing_flush_is_also_a_503_with_nothing_written(app, client, login, org, submitted, monkeypatch):
    login("hr", organisation=org)
    before = _state(submitted.id)
    real_flush = Session.flush

    def failing_flush(self, objects=None):
        # Fail only when something is waiting to be written: the disk is full, reads still work.
        if not has_request_context() or not (self.new or self.dirty or self.deleted):
            return real_flush(self, objects)
        raise OperationalError("INSERT", {}, Exception("disk I/O error"))

    monkeypatch.setattr(Session, "flush", failing_flush)
    response = client.post(f"/rh/passeports/lignes/{submitted.id}/decision",
                           data={"decision": "reject", "comment": "Précisez.", "version": "1"})
    monkeypatch.undo()
    assert response.status_code == 503
    assert _state(submitted.id) == before
