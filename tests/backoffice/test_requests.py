"""Support requests: routing, masking, consent, the encrypted citizen block, the lifecycle, hand-offs, scope."""
import pytest

from app.audit.models import AuditLog
from app.backoffice import conversation, groups, queries, requests
from app.backoffice.models import SupportEvent, SupportRequest
from app.backoffice.workflow import WorkflowError
from app.extensions import db
from tests.backoffice.factories import CITIZEN, CONSENT, agent, ask, expert, group
from tests.factories import UserFactory


@pytest.fixture
def world(db):
    caf69, caf_nat, cpam = expert(), expert(department="75"), expert(operator="cpam")
    local = group(experts=[caf69], mailbox="appui-caf69@caf.example")
    national = group("APPUI-CAF-NAT", national=True, experts=[caf_nat])
    other = group("APPUI-CPAM-69", operator="cpam", experts=[cpam])
    return {"agent": agent(), "caf69": caf69, "caf_nat": caf_nat, "cpam": cpam,
            "local": local, "national": national, "other": other}


def test_routing_prefers_the_local_group_then_the_national_one_and_says_when_none(world):
    assert groups.route("caf", "69")[0].code == "APPUI-CAF-69"
    group_, message = groups.route("caf", "13")
    assert group_.code == "APPUI-CAF-NAT" and "Aucun pôle CAF ne couvre le département 13" in message
    assert groups.route("msa", "69") == (None, groups.route("msa", "69")[1])
    assert "Aucun pôle d'appui MSA" in groups.route("msa", "69")[1]


def test_a_request_is_masked_referenced_routed_and_tells_the_group(world, outbox):
    request = ask(world["agent"], situation="Son NIR 2 80 03 69 123 456 78, tél. 06 12 34 56 78.")
    assert request.reference.startswith("A-") and len(request.reference) == 13
    assert request.group.code == "APPUI-CAF-69" and request.status == "new"
    assert "2 80 03" not in request.situation and "06 12" not in request.situation
    assert request.redaction_counts["nir"] == 1 and request.redaction_counts["phone"] == 1
    assert request.due_at is not None
    recipients = {m.recipient for m in db.session.scalars(db.select(__import__(
        "app.notifications.models", fromlist=["OutboxEmail"]).OutboxEmail))}
    assert {"appui-caf69@caf.example", world["caf69"].email} <= recipients


def test_a_citizen_block_needs_consent_and_is_stored_encrypted(world):
    with pytest.raises(requests.RequestError, match="consentement"):
        ask(world["agent"], citizen=CITIZEN)
    request = ask(world["agent"], citizen=CITIZEN, consent=CONSENT)
    raw = db.session.scalar(db.select(SupportRequest.citizen_block).where(SupportRequest.id == request.id))
    assert b"Martin" not in raw and b"7654321" not in raw
    assert request.consent_kind == "paper"


def test_the_citizen_block_is_shown_to_the_agent_and_the_groups_experts_only_and_every_read_is_audited(world):
    request = ask(world["agent"], citizen=CITIZEN, consent=CONSENT)
    colleague = UserFactory(role="agent", organisation=world["agent"].organisation)
    admin = UserFactory(role="admin")
    assert ("Nom", "Martin") in requests.read_citizen_block(world["agent"], request)
    assert ("Numéro allocataire", "7654321") in requests.read_citizen_block(world["caf69"], request)
    assert requests.read_citizen_block(world["caf_nat"], request) is None  # not invited yet
    assert requests.read_citizen_block(admin, request) is None
    assert requests.read_citizen_block(colleague, request) is None
    reads = db.session.scalars(db.select(AuditLog).where(AuditLog.action == "support.citizen_read")).all()
    assert sorted(r.actor_id for r in reads) == sorted([world["agent"].id, world["caf69"].id])
    conversation.invite(world["caf69"], request, group=world["national"])
    assert requests.read_citizen_block(world["caf_nat"], request) is not None


