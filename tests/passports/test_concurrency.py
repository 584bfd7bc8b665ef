"""Two HR users decide the same entry at the same moment: one 200, one 409, nothing lost or doubled."""
import threading

import pytest

from app.accounts import services as accounts
from app.audit.models import AuditLog
from app.extensions import db
from app.notifications.models import Notification
from app.passports.models import EvidenceLog, PassportEntry
from tests.factories import UserFactory
from tests.passports.core_factories import EntryFactory


@pytest.mark.postgres
def test_two_concurrent_decisions_give_one_200_and_one_409(app, monkeypatch, org, agent):
    entry = EntryFactory(holder=agent, status="submitted")
    hr_users = [UserFactory(role="hr", organisation=org) for _ in range(2)]
    tokens = [accounts.create_api_token(u, u)[1] for u in hr_users]
    entry_id = entry.id
    db.session.commit()
    db.session.remove()

    # Both requests pass the permission check (both have read version 1) before either writes.
    both_read = threading.Barrier(2, timeout=20)
    original = PassportEntry.can_decide

    def can_decide_then_wait(self, user):
        allowed = original(self, user)
        both_read.wait()
        return allowed

    monkeypatch.setattr(PassportEntry, "can_decide", can_decide_then_wait)
    results, errors = {}, []

    def decide(token, decision):
        try:
            client = app.test_client()
            response = client.post(f"/api/v1/passport-entries/{entry_id}/decision",
                                   headers={"Authorization": f"Bearer {token}"},
                                   json={"decision": decision, "comment": "Vu au guichet.", "version": 1})
            results[decision] = (response.status_code, response.get_json())
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=decide, args=(tokens[0], "validate")),
               threading.Thread(target=decide, args=(tokens[1], "reject"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sorted(status for status, _body in results.values()) == [200, 409]
    winner = next(d for d, (status, _b) in results.items() if status == 200)
    loser_body = next(body for status, body in results.values() if status == 409)
    final = {"validate": "validated", "reject": "rejected"}[winner]
    assert loser_body["error"]["current_status"] == final and loser_body["error"]["current_version"] == 2

    db.session.expire_all()
    stored = db.session.get(PassportEntry, entry_id)
    assert (stored.status, stored.version) == (final, 2)
    # Exactly one evidence-log line, one audit line and one notification for the one real decision.
    assert db.session.scalars(db.select(EvidenceLog.action).where(EvidenceLog.entry_id == entry_id)).all() == [final]
    assert db.session.scalar(
        db.select(db.func.count(AuditLog.id)).where(AuditLog.action == "passport.entry_decide")) == 1
    assert db.session.scalar(
        db.select(db.func.count(Notification.id)).where(Notification.kind == "passport.decision")) == 1
