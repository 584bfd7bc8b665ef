"""Every working-conditions route × role, staff_rep included (an agent account with the capability)."""
from datetime import date, timedelta

import pytest

from app.accounts import services as accounts
from app.extensions import db
from app.workplace import barometer, checklist, dialogue
from app.workplace.models import StaffRepMandate
from tests.factories import PASSWORD, OrganisationFactory, TeamFactory, UserFactory
from tests.workplace.helpers import NAME, file

ROLES = ["anonymous", "agent", "hr", "triager", "admin", "staff_rep"]
L, OK, NO = 302, 200, 403
MATRIX = {
    "workplace_incidents.index": ("GET", "/conditions-de-travail/signalements", [L, OK, OK, NO, NO, OK]),
    "workplace_incidents.new": ("GET", "/conditions-de-travail/signalements/nouveau", [L, OK, NO, NO, NO, OK]),
    "workplace_incidents.detail": ("GET", "/conditions-de-travail/signalements/{incident}", [L, 404, OK, NO, NO, 404]),
    "workplace_incidents.transition": ("POST", "/conditions-de-travail/signalements/{incident}/suite",
                                       [L, NO, 303, NO, NO, NO]),
    "workplace_incidents.export_csv": ("GET", "/conditions-de-travail/signalements/export.csv", [L, NO, OK, NO, NO, NO]),
    "workplace_incidents.sheet_pdf": ("GET", "/conditions-de-travail/signalements/{incident}/fiche.pdf",
                                      [L, 404, OK, NO, NO, 404]),
    "workplace_incidents.reveal": ("GET", "/admin/conditions-de-travail/signalements/{incident}/identite",
                                   [L, NO, NO, NO, OK, NO]),
    "workplace_site.index": ("GET", "/conditions-de-travail/poste", [L, NO, OK, NO, NO, NO]),
    "workplace_site.assess": ("GET", "/conditions-de-travail/poste/evaluation", [L, NO, OK, NO, NO, NO]),
    "workplace_site.add_action": ("POST", "/conditions-de-travail/poste/actions", [L, NO, 400, NO, NO, NO]),
    "workplace_site.action_done": ("POST", "/conditions-de-travail/poste/actions/{action}/fait",
                                   [L, NO, 302, NO, NO, NO]),
    "workplace_barometer.index": ("GET", "/conditions-de-travail/barometre", [L, OK, OK, NO, OK, OK]),
    "workplace_barometer.open_campaign": ("POST", "/conditions-de-travail/barometre/campagnes",
                                          [L, NO, 400, NO, 400, NO]),
    "workplace_barometer.respond": ("GET", "/conditions-de-travail/barometre/{campaign}/repondre",
                                    [L, OK, NO, NO, NO, OK]),
    "workplace_barometer.close": ("GET", "/conditions-de-travail/barometre/{campaign}/cloture", [L, NO, OK, NO, OK, NO]),
    "workplace_barometer.results": ("GET", "/conditions-de-travail/barometre/{campaign}/resultats",
                                    [L, NO, OK, NO, OK, OK]),
    "workplace_barometer.results_csv": ("GET", "/conditions-de-travail/barometre/{campaign}/resultats.csv",
                                        [L, NO, OK, NO, OK, OK]),
    "workplace_barometer.results_pdf": ("GET", "/conditions-de-travail/barometre/{campaign}/resultats.pdf",
                                        [L, NO, OK, NO, OK, OK]),
    "workplace_dialogue.indicators_page": ("GET", "/conditions-de-travail/indicateurs", [L, NO, OK, NO, OK, OK]),
    "workplace_dialogue.dossier_zip": ("GET", "/conditions-de-travail/dossier.zip", [L, NO, OK, NO, OK, OK]),
    "workplace_dialogue.dossier_pdf": ("GET", "/conditions-de-travail/dossier.pdf", [L, NO, OK, NO, OK, OK]),
    "workplace_dialogue.discussion": ("GET", "/conditions-de-travail/discussion/{org}", [L, OK, OK, NO, OK, OK]),
    "workplace_dialogue.mandates": ("GET", "/admin/conditions-de-travail/representants", [L, NO, NO, NO, OK, NO]),
    "workplace_dialogue.mandate_revoke": ("POST", "/admin/conditions-de-travail/representants/999999/retirer",
                                          [L, NO, NO, NO, 404, NO]),
    "api_workplace.list_incidents": ("GET", "/api/v1/workplace/incidents", [401, OK, OK, NO, NO, OK]),
    "api_workplace.get_incident": ("GET", "/api/v1/workplace/incidents/{incident}", [401, 404, OK, NO, NO, 404]),
}


