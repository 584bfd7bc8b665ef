"""Expert groups split by theme (procedures of the online-services catalogue): routing, escalation,
the admin pages (create, rename, level, themes, members) and `flask support groups ...`."""
from app.audit.models import AuditLog
from app.backoffice import escalation, groups
from app.backoffice.models import GroupMember, SupportInvitation
from app.extensions import db
from app.reports.catalog_models import Procedure
from tests.backoffice.factories import agent, ask, expert, group
from tests.factories import PASSWORD, UserFactory
from tests.reports.factories import ApplicationFactory


def _catalogue():
    application = ApplicationFactory(code="caf-fr")
    rsa = Procedure(application_id=application.id, code="rsa", title="Demander le RSA")
    apl = Procedure(application_id=application.id, code="apl", title="Demander une aide au logement")
    db.session.add_all([rsa, apl])
    db.session.commit()
    return rsa, apl


def _admin(app):
    client = app.test_client()
    admin = UserFactory(role="admin")
    assert client.post("/connexion", data={"email": admin.email, "password": PASSWORD}).status_code == 302
    return client


def test_a_request_on_a_theme_goes_to_the_themed_group_else_to_the_group_without_themes(db):
    rsa, apl = _catalogue()
    generic = group("APPUI-CAF-69")
    themed = group("APPUI-CAF-69-RSA", procedures=[rsa])
    desk = agent()
    assert ask(desk, procedure_id=rsa.id).group_id == themed.id
    assert ask(desk, procedure_id=apl.id).group_id == generic.id
    assert ask(desk).group_id == generic.id
    found, message = groups.route("caf", "69", rsa.id)
    assert found.id == themed.id and "pôle thématique « Demander le RSA »" in message


def test_without_a_local_group_for_the_theme_the_national_group_of_the_theme_then_the_national_one(db):
    rsa, apl = _catalogue()
    housing = group("APPUI-CAF-69-APL", procedures=[apl])  # local, another theme only
    national = group("APPUI-CAF-NAT", national=True)
    national_rsa = group("APPUI-CAF-NAT-RSA", national=True, procedures=[rsa])
    assert groups.route("caf", "69", apl.id)[0].id == housing.id
    found, message = groups.route("caf", "69", rsa.id)
    assert found.id == national_rsa.id and "ne traite cette démarche dans le département 69" in message
    assert groups.route("caf", "69")[0].id == national.id
    assert groups.route("caf", "13", rsa.id)[0].id == national_rsa.id
    assert groups.route("caf", "13", apl.id)[0].id == national.id
    # Escalation invites the national group of the request's theme.
    from datetime import timedelta

    from app.common.timezones import utcnow

    request = ask(agent(department="75"), procedure_id=apl.id, now=utcnow() - timedelta(days=20))
    assert request.group_id == national.id
    local = group("APPUI-CAF-75", departments=("75",))
    late = ask(agent(department="75"), procedure_id=rsa.id, now=utcnow() - timedelta(days=20))
    assert late.group_id == local.id
    escalation.escalate()
    invited = db.session.scalars(db.select(SupportInvitation.group_id).where(
        SupportInvitation.request_id == late.id, SupportInvitation.is_automatic.is_(True))).all()
    assert invited == [national_rsa.id]


def test_only_local_groups_of_another_theme_and_no_national_group_still_route_and_say_so(db):
    _rsa, apl = _catalogue()
    housing = group("APPUI-CAF-69-APL", procedures=[apl])
    found, message = groups.route("caf", "69", None)
    assert found.id == housing.id and "qui pourra la réorienter" in message


