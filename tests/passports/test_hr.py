"""HR: the queue and its filters, deciding (with conflicts), revoking, observations, scope, audit, query counts."""
import html
from datetime import timedelta

import pytest

from app.audit.models import AuditLog
from app.common.timezones import utcnow
from app.extensions import db
from app.notifications.models import Notification
from app.passports import scope, services
from app.passports.models import EvidenceLog, PassportEntry, PassportShare
from tests.factories import OrganisationFactory, UserFactory
from tests.passports.core_factories import (
    ActivityFactory,
    CompetencyFactory,
    EntryFactory,
)
from tests.query_counter import count_queries


def text(response):
    return html.unescape(response.get_data(as_text=True))


def audit_actions(prefix="passport."):
    return db.session.scalars(
        db.select(AuditLog.action).where(AuditLog.action.like(prefix + "%")).order_by(AuditLog.id)
    ).all()


def test_queue_lists_submitted_entries_of_the_organisation_with_their_evidence(client, login, org, agent):
    login("hr", organisation=org)
    waiting = EntryFactory(holder=agent, status="submitted", description="Accueil d'une personne malentendante.")
    EntryFactory(holder=agent, status="draft")
    EntryFactory(holder=agent, status="validated")
    EntryFactory(status="submitted")  # another organisation's agent
    response = client.get("/rh/passeports/")
    page = text(response)
    assert response.status_code == 200
    assert "1 ligne en attente" in page
    assert waiting.competency.code in page and "Accueil d'une personne malentendante." in page
    assert audit_actions() == ["passport.queue_read"]
    assert db.session.scalar(db.select(AuditLog.details).where(AuditLog.action == "passport.queue_read")) == {
        "filters": {}, "page": "1"}


def test_queue_filters_activity_source_and_age(client, login, org, agent):
    login("hr", organisation=org)
    first, second = ActivityFactory(), ActivityFactory()
    a = EntryFactory(holder=agent, status="submitted", competency=CompetencyFactory(activity=first))
    b = EntryFactory(holder=agent, status="submitted", competency=CompetencyFactory(activity=second),
                     source="observation", submitted_at=utcnow() - timedelta(days=12))
    c = EntryFactory(holder=agent, status="submitted", competency=CompetencyFactory(activity=second),
                     submitted_at=utcnow() - timedelta(days=45))

    def shown(**params):
        page = text(client.get("/rh/passeports/", query_string=params))
        return {e.competency.code for e in (a, b, c) if e.competency.code + " —" in page}

    assert shown() == {a.competency.code, b.competency.code, c.competency.code}
    assert shown(activite=first.code) == {a.competency.code}
    assert shown(source="observation") == {b.competency.code}
    assert shown(anciennete="under_7") == {a.competency.code}
    assert shown(anciennete="7_to_30") == {b.competency.code}
    assert shown(anciennete="over_30") == {c.competency.code}
    assert shown(activite=second.code, anciennete="over_30") == {c.competency.code}


def test_validate_from_the_entry_page_notifies_the_agent_and_logs_once(client, login, org, agent):
    hr_user = login("hr", organisation=org)
    entry = EntryFactory(holder=agent, status="submitted")
    page = client.get(f"/rh/passeports/lignes/{entry.id}")
    assert page.status_code == 200 and "Enregistrer la décision" in text(page)
    response = client.post(f"/rh/passeports/lignes/{entry.id}/decision",
                           data={"decision": "validate", "comment": "", "version": "1"})
    assert response.status_code == 302
    db.session.expire_all()
    assert (entry.status, entry.version, entry.validated_by_id, entry.validated_by_org_id) == (
        "validated", 2, hr_user.id, org.id)
    assert entry.provenance == "guaranteed"
    assert [row.action for row in entry.log] == ["validated"]
    assert audit_actions() == ["passport.entry_read", "passport.entry_decide"]
    decided = db.session.scalar(db.select(AuditLog).where(AuditLog.action == "passport.entry_decide"))
    assert decided.details == {"decision": "validate", "version": 2}  # no personal content
    [note] = db.session.scalars(db.select(Notification).where(Notification.user_id == agent.id)).all()
    assert "validée par" in note.message and org.name in note.message