def test_lifecycle_take_answer_note_close_reopen(world):
    request = ask(world["agent"])
    expert_ = world["caf69"]
    with pytest.raises(requests.RequestError):
        conversation.take(world["agent"], request)
    conversation.take(expert_, request)
    assert request.status == "taken" and request.assignee_id == expert_.id
    conversation.note(expert_, request, "À voir avec la gestion.")
    conversation.answer(expert_, request, "Le dossier est débloqué.")
    assert request.status == "answered" and request.first_answer_at is not None
    assert [m.kind for m in queries.messages_for(request, world["agent"])] == ["answer"]
    assert [m.kind for m in queries.messages_for(request, expert_)] == ["note", "answer"]
    with pytest.raises(requests.RequestError):
        conversation.close(world["agent"], request, "maybe")
    conversation.close(world["agent"], request, "yes")
    assert request.status == "closed" and request.useful == "yes"
    with pytest.raises(WorkflowError):
        conversation.take(expert_, request)
    conversation.agent_message(world["agent"], request, "Nouvelle question.")
    assert request.status == "taken" and request.closed_at is None


def test_a_refused_use_case_leaves_the_session_clean(world):
    request = ask(world["agent"])
    conversation.answer(world["caf69"], request, "Le dossier est débloqué.")
    conversation.close(world["agent"], request, "yes")
    # An empty message is refused after the request was already reopened in the session.
    with pytest.raises(requests.RequestError, match="vide"):
        conversation.agent_message(world["agent"], request, "   ")
    assert not db.session.new and not db.session.dirty
    assert request.status == "closed" and request.closed_at is not None and request.useful == "yes"
    assert "reopen" not in db.session.scalars(db.select(SupportEvent.action).where(
        SupportEvent.request_id == request.id)).all()
    # A reroute whose message is too long is refused after the request changed group.
    other = ask(world["agent"])
    with pytest.raises(requests.RequestError, match="dépasser"):
        conversation.reroute(world["caf69"], other, world["national"], "x" * (requests.TEXT_MAX + 1))
    assert not db.session.new and not db.session.dirty
    assert other.group_id == world["local"].id and other.handoffs == 0 and other.status == "new"


def test_reroute_invite_and_escalation_count_hand_offs_and_transfer_keeps_the_agent_owner(world):
    request = ask(world["agent"])
    conversation.reroute(world["caf69"], request, world["national"], "Cas national.")
    assert request.status == "rerouted" and request.group_id == world["national"].id and request.handoffs == 1
    conversation.invite(world["caf_nat"], request, group=world["other"], message="Avis CPAM ?", hidden=True)
    assert request.handoffs == 2
    # The reroute message is shown to the agent, the hidden invitation message is not.
    assert [m.body for m in queries.messages_for(request, world["agent"])] == ["Cas national."]
    assert len(queries.messages_for(request, world["caf_nat"])) == 2
    conversation.take(world["caf_nat"], request)
    conversation.transfer(world["caf_nat"], request, "DOSSIER-42")
    assert request.status == "transferred" and request.author_id == world["agent"].id
    assert request.operator_case_number == "DOSSIER-42"


def test_scope_by_role(world):
    mine = ask(world["agent"])
    shared = ask(world["agent"], shared_with_site=True)
    colleague = UserFactory(role="agent", organisation=world["agent"].organisation)
    stranger = UserFactory(role="agent")

    def refs(user):
        return {r.reference for r in db.session.scalars(queries.visible_requests(user))}

    assert refs(world["agent"]) == {mine.reference, shared.reference}
    assert refs(colleague) == {shared.reference}
    assert refs(stranger) == set()
    assert refs(world["caf69"]) == {mine.reference, shared.reference}
    assert refs(world["cpam"]) == set()
    assert refs(world["caf_nat"]) == set()
    assert refs(UserFactory(role="hr")) == set() and refs(UserFactory(role="triager")) == set()
    assert refs(UserFactory(role="admin")) == {mine.reference, shared.reference}
    conversation.invite(world["caf69"], mine, group=world["other"])
    assert refs(world["cpam"]) == {mine.reference}


def test_consent_withdrawal_wipes_the_block_at_once(world):
    request = ask(world["agent"], citizen=CITIZEN, consent=CONSENT)
    with pytest.raises(requests.RequestError):
        requests.withdraw_consent(world["caf69"], request)
    requests.withdraw_consent(world["agent"], request)
    assert request.citizen_block is None and request.citizen_wiped_at is not None


def test_hand_over_to_a_colleague_of_the_same_organisation(world):
    request = ask(world["agent"])
    colleague = UserFactory(role="agent", organisation=world["agent"].organisation)
    with pytest.raises(requests.RequestError):
        requests.hand_over(world["agent"], request, UserFactory(role="agent"))
    requests.hand_over(world["agent"], request, colleague)
    assert request.author_id == colleague.id