def test_the_admin_creates_a_themed_group_renames_it_changes_its_level_themes_and_members(app, db):
    rsa, apl = _catalogue()
    client = _admin(app)
    page = client.get("/admin/appui/poles").get_data(as_text=True)
    assert "Demander le RSA" in page and f'value="{rsa.id}"' in page
    created = client.post("/admin/appui/poles", data={
        "code": "appui-caf-69-rsa", "name": "RSA du Rhône", "operator": "caf", "departments": "69",
        "target_days": "3", "themes": [str(rsa.id)]})
    assert created.status_code == 302, created.get_data(as_text=True)[:500]
    row = groups.group_by_code("APPUI-CAF-69-RSA")
    assert [p.id for p in row.procedures] == [rsa.id] and row.department_list == ["69"]
    edit = client.get("/admin/appui/poles/APPUI-CAF-69-RSA/modifier").get_data(as_text=True)
    assert f'value="{rsa.id}" checked' in edit and f'value="{apl.id}" checked' not in edit
    assert 'value="RSA du Rhône"' in edit
    done = client.post("/admin/appui/poles/APPUI-CAF-69-RSA/modifier", data={
        "name": "Minima sociaux (national)", "departments": "", "national": "y", "target_days": "5",
        "themes": [str(rsa.id), str(apl.id)]})
    assert done.status_code == 302
    db.session.refresh(row)
    assert row.name == "Minima sociaux (national)" and row.is_national and row.department_list == []
    assert row.target_days == 5 and {p.id for p in row.procedures} == {rsa.id, apl.id}
    entry = db.session.scalar(db.select(AuditLog).where(AuditLog.action == "support.group_update"))
    assert entry.details["before"]["name"] == "RSA du Rhône" and entry.details["after"]["coverage"] == "National"
    # A national group with départements is refused, nothing changes.
    refused = client.post("/admin/appui/poles/APPUI-CAF-69-RSA/modifier", data={
        "name": "X", "departments": "69", "national": "y", "target_days": "3"})
    assert refused.status_code == 400 and "ne liste pas de départements" in refused.get_data(as_text=True)
    db.session.refresh(row)
    assert row.name == "Minima sociaux (national)"
    # Members: added, then removed (the membership history stays).
    caf = expert()
    assert client.post("/admin/appui/poles/APPUI-CAF-69-RSA", data={"email": caf.email}).status_code == 302
    assert caf.full_name in client.get("/admin/appui/poles/APPUI-CAF-69-RSA").get_data(as_text=True)
    assert client.post(f"/admin/appui/poles/APPUI-CAF-69-RSA/membres/{caf.id}/retirer").status_code == 302
    assert groups.members(row) == []
    history = db.session.scalars(db.select(GroupMember).where(GroupMember.group_id == row.id)).all()
    assert len(history) == 1 and history[0].ended_at is not None
    assert client.post(f"/admin/appui/poles/APPUI-CAF-69-RSA/membres/{caf.id}/retirer").status_code == 404


def test_support_groups_cli_themes_update_list_and_remove_member(app, db):
    rsa, apl = _catalogue()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["support", "groups", "create", "--code", "APPUI-CAF-69-RSA", "--name", "RSA 69",
                                 "--operator", "caf", "--departments", "69", "--themes", "caf-fr/rsa"])
    assert result.exit_code == 0, result.output
    assert "thèmes : caf-fr/rsa" in result.output
    row = groups.group_by_code("APPUI-CAF-69-RSA")
    assert [p.id for p in row.procedures] == [rsa.id]
    result = runner.invoke(args=["support", "groups", "create", "--code", "X1", "--name", "N", "--operator", "caf",
                                 "--departments", "69", "--themes", "caf-fr/nope"])
    assert result.exit_code == 1 and "Démarche inconnue" in result.output and groups.group_by_code("X1") is None
    result = runner.invoke(args=["support", "groups", "update", "--code", "APPUI-CAF-69-RSA", "--name", "Minima 69-01",
                                 "--departments", "69,01", "--themes", f"caf-fr/rsa,{apl.id}"])
    assert result.exit_code == 0, result.output
    db.session.refresh(row)
    assert row.name == "Minima 69-01" and row.department_list == ["69", "01"]
    assert {p.id for p in row.procedures} == {rsa.id, apl.id}
    result = runner.invoke(args=["support", "groups", "update", "--code", "APPUI-CAF-69-RSA", "--national",
                                 "--themes", ""])
    assert result.exit_code == 0, result.output
    db.session.refresh(row)
    assert row.is_national and row.procedures == [] and row.name == "Minima 69-01"
    result = runner.invoke(args=["support", "groups", "update", "--code", "APPUI-CAF-69-RSA", "--national",
                                 "--departments", "69"])
    assert result.exit_code == 1
    caf = expert()
    runner.invoke(args=["support", "groups", "add-member", "--code", "APPUI-CAF-69-RSA", "--email", caf.email])
    listing = runner.invoke(args=["support", "groups", "list"]).output
    assert "APPUI-CAF-69-RSA\tcaf\tNational\ttoutes les démarches\t1 membre(s)" in listing
    result = runner.invoke(args=["support", "groups", "remove-member", "--code", "APPUI-CAF-69-RSA",
                                 "--email", caf.email])
    assert result.exit_code == 0 and groups.members(row) == []
    result = runner.invoke(args=["support", "groups", "remove-member", "--code", "APPUI-CAF-69-RSA",
                                 "--email", caf.email])
    assert result.exit_code == 1 and "n'est pas membre" in result.output
