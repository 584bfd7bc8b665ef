"""Administration: users, placement and memberships, organisations, teams, audit."""
from app.accounts.models import Membership, User
from app.audit.models import AuditLog
from tests.factories import OrganisationFactory, TeamFactory, UserFactory


def test_admin_searches_users_with_pagination(client, login):
    login(role="admin")
    for i in range(30):
        UserFactory(email=f"cherche{i:02d}@example.org")
    page1 = client.get("/admin/utilisateurs?q=cherche").get_data(as_text=True)
    assert "30 comptes" in page1
    assert "Page suivante" in page1
    page2 = client.get("/admin/utilisateurs?q=cherche&page=2").get_data(as_text=True)
    assert "cherche29@example.org" in page2


def test_move_agent_closes_and_opens_memberships(client, login, db):
    login(role="admin")
    agent = UserFactory(role="agent")
    first_org = agent.organisation
    new_org = OrganisationFactory()
    response = client.post(
        f"/admin/utilisateurs/{agent.id}",
        data={"role": "agent", "organisation": str(new_org.id), "team": ""},
    )
    assert response.status_code == 302
    db.session.expire_all()
    rows = db.session.scalars(
        db.select(Membership).where(Membership.user_id == agent.id).order_by(Membership.id)
    ).all()
    assert [r.organisation_id for r in rows] == [first_org.id, new_org.id]
    assert rows[0].ended_at is not None and rows[1].ended_at is None
    assert db.session.get(User, agent.id).organisation_id == new_org.id


def test_change_role_to_triager_needs_team(client, login, db):
    login(role="admin")
    agent = UserFactory(role="agent")
    response = client.post(
        f"/admin/utilisateurs/{agent.id}", data={"role": "triager", "organisation": "", "team": ""}
    )
    assert "doit appartenir à une équipe" in response.get_data(as_text=True)
    team = TeamFactory()
    client.post(
        f"/admin/utilisateurs/{agent.id}", data={"role": "triager", "organisation": "", "team": str(team.id)}
    )
    db.session.expire_all()
    user = db.session.get(User, agent.id)
    assert (user.role, user.team_id, user.organisation_id) == ("triager", team.id, None)


def test_deactivate_and_reactivate(client, login, db):
    login(role="admin")
    agent = UserFactory()
    client.post(f"/admin/utilisateurs/{agent.id}/activation", data={"active": "0"})
    db.session.expire_all()
    assert db.session.get(User, agent.id).active is False
    client.post(f"/admin/utilisateurs/{agent.id}/activation", data={"active": "1"})
    db.session.expire_all()
    assert db.session.get(User, agent.id).active is True


def test_admin_cannot_deactivate_self(client, login, db):
    admin = login(role="admin")
    client.post(f"/admin/utilisateurs/{admin.id}/activation", data={"active": "0"})
    db.session.expire_all()
    assert db.session.get(User, admin.id).active is True


def test_create_organisation_and_team(client, login, db):
    login(role="admin")
    response = client.post(
        "/admin/structures",
        data={"code": "fs-test", "name": "France services Test", "kind": "france_services", "department": "974"},
    )
    assert response.status_code == 302
    from app.accounts.models import Organisation

    org = db.session.scalar(db.select(Organisation).where(Organisation.code == "FS-TEST"))
    assert org.department == "974" and str(org.timezone) == "Indian/Reunion"
    bad = client.post("/admin/structures", data={"code": "X", "name": "Y", "kind": "nope"})
    assert bad.status_code == 200
    assert "Le formulaire contient 1 erreur" in bad.get_data(as_text=True)
    assert db.session.scalar(db.select(Organisation).where(Organisation.code == "X")) is None
    client.post("/admin/equipes", data={"code": "team-x", "name": "Équipe X"})
    assert "TEAM-X" in client.get("/admin/equipes").get_data(as_text=True)


def test_audit_log_records_and_is_searchable(client, login, db):
    admin = login(role="admin")
    UserFactory()
    client.post("/admin/equipes", data={"code": "team-y", "name": "Équipe Y"})
    actions = set(db.session.scalars(db.select(AuditLog.action)))
    assert {"auth.login", "team.create"} <= actions
    html = client.get(f"/admin/journal?action=team.create&acteur={admin.email}").get_data(as_text=True)
    assert "team.create" in html and "auth.login</td>" not in html


def test_audit_log_is_append_only(db):
    import pytest

    from app.audit.models import AuditLogIsAppendOnly
    from app.audit.services import audit

    row = audit(None, "test.event")
    db.session.commit()
    row.action = "changed"
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.commit()
    db.session.rollback()
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.delete(row)
        db.session.commit()
    db.session.rollback()


def test_admin_users_page_query_count_does_not_grow(client, login, app):
    from tests.query_counter import count_queries

    login(role="admin")
    for _ in range(3):
        UserFactory()
    with count_queries(app) as small:
        assert client.get("/admin/utilisateurs").status_code == 200
    for _ in range(20):
        UserFactory()
    with count_queries(app) as large:
        assert client.get("/admin/utilisateurs").status_code == 200
    assert small.count == large.count
    assert large.count <= 6