def test_reject_and_request_changes_need_a_comment(client, login, org, agent):
    login("hr", organisation=org)
    entry = EntryFactory(holder=agent, status="submitted")
    for decision in ("reject", "request_changes"):
        response = client.post(f"/rh/passeports/lignes/{entry.id}/decision",
                               data={"decision": decision, "comment": "", "version": "1"})
        assert response.status_code == 400
        assert "Un commentaire est obligatoire" in text(response)
    response = client.post(f"/rh/passeports/lignes/{entry.id}/decision",
                           data={"decision": "request_changes", "comment": "Précisez la date.", "version": "1"})
    assert response.status_code == 302
    db.session.expire_all()
    assert entry.status == "changes_requested" and entry.log[0].note == "Précisez la date."
    note = db.session.scalar(db.select(Notification).where(Notification.user_id == agent.id))
    assert "Précisez la date." in note.message


def test_a_second_decision_on_the_same_version_gets_a_clear_conflict(client, login, org, agent):
    first_hr = UserFactory(role="hr", organisation=org)
    entry = EntryFactory(holder=agent, status="submitted")
    services.decide(first_hr, entry, "validate", "", 1)
    login("hr", organisation=org)
    response = client.post(f"/rh/passeports/lignes/{entry.id}/decision",
                           data={"decision": "reject", "comment": "Non.", "version": "1"})
    assert response.status_code == 409
    page = text(response)
    assert "Décision non enregistrée" in page and "« Validée »" in page
    db.session.expire_all()
    assert entry.status == "validated" and entry.version == 2
    assert db.session.scalar(db.select(db.func.count(EvidenceLog.id))) == 1
    assert audit_actions("passport.entry_decide") == ["passport.entry_decide"]


def test_revoke_with_a_reason_after_confirmation(client, login, org, agent):
    login("hr", organisation=org)
    entry = EntryFactory(holder=agent, status="validated")
    assert "Révoquer cette validation" in text(client.get(f"/rh/passeports/lignes/{entry.id}"))
    confirm = client.get(f"/rh/passeports/lignes/{entry.id}/revocation")
    assert confirm.status_code == 200
    empty = client.post(f"/rh/passeports/lignes/{entry.id}/revocation", data={"reason": "", "version": "1"})
    assert empty.status_code == 400 and "Indiquez le motif" in text(empty)
    done = client.post(f"/rh/passeports/lignes/{entry.id}/revocation",
                       data={"reason": "Pratique non constatée.", "version": "1"})
    assert done.status_code == 302
    db.session.expire_all()
    assert entry.status == "revoked" and entry.revoked_reason == "Pratique non constatée."
    assert entry.provenance == "declared"
    assert "passport.entry_revoke" in audit_actions()
    assert client.get(f"/rh/passeports/lignes/{entry.id}/revocation").status_code == 404


def test_record_an_observation(client, login, org, agent, competency):
    hr_user = login("hr", organisation=org)
    response = client.post(f"/rh/passeports/agents/{agent.id}/observation", data={
        "competency": competency.code, "level": "3", "description": "Gestion calme d'une file tendue."})
    assert response.status_code == 302
    entry = db.session.scalar(db.select(PassportEntry))
    assert (entry.holder_id, entry.source, entry.status, entry.recorded_by_id, entry.validated_by_org_id) == (
        agent.id, "observation", "validated", hr_user.id, org.id)
    assert entry.provenance == "guaranteed"
    bad = client.post(f"/rh/passeports/agents/{agent.id}/observation", data={
        "competency": "NOPE", "level": "9", "description": "x"})
    assert bad.status_code == 400
    assert "Compétence inconnue" in text(bad) and "entre 1 et 4" in text(bad)
    outsider = UserFactory(role="agent")
    assert client.get(f"/rh/passeports/agents/{outsider.id}/observation").status_code == 404


