"""The passport transition table: every allowed and every refused transition, through the services."""
import pytest

from app.extensions import db
from app.passports import services
from app.passports.models import EntryStatus, EvidenceLog, PassportEntry
from app.passports.workflow import TRANSITIONS, TransitionRefused, next_status
from tests.factories import UserFactory
from tests.passports.core_factories import EntryFactory

ALL = [s.value for s in EntryStatus]
EXPECTED = {
    # action: {starting status: resulting status}; every other starting status is refused.
    "submit": {"draft": "submitted", "changes_requested": "submitted"},
    "validate": {"submitted": "validated"},
    "reject": {"submitted": "rejected"},
    "request_changes": {"submitted": "changes_requested"},
    "revoke": {"validated": "revoked"},
}
CASES = [(action, start) for action in EXPECTED for start in ALL]


def test_table_matches_the_issue():
    assert {a: {s.value: t.target.value for s in t.starts} for a, t in TRANSITIONS.items()} == {
        a: dict(m) for a, m in EXPECTED.items()
    }


@pytest.mark.parametrize(("action", "start"), CASES)
def test_next_status(action, start):
    if start in EXPECTED[action]:
        assert next_status(action, start) == EXPECTED[action][start]
    else:
        with pytest.raises(TransitionRefused) as refused:
            next_status(action, start)
        assert refused.value.status == start
        assert EntryStatus(start).label in str(refused.value)


def _act(action, entry, holder, hr_user):
    if action == "submit":
        return services.submit_entry(holder, entry)
    if action == "revoke":
        return services.revoke(hr_user, entry, "Pratique non constatée.")
    return services.decide(hr_user, entry, action, "Commentaire de la RH.", entry.version)


@pytest.mark.parametrize(("action", "start"), CASES)
def test_each_transition_through_the_services(action, start, agent, hr):
    entry = EntryFactory(holder=agent, status=start)
    entry_id, version = entry.id, entry.version
    if start in EXPECTED[action]:
        _act(action, entry, agent, hr)
        db.session.expire_all()
        entry = db.session.get(PassportEntry, entry_id)
        assert entry.status == EXPECTED[action][start]
        assert entry.version == version + 1
        logs = db.session.scalars(db.select(EvidenceLog.action).where(EvidenceLog.entry_id == entry_id)).all()
        assert logs == [EXPECTED[action][start]]
    else:
        with pytest.raises(TransitionRefused) as refused:
            _act(action, entry, agent, hr)
        assert refused.value.status == start
        db.session.rollback()
        entry = db.session.get(PassportEntry, entry_id)
        assert (entry.status, entry.version) == (start, version)
        assert db.session.scalar(db.select(db.func.count(EvidenceLog.id))) == 0


def test_nobody_decides_their_own_entry(org):
    hr_holder = UserFactory(role="hr", organisation=org)
    entry = EntryFactory(holder=hr_holder, status="submitted")
    assert not entry.can_decide(hr_holder)
    with pytest.raises(services.NotAllowed):
        services.decide(hr_holder, entry, "validate", "", entry.version)
    agent_holder = UserFactory(role="agent", organisation=org)
    own = EntryFactory(holder=agent_holder, status="submitted")
    assert not own.can_decide(agent_holder)
    with pytest.raises(services.NotAllowed):
        services.decide(agent_holder, own, "validate", "", own.version)
    assert db.session.get(PassportEntry, own.id).status == "submitted"


def test_comment_required_to_reject_or_request_changes(agent, hr):
    entry = EntryFactory(holder=agent, status="submitted")
    for decision in ("reject", "request_changes"):
        with pytest.raises(services.PassportError) as refused:
            services.decide(hr, entry, decision, "   ", entry.version)
        assert refused.value.field == "comment"
    services.decide(hr, entry, "validate", "", entry.version)
    assert entry.status == "validated" and entry.validated_by_id == hr.id
    assert entry.validated_by_org_id == hr.organisation_id


def test_stale_version_is_refused_and_nothing_written(agent, hr):
    entry = EntryFactory(holder=agent, status="submitted")
    with pytest.raises(services.StaleEntry) as stale:
        services.decide(hr, entry, "validate", "", entry.version + 5)
    assert (stale.value.status, stale.value.version) == ("submitted", 1)
    assert db.session.get(PassportEntry, entry.id).status == "submitted"
    assert db.session.scalar(db.select(db.func.count(EvidenceLog.id))) == 0


def test_revoke_needs_a_reason_and_the_validating_organisation(agent, hr):
    entry = EntryFactory(holder=agent, status="validated")
    with pytest.raises(services.PassportError) as refused:
        services.revoke(hr, entry, "")
    assert refused.value.field == "reason"
    elsewhere = EntryFactory(holder=agent, status="validated", validated_by_org_id=None)
    with pytest.raises(services.NotAllowed):
        services.revoke(hr, elsewhere, "Motif.")
    services.revoke(hr, entry, "Pratique non constatée depuis six mois.")
    assert entry.status == "revoked" and entry.revoked_reason.startswith("Pratique")