def test_matrix_covers_every_working_conditions_route(app):
    endpoints = {r.endpoint for r in app.url_map.iter_rules()
                 if r.endpoint.startswith(("workplace_", "api_workplace."))}
    assert endpoints == set(MATRIX)


@pytest.mark.parametrize("role", ROLES)
def test_working_conditions_access_matrix(app, role):
    org = OrganisationFactory()
    hr = UserFactory(role="hr", organisation=org)
    incident = file(UserFactory(role="agent", organisation=org, full_name=NAME), anonymous_to_hr=True)
    action = checklist.add_action(hr, "Tester l'alarme", "safety_alarm", hr.email, date.today() + timedelta(days=9))
    campaign = barometer.open_campaign(hr, "Baromètre", date.today(), date.today())
    barometer.close_campaign(hr, campaign)
    dialogue.add_item(hr, org, "theme", campaign.quarter, "Le bruit à l'accueil")
    actor = None
    if role in ("agent", "hr", "staff_rep"):
        actor = UserFactory(role="hr" if role == "hr" else "agent", organisation=org)
    elif role == "triager":
        actor = UserFactory(role="triager", team=TeamFactory())
    elif role == "admin":
        actor = UserFactory(role="admin")
    if role == "staff_rep":
        db.session.add(StaffRepMandate(user_id=actor.id, organisation_id=org.id))
        db.session.commit()
    failures = []
    for method, path, expected in MATRIX.values():
        client = app.test_client()
        headers = {}
        if actor is not None:
            client.post("/connexion", data={"email": actor.email, "password": PASSWORD})
            if path.startswith("/api/"):
                _t, raw = accounts.create_api_token(actor, actor)
                headers = {"Authorization": f"Bearer {raw}"}
        url = path.format(incident=incident.id, action=action.id, campaign=campaign.id, org=org.id)
        response = client.open(url, method=method, headers=headers)
        want = expected[ROLES.index(role)]
        if response.status_code != want:
            failures.append(f"{method} {url} as {role}: {response.status_code}, expected {want}")
        body = response.data.decode("utf-8", "replace") if response.status_code == 200 else ""
        if role in ("staff_rep", "agent") and NAME in body:
            failures.append(f"{url} shows the victim's name to {role}")
        if role == "hr" and NAME in body:
            failures.append(f"{url} shows an anonymous victim's name to HR")
        db.session.expire_all()
    assert failures == []


def test_objects_of_another_organisation_answer_404(app):
    org = OrganisationFactory()
    hr = UserFactory(role="hr", organisation=org)
    action = checklist.add_action(hr, "Tester l'alarme", "safety_alarm", hr.email, date.today())
    campaign = barometer.open_campaign(hr, "Baromètre", date.today(), date.today())
    other_org = OrganisationFactory()
    other_hr = UserFactory(role="hr", organisation=other_org)
    other_rep = UserFactory(role="agent", organisation=other_org)
    db.session.add(StaffRepMandate(user_id=other_rep.id, organisation_id=other_org.id))
    db.session.commit()
    paths = {
        "hr": [("GET", f"/conditions-de-travail/barometre/{campaign.id}/cloture"),
               ("POST", f"/conditions-de-travail/barometre/{campaign.id}/cloture"),
               ("GET", f"/conditions-de-travail/barometre/{campaign.id}/resultats"),
               ("POST", f"/conditions-de-travail/poste/actions/{action.id}/fait"),
               ("GET", f"/conditions-de-travail/discussion/{org.id}"),
               ("GET", f"/conditions-de-travail/indicateurs?perimetre=org-{org.id}"),
               ("GET", f"/conditions-de-travail/dossier.zip?perimetre=org-{org.id}")],
        "staff_rep": [("GET", f"/conditions-de-travail/barometre/{campaign.id}/resultats.csv"),
                      ("GET", f"/conditions-de-travail/barometre/{campaign.id}/repondre"),
                      ("GET", f"/conditions-de-travail/discussion/{org.id}"),
                      ("GET", f"/conditions-de-travail/indicateurs?perimetre=org-{org.id}"),
                      ("GET", f"/conditions-de-travail/dossier.pdf?perimetre=dep-{org.department}")],
    }
    for who, user in (("hr", other_hr), ("staff_rep", other_rep)):
        client = app.test_client()
        client.post("/connexion", data={"email": user.email, "password": PASSWORD})
        for method, path in paths[who]:
            assert client.open(path, method=method).status_code == 404, (who, method, path)
    db.session.expire_all()
    assert campaign.status == "open" and action.done_at is None
