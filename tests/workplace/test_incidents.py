"""Incident reports: filing, masking, the manager's workflow, who sees the victim's name."""
import io
from datetime import timedelta

import pytest
from pypdf import PdfReader

from app.extensions import db
from app.notifications.models import Notification
from app.workplace import incidents
from app.workplace.models import Incident, IncidentAction
from tests.factories import OrganisationFactory, UserFactory
from tests.reports.factories import ApplicationFactory, file_report
from tests.workplace.helpers import NAME, file, form_data


def test_agent_files_in_one_form_narrative_masked_hr_notified(client, login):
    org = OrganisationFactory()
    hr = UserFactory(role="hr", organisation=org)
    login(role="agent", organisation=org)
    response = client.post("/conditions-de-travail/signalements/nouveau", data=form_data(
        narrative="M. Jean Dupont, tél 06 12 34 56 78, a menacé l'agent.", consequences=["complaint"]))
    assert response.status_code == 302
    incident = db.session.scalar(db.select(Incident))
    assert "06 12 34 56 78" not in incident.narrative and "[téléphone masqué]" in incident.narrative
    assert incident.consequences == ["complaint"] and incident.support_wanted == ["debriefing"]
    assert incident.status == "received"
    assert db.session.scalar(db.select(Notification).where(Notification.user_id == hr.id)) is not None


def test_bad_form_answers_400_with_french_errors(client, login):
    login(role="agent")
    response = client.post("/conditions-de-travail/signalements/nouveau", data=form_data(severity="", narrative=""))
    assert response.status_code == 400
    assert "Choisissez un niveau de gravité." in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(Incident)) == 0


def test_a_date_in_the_future_is_refused_on_its_field(client, login):
    from datetime import datetime

    login(role="agent")
    future = (datetime.now() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = client.post("/conditions-de-travail/signalements/nouveau", data=form_data(occurred_at=future))
    assert response.status_code == 400
    assert 'id="occurred_at-error">La date ne peut pas être dans le futur.' in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(Incident)) == 0


def test_link_to_a_remontee_of_the_organisation_only(make_user):
    org = OrganisationFactory()
    agent = make_user(organisation=org)
    colleague = make_user(organisation=org)
    stranger = make_user()
    app_ = ApplicationFactory()
    mine = file_report(colleague, app_)
    theirs = file_report(stranger, app_)
    incident = file(agent, context="online_service", report_reference=mine.reference.lower())
    assert incident.report_id == mine.id
    with pytest.raises(incidents.IncidentError):
        file(agent, report_reference=theirs.reference)


def test_transition_table_refuses_skipping_and_records_actions(make_user):
    org = OrganisationFactory()
    agent, hr = make_user(organisation=org), make_user(role="hr", organisation=org)
    incident = file(agent)
    with pytest.raises(incidents.IncidentError):
        incidents.move(hr, incident, "support_offered", "")
    incidents.move(hr, incident, "taken", "Appel à l'agent.")
    incidents.move(hr, incident, "support_offered", "Débriefing proposé.")
    with pytest.raises(incidents.IncidentError):
        incidents.move(hr, incident, "taken", "")
    incidents.move(hr, incident, "closed", "")
    steps = [(a.status, a.actor_id) for a in db.session.scalars(db.select(IncidentAction).order_by(IncidentAction.id))]
    assert steps == [("received", agent.id), ("taken", hr.id), ("support_offered", hr.id), ("closed", hr.id)]
    other_hr = make_user(role="hr")
    with pytest.raises(incidents.IncidentError):
        incidents.move(other_hr, incident, "closed", "")


def test_late_flag_after_48_hours(make_user):
    org = OrganisationFactory()
    incident = file(make_user(organisation=org))
    assert not incident.is_late()
    assert incident.is_late(now=incident.created_at + timedelta(hours=49))
    incident.created_at = incident.created_at - timedelta(hours=50)
    incidents.move(make_user(role="hr", organisation=org), incident, "taken", "")
    assert incident.is_late()


