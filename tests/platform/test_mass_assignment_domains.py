"""Mass assignment on passports and reports: fields that are not part of a form or API body change nothing.

The posted extras are the columns an attacker would like to set: workflow status, the validator and
their organisation, the holder or author, the optimistic-lock version, the organisation, the team, a role.
"""
import pytest

from app.accounts import services as accounts
from app.accounts.models import User
from app.extensions import db
from app.passports.models import PassportEntry
from app.reports.models import Report
from tests.factories import PASSWORD, OrganisationFactory, TeamFactory, UserFactory
from tests.passports.core_factories import CompetencyFactory, EntryFactory
from tests.reports.conftest import world  # noqa: F401 - the reports domain's fixture
from tests.reports.test_filing import _form as report_form


@pytest.fixture
def intruders():
    """Ids that exist and belong to someone else: the values an attacker would inject."""
    other_org = OrganisationFactory()
    other_hr = UserFactory(role="hr", organisation=other_org)
    victim = UserFactory(role="agent", organisation=other_org)
    team = TeamFactory()
    return {
        "status": "validated", "validated_by_id": str(other_hr.id), "validated_by_org_id": str(other_org.id),
        "validated_at": "2020-01-01T00:00:00", "holder_id": str(victim.id), "version": "99",
        "author_id": str(victim.id), "organisation_id": str(other_org.id), "team_id": str(team.id),
        "role": "admin", "submitted_to_org_id": str(other_org.id), "provenance": "guaranteed", "id": "4242",
        "reference": "R-2000-000001", "assignee_id": str(victim.id), "people_total": "99999",
    }


def _login(client, user):
    assert client.post("/connexion", data={"email": user.email, "password": PASSWORD}).status_code == 302


def _only(model):
    rows = db.session.scalars(db.select(model)).all()
    assert len(rows) == 1
    return rows[0]


def _assert_own_draft(entry, agent):
    assert (entry.holder_id, entry.status, entry.version, entry.validated_by_id, entry.validated_by_org_id,
            entry.validated_at, entry.submitted_to_org_id) == (agent.id, "draft", 1, None, None, None, None)


def test_html_declaration_and_edit_of_a_passport_entry_ignore_extra_fields(client, intruders):
    agent = UserFactory(role="agent")
    competency = CompetencyFactory()
    _login(client, agent)
    response = client.post("/passeport/declarer", data={
        **intruders, "competency": competency.code, "level": "3",
        "description": "J'accueille seule au guichet les personnes sans rendez-vous."})
    assert response.status_code == 302
    entry = _only(PassportEntry)
    _assert_own_draft(entry, agent)
    response = client.post(f"/passeport/lignes/{entry.id}/modifier", data={
        **intruders, "competency": competency.code, "level": "2", "version": "1",
        "description": "J'accueille au guichet, y compris en langue des signes."})
    assert response.status_code in (302, 409)
    db.session.expire_all()
    entry = _only(PassportEntry)
    assert entry.holder_id == agent.id and entry.status == "draft"
    assert entry.validated_by_id is None and entry.validated_by_org_id is None and entry.validated_at is None
    assert db.session.get(User, agent.id).role == "agent"


def test_html_submit_and_decision_ignore_extra_fields(client, intruders):
    org = OrganisationFactory()
    agent = UserFactory(role="agent", organisation=org)
    entry = EntryFactory(holder=agent, status="draft")
    _login(client, agent)
    # `version` is a real field of this form (optimistic lock): send the right one.
    client.post(f"/passeport/lignes/{entry.id}/soumettre", data={**intruders, "version": "1"})
    db.session.expire_all()
    assert (entry.status, entry.submitted_to_org_id, entry.validated_by_id) == ("submitted", org.id, None)
    client.post("/deconnexion")
    hr = UserFactory(role="hr", organisation=org)
    _login(client, hr)
    version = entry.version
    client.post(f"/rh/passeports/lignes/{entry.id}/decision", data={
        **intruders, "decision": "request_changes", "comment": "Précisez la date.", "version": str(version)})
    db.session.expire_all()
    # The decision asked for changes: the injected "validated" status and validator are ignored.
    assert entry.status == "changes_requested" and entry.version == version + 1
    assert (entry.validated_by_id, entry.validated_by_org_id, entry.validated_at, entry.holder_id) == (
        None, None, None, agent.id)


def test_api_declaration_with_extra_fields_creates_nothing_foreign(client, intruders):
    agent = UserFactory(role="agent")
    competency = CompetencyFactory()
    _token, raw = accounts.create_api_token(agent, agent)
    extras = {**intruders, "version": 99, "validated_by_id": int(intruders["validated_by_id"])}
    response = client.post("/api/v1/me/passport/entries", headers={"Authorization": f"Bearer {raw}"}, json={
        **extras, "competency": competency.code, "level": 3, "source": "experience", "evidence": "Accueil."})
    # Unknown fields are refused by the schema; had they been accepted, they must not have applied.
    if response.status_code == 201:
        _assert_own_draft(_only(PassportEntry), agent)
    else:
        assert response.status_code in (400, 422)
        assert db.session.scalar(db.select(db.func.count(PassportEntry.id))) == 0


def test_html_report_filing_ignores_extra_fields(client, world, intruders):  # noqa: F811
    _login(client, world.agent)
    response = client.post("/remontees/nouvelle/confirmer", data={**report_form(world), **intruders,
                                                                  "status": "resolved"})
    assert response.status_code == 302
    report = _only(Report)
    assert (report.author_id, report.organisation_id, report.status, report.assignee_id) == (
        world.agent.id, world.agent.organisation_id, "new", None)
    assert report.reference != "R-2000-000001" and report.people_total == 2
    assert report.application.team_id == world.caf_team.id


def test_api_report_filing_with_extra_fields_creates_nothing_foreign(client, world, intruders):  # noqa: F811
    _token, raw = accounts.create_api_token(world.agent, world.agent)
    response = client.post("/api/v1/reports", headers={"Authorization": f"Bearer {raw}"}, json={
        **{k: v for k, v in intruders.items() if k != "status"}, "status": "resolved",
        "application": world.caf_app.code, "title": "Bouton figé", "what_happened": "Le bouton reste grisé."})
    if response.status_code == 201:
        report = _only(Report)
        assert (report.author_id, report.organisation_id, report.status) == (
            world.agent.id, world.agent.organisation_id, "new")
    else:
        assert response.status_code in (400, 422)
        assert db.session.scalar(db.select(db.func.count(Report.id))) == 0


def test_triage_status_change_ignores_extra_fields(client, world, intruders):  # noqa: F811
    from tests.reports.factories import file_report

    report = file_report(world.agent, world.caf_app)
    before = (report.author_id, report.organisation_id, report.application_id, report.reference, report.assignee_id)
    _login(client, world.dev_caf)
    response = client.post(f"/equipe/remontees/{report.reference}/statut", data={
        **intruders, "status": "acknowledged", "application_id": str(world.ants_app.id)})
    assert response.status_code in (302, 400)
    db.session.expire_all()
    report = db.session.get(Report, report.id)
    assert (report.author_id, report.organisation_id, report.application_id, report.reference,
            report.assignee_id) == before
    assert db.session.get(User, world.dev_caf.id).role == "triager"