def test_hr_of_another_organisation_gets_404_everywhere():
    """HR of CAF-DEMO on FS-DEMO entries: not listed, and 404 on every page and action."""
    fs, caf = OrganisationFactory(code="FS-DEMO"), OrganisationFactory(code="CAF-DEMO", kind="caf")
    fs_agent = UserFactory(role="agent", organisation=fs)
    caf_hr = UserFactory(role="hr", organisation=caf)
    submitted = EntryFactory(holder=fs_agent, status="submitted")
    validated = EntryFactory(holder=fs_agent, status="validated")
    from flask import current_app

    client = current_app.test_client()
    from tests.factories import PASSWORD

    client.post("/connexion", data={"email": caf_hr.email, "password": PASSWORD})
    assert submitted.competency.code not in text(client.get("/rh/passeports/"))
    for url in (f"/rh/passeports/lignes/{submitted.id}", f"/rh/passeports/lignes/{validated.id}/revocation",
                f"/rh/passeports/agents/{fs_agent.id}", f"/rh/passeports/agents/{fs_agent.id}/observation"):
        assert client.get(url).status_code == 404, url
    response = client.post(f"/rh/passeports/lignes/{submitted.id}/decision",
                           data={"decision": "validate", "version": "1"})
    assert response.status_code == 404
    assert scope.entry_for_hr(caf_hr, submitted.id) is None
    db.session.expire_all()
    assert submitted.status == "submitted"


def test_hr_cannot_decide_their_own_entry_from_the_page(client, login, org):
    hr_user = login("hr", organisation=org)
    own = EntryFactory(holder=hr_user, status="submitted")
    page = text(client.get(f"/rh/passeports/lignes/{own.id}"))
    assert "Vous ne pouvez pas décider de cette ligne." in page
    response = client.post(f"/rh/passeports/lignes/{own.id}/decision", data={"decision": "validate", "version": "1"})
    assert response.status_code == 403
    db.session.expire_all()
    assert own.status == "submitted"


def test_agent_passport_follows_the_mobility_rule_and_is_audited(client, login, org, agent):
    hr_user = login("hr", organisation=org)
    elsewhere = OrganisationFactory(name="CAF du Rhône")
    mine = EntryFactory(holder=agent, status="validated")
    other = EntryFactory(holder=agent, status="validated", submitted_to_org_id=elsewhere.id,
                         validated_by_org_id=elsewhere.id)
    draft = EntryFactory(holder=agent, status="draft")
    page = text(client.get(f"/rh/passeports/agents/{agent.id}"))
    assert mine.competency.code in page and other.competency.code not in page and draft.competency.code not in page
    db.session.add(PassportShare(holder_id=agent.id, organisation_id=org.id))
    db.session.commit()
    page = text(client.get(f"/rh/passeports/agents/{agent.id}"))
    assert other.competency.code in page and "CAF du Rhône" in page and "Validée par une autre structure" in page
    assert draft.competency.code not in page
    reads = db.session.scalars(db.select(AuditLog).where(AuditLog.action == "passport.read")).all()
    assert [(r.actor_id, r.target_type, r.target_id, r.details) for r in reads] == [
        (hr_user.id, "users", str(agent.id), {})] * 2


def _many_entries(agent, count):
    for _ in range(count):
        entry = EntryFactory(holder=agent, status="submitted")
        db.session.add(EvidenceLog(entry_id=entry.id, actor_id=agent.id, action="submitted"))
    db.session.commit()


@pytest.mark.parametrize("url", ["/rh/passeports/", "/rh/passeports/agents/{agent}"])
def test_hr_pages_run_a_fixed_number_of_queries(app, client, login, org, agent, url):
    login("hr", organisation=org)
    url = url.format(agent=agent.id)
    _many_entries(agent, 2)
    client.get(url)
    with count_queries(app) as few:
        assert client.get(url).status_code == 200
    _many_entries(agent, 12)
    with count_queries(app) as many:
        assert client.get(url).status_code == 200
    assert many.count == few.count, many.statements


def test_passport_page_runs_a_fixed_number_of_queries(app, client, login):
    user = login("agent")
    _many_entries(user, 2)
    client.get("/passeport/")
    with count_queries(app) as few:
        assert client.get("/passeport/").status_code == 200
    _many_entries(user, 12)
    with count_queries(app) as many:
        page = client.get("/passeport/")
    assert page.status_code == 200 and text(page).count("Soumise") >= 14
    assert many.count == few.count, many.statements