def test_agent_sees_own_hr_their_organisation_others_404(app, client, login, make_user):
    org = OrganisationFactory()
    agent = make_user(organisation=org)
    incident = file(agent)
    colleague = make_user(organisation=org)
    for user in (colleague, make_user(role="hr"), make_user(role="agent")):
        c = app.test_client()
        c.post("/connexion", data={"email": user.email, "password": "correct horse battery staple"})
        assert c.get(f"/conditions-de-travail/signalements/{incident.id}").status_code == 404
    login(role="hr", organisation=org)
    assert client.get(f"/conditions-de-travail/signalements/{incident.id}").status_code == 200


def test_anonymous_incident_never_shows_the_name_to_hr(client, login, make_user):
    org = OrganisationFactory()
    victim = make_user(organisation=org, full_name=NAME)
    named = make_user(organisation=org, full_name="Yves Nommé")
    anonymous = file(victim, anonymous_to_hr=True)
    file(named)
    login(role="hr", organisation=org)
    pages = [client.get("/conditions-de-travail/signalements").get_data(as_text=True),
             client.get(f"/conditions-de-travail/signalements/{anonymous.id}").get_data(as_text=True),
             client.get("/conditions-de-travail/signalements/export.csv").get_data(as_text=True)]
    sheet = client.get(f"/conditions-de-travail/signalements/{anonymous.id}/fiche.pdf").data
    pages.append("".join(page.extract_text() for page in PdfReader(io.BytesIO(sheet)).pages))
    for text in pages:
        assert "Victimeanonyme" not in text
        assert incidents.ANONYMOUS_LABEL in text
    assert "Yves Nommé" in pages[0] and "Yves Nommé" in pages[2]


def test_identity_kept_for_legal_needs_access_audited(client, login, make_user):
    from app.audit.models import AuditLog

    victim = make_user(full_name=NAME)
    incident = file(victim, anonymous_to_hr=True)
    login(role="admin")
    path = f"/admin/conditions-de-travail/signalements/{incident.id}/identite"
    assert NAME not in client.get(path).get_data(as_text=True)
    assert client.post(path, data={"reason": "court"}).status_code == 400
    response = client.post(path, data={"reason": "Réquisition judiciaire du 3 décembre"})
    assert NAME in response.get_data(as_text=True)
    row = db.session.scalar(db.select(AuditLog).where(AuditLog.action == "workplace.incident_identity_revealed"))
    assert row.details["reason"].startswith("Réquisition")


def test_api_hides_the_anonymous_victim_from_hr_and_shows_the_agent_their_own(app, make_user):
    from app.accounts import services as accounts

    org = OrganisationFactory()
    victim = make_user(organisation=org, full_name=NAME)
    incident = file(victim, anonymous_to_hr=True)
    hr = make_user(role="hr", organisation=org)
    client = app.test_client()
    _t, raw = accounts.create_api_token(hr, hr)
    headers = {"Authorization": f"Bearer {raw}"}
    listed = client.get("/api/v1/workplace/incidents", headers=headers)
    one = client.get(f"/api/v1/workplace/incidents/{incident.id}", headers=headers)
    assert [row["id"] for row in listed.get_json()] == [incident.id]
    assert one.get_json()["reporter_name"] is None
    assert "Victimeanonyme" not in listed.get_data(as_text=True) + one.get_data(as_text=True)
    _t, raw = accounts.create_api_token(victim, victim)
    own = client.get(f"/api/v1/workplace/incidents/{incident.id}", headers={"Authorization": f"Bearer {raw}"})
    assert own.get_json()["reporter_name"] == NAME


def test_my_data_export_lists_my_incidents_and_erasure_keeps_them(make_user):
    from app.accounts.privacy import erase_account, export_personal_data

    agent = make_user()
    incident = file(agent)
    data = export_personal_data(agent, agent)
    assert [i["id"] for i in data["workplace"]["incidents"]] == [incident.id]
    erase_account(make_user(role="admin"), agent)
    db.session.expire_all()
    kept = db.session.get(Incident, incident.id)
    assert kept is not None and kept.reporter.full_name == "Compte effacé"
