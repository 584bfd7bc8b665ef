"""Fail closed when a permission check breaks; extra fields in forms and API change nothing."""
from app.accounts.models import Organisation, User
from tests.factories import OrganisationFactory, UserFactory


def test_a_raising_permission_check_gives_an_error_never_data(app, client, login, monkeypatch, db):
    from app.training.curricula.importer import import_curricula
    from app.training.models import Enrolment, TrainingPath
    from tests.training.conftest import FIXTURE

    import_curricula(FIXTURE)
    path = db.session.scalar(db.select(TrainingPath))
    hr = login(role="hr")
    agent = UserFactory(role="agent", organisation=hr.organisation, full_name="Agent Confidentiel")

    def broken(self, other):
        raise RuntimeError("permission backend down")

    monkeypatch.setattr(User, "can_manage", broken)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    try:
        response = client.post("/rh/formation/affecter", data={"path": str(path.id), "agents": [str(agent.id)]})
    finally:
        app.config["PROPAGATE_EXCEPTIONS"] = None
    assert response.status_code == 500
    assert "Agent Confidentiel" not in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Enrolment.id))) == 0


def test_guard_failure_in_before_request_fails_closed(app, client, login, monkeypatch):
    login(role="admin")
    import app.common.access as access

    def broken_rule(app_, endpoint):
        raise RuntimeError("rules unavailable")

    monkeypatch.setattr(access, "rule_for", broken_rule)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    try:
        response = client.get("/admin/utilisateurs")
    finally:
        app.config["PROPAGATE_EXCEPTIONS"] = None
    assert response.status_code == 500
    assert "Utilisateurs" not in response.get_data(as_text=True).split("<main")[1]


def test_mass_assignment_on_account_forms_changes_nothing(client, login, db):
    agent = login()
    other_org = OrganisationFactory()
    client.post("/compte/mot-de-passe", data={
        "pw-current_password": "wrong", "pw-password": "x", "pw-confirm": "x",
        "role": "admin", "organisation_id": str(other_org.id), "active": "0", "session_version": "99",
    })
    client.post("/compte/jetons", data={"label": "x", "user_id": "1", "role": "admin"})
    db.session.expire_all()
    fresh = db.session.get(User, agent.id)
    assert (fresh.role, fresh.organisation_id, fresh.active) == ("agent", agent.organisation_id, True)


def test_mass_assignment_on_hr_agent_creation(client, login, db):
    hr = login(role="hr")
    other_org = OrganisationFactory()
    client.post("/rh/agents/nouveau", data={
        "email": "recrue@example.org", "full_name": "Recrue", "role": "admin",
        "organisation": str(other_org.id), "organisation_id": str(other_org.id), "team": "1",
    })
    created = db.session.scalar(db.select(User).where(User.email == "recrue@example.org"))
    assert created.role == "agent" and created.organisation_id == hr.organisation_id


def test_mass_assignment_on_organisation_edit(client, login, db):
    login(role="admin")
    org = OrganisationFactory(code="KEEP-CODE")
    client.post(f"/admin/structures/{org.id}", data={
        "code": "HIJACK", "name": "Nouveau nom", "kind": "caf", "id": "999", "created_at": "2000-01-01",
    })
    db.session.expire_all()
    fresh = db.session.get(Organisation, org.id)
    assert fresh.code == "KEEP-CODE" and fresh.name == "Nouveau nom"
