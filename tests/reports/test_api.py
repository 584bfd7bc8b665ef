"""Reports API: the endpoints named in the issue, team tokens, and the OpenAPI document."""
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.audit.models import AuditLog
from app.reports import team_settings, triage, triage_actions
from app.reports.models import Report
from tests.factories import PASSWORD, UserFactory
from tests.reports.factories import file_report

NIR = "1 85 02 2A 123 456 82"


def test_applications(api, world):
    call = api(world.agent)
    body = call("GET", "/api/v1/applications").get_json()
    codes = [a["code"] for a in body["items"]]
    assert codes == ["caf-fr", "ants-identite"] and body["next_cursor"] is None
    caf = body["items"][0]
    assert caf["team"] == "TEAM-CAF" and caf["operator"]["code"] == "CNAF"
    assert caf["procedures"][0]["steps"][0]["code"] == "validation"
    page = call("GET", "/api/v1/applications?limit=1").get_json()
    assert len(page["items"]) == 1 and page["next_cursor"]
    rest = call("GET", f"/api/v1/applications?limit=1&cursor={page['next_cursor']}").get_json()
    assert [a["code"] for a in rest["items"]] == ["ants-identite"]
    assert call("GET", "/api/v1/applications?cursor=%%%").status_code == 400


def test_create_report_returns_the_stored_masked_report(api, world, db):
    call = api(world.agent)
    response = call("POST", "/api/v1/reports", json={
        "application": "caf-fr", "procedure": "declaration-trimestrielle", "step": "validation",
        "problem_type": "technical_error", "title": "Erreur 500 à la validation",
        "what_happened": f"NIR {NIR} saisi, puis erreur 500. Joignable au +33 6 12 34 56 78.",
        "expected": "Validation", "people_affected": 2, "citizen_blocked": True,
    })
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["reference"].startswith("R-") and body["status"] == "new"
    assert NIR not in body["what_happened"] and "[NIR masqué]" in body["what_happened"]
    assert "[téléphone masqué]" in body["what_happened"]
    assert body["redaction"]["nir"] == 1 and body["redaction"]["phone"] == 1
    assert body["impact"]["people_total"] == 2 and body["is_mine"] is True
    assert body["procedure"]["code"] == "declaration-trimestrielle"
    assert body["reporter"] is None  # agents do not get the team's view
    stored = db.session.get(Report, body["id"])
    assert NIR not in stored.what_happened


def test_create_report_errors(api, world):
    call = api(world.agent)
    bad = call("POST", "/api/v1/reports", json={"application": "nope", "problem_type": "technical_error",
                                                 "title": "x", "what_happened": "y"})
    assert bad.status_code == 400 and bad.get_json()["error"]["fields"]["application"]
    missing = call("POST", "/api/v1/reports", json={"application": "caf-fr"})
    assert missing.status_code == 400 and "title" in missing.get_json()["error"]["fields"]
    consent = call("POST", "/api/v1/reports", json={"application": "caf-fr", "problem_type": "suggestion",
                                                     "title": "x", "what_happened": "y", "on_behalf": True})
    assert consent.status_code == 400 and "consent" in consent.get_json()["error"]["fields"]
    assert api(world.dev_caf)("POST", "/api/v1/reports", json={}).status_code == 403


def test_list_filters_and_detail(api, world):
    mine = file_report(world.agent, world.caf_app)
    other = file_report(world.agent, world.ants_app)
    triage_call = api(world.dev_caf)
    assert [r["reference"] for r in triage_call("GET", "/api/v1/reports").get_json()["items"]] == [mine.reference]
    agent_call = api(world.agent)
    items = agent_call("GET", "/api/v1/reports").get_json()["items"]
    assert [r["reference"] for r in items] == [other.reference, mine.reference]
    assert [r["reference"] for r in agent_call("GET", "/api/v1/reports?application=ants-identite")
            .get_json()["items"]] == [other.reference]
    assert agent_call("GET", "/api/v1/reports?status=fixed").get_json()["items"] == []
    assert agent_call("GET", "/api/v1/reports?status=nope").status_code == 400
    page = agent_call("GET", "/api/v1/reports?limit=1").get_json()
    assert len(page["items"]) == 1
    assert agent_call("GET", f"/api/v1/reports?limit=1&cursor={page['next_cursor']}").get_json()["items"][0][
        "reference"] == mine.reference
    detail = triage_call("GET", f"/api/v1/reports/{mine.reference}").get_json()
    assert detail["id"] == mine.id and detail["reporter"] == {"organisation_kind": "france_services",
                                                             "department": "69"}
    assert detail["due"]["overdue"] is False


def test_patch_follows_the_workflow(api, world, db):
    report = file_report(world.agent, world.caf_app)
    call = api(world.dev_caf)
    wrong = call("PATCH", f"/api/v1/reports/{report.id}", json={"status": "verified", "tracker_key": "CAF-9"})
    assert wrong.status_code == 409 and "ne peut pas passer" in wrong.get_json()["error"]["message"]
    db.session.refresh(report)
    assert report.tracker_key == ""  # nothing applied when the status is refused
    ok = call("PATCH", f"/api/v1/reports/{report.id}", json={
        "status": "qualified", "tracker_url": "https://tickets.example/CAF-9", "tracker_key": "CAF-9",
        "assignee": world.dev_caf.email})
    assert ok.status_code == 200, ok.get_json()
    body = ok.get_json()
    assert body["status"] == "qualified" and body["tracker"]["key"] == "CAF-9"
    assert body["assignee"] == world.dev_caf.full_name
    reason = call("PATCH", f"/api/v1/reports/{report.id}", json={"status": "wont_fix"})
    assert reason.status_code == 409 and "raison" in reason.get_json()["error"]["message"]
    outsider = call("PATCH", f"/api/v1/reports/{report.id}", json={"assignee": world.dev_ants.email})
    assert outsider.status_code == 400


def test_patch_duplicate_merges(api, world, db):
    main = file_report(world.agent, world.caf_app, people_affected=2)
    duplicate = file_report(world.other_agent, world.caf_app, people_affected=3)
    call = api(world.dev_caf)
    response = call("PATCH", f"/api/v1/reports/{duplicate.id}", json={"status": "duplicate",
                                                                    "duplicate_of": main.reference})
    assert response.status_code == 200
    assert response.get_json()["duplicate_of"] == main.reference
    db.session.refresh(main)
    assert main.people_total == 5


def test_patch_of_several_fields_is_one_use_case_and_one_commit(api, world, db, monkeypatch):
    """The view's whole use case (not the token check before it) commits once; the signals' receivers and
    the e-mail delivery that follow the commit are left out."""
    monkeypatch.setattr(triage, "announce", lambda report: None)
    monkeypatch.setattr(triage_actions, "deliver_inline", lambda: None)
    commits = []
    update = triage_actions.update

    def count(session):
        commits.append(session)

    def counted(*args, **kwargs):
        event.listen(Session, "after_commit", count)
        try:
            return update(*args, **kwargs)
        finally:
            event.remove(Session, "after_commit", count)

    monkeypatch.setattr(triage_actions, "update", counted)
    report = file_report(world.agent, world.caf_app)
    response = api(world.dev_caf)("PATCH", f"/api/v1/reports/{report.id}", json={
        "status": "qualified", "tracker_url": "https://tickets.example/CAF-7", "tracker_key": "CAF-7",
        "assignee": world.dev_caf.email})
    assert response.status_code == 200, response.get_json()
    assert len(commits) == 1
    assert _audited(db, report) == ["report.assign", "report.create", "report.status", "report.tracker"]


def _audited(db, report):
    return sorted(db.session.scalars(db.select(AuditLog.action).where(AuditLog.target_id == str(report.id))
                                     .where(AuditLog.action.like("report.%"))))


def test_patch_refused_at_its_last_step_applies_nothing(api, world, db):
    main = file_report(world.agent, world.caf_app)
    duplicate = file_report(world.other_agent, world.caf_app)
    main.status = "wont_fix"  # closed: the merge, the last step of the PATCH, refuses it
    db.session.commit()
    response = api(world.dev_caf)("PATCH", f"/api/v1/reports/{duplicate.id}", json={
        "tracker_url": "https://tickets.example/CAF-8", "tracker_key": "CAF-8", "assignee": world.dev_caf.email,
        "status": "duplicate", "duplicate_of": main.reference})
    assert response.status_code == 409 and "close" in response.get_json()["error"]["message"]
    db.session.expire_all()
    stored = db.session.get(Report, duplicate.id)
    assert (stored.tracker_key, stored.tracker_url, stored.assignee_id, stored.status) == ("", "", None, "new")
    assert _audited(db, duplicate) == ["report.create"]


def test_patch_names_the_field_it_refuses(api, world):
    report = file_report(world.agent, world.caf_app)
    call = api(world.dev_caf)
    unknown = call("PATCH", f"/api/v1/reports/{report.id}", json={"status": "duplicate", "duplicate_of": "R-0"})
    assert unknown.status_code == 400
    assert unknown.get_json()["error"]["fields"] == {"duplicate_of": ["Référence inconnue."]}
    stranger = call("PATCH", f"/api/v1/reports/{report.id}", json={"assignee": "nobody@example.org"})
    assert stranger.get_json()["error"]["fields"] == {"assignee": ["Aucun membre de l'équipe avec cette adresse."]}


def test_comments_and_me_too(api, world, db):
    report = file_report(world.agent, world.caf_app)
    team = api(world.dev_caf)
    note = team("POST", f"/api/v1/reports/{report.id}/comments", json={"body": "Interne", "visibility": "internal"})
    assert note.status_code == 201 and note.get_json()["kind"] == "internal_note"
    answer = team("POST", f"/api/v1/reports/{report.id}/comments", json={"body": "Réponse"})
    assert answer.get_json()["kind"] == "public_answer"
    agent = api(world.agent)
    message = agent("POST", f"/api/v1/reports/{report.id}/comments", json={"body": "Écrire à x@y.fr"})
    assert message.status_code == 201 and message.get_json()["body"] == "Écrire à [e-mail masqué]"
    kinds = [c["kind"] for c in agent("GET", f"/api/v1/reports/{report.id}").get_json()["comments"]]
    assert kinds == ["public_answer", "agent_message"]
    other = api(world.other_agent)
    assert other("POST", f"/api/v1/reports/{report.id}/comments", json={"body": "x"}).status_code == 404
    assert other("POST", f"/api/v1/reports/{report.id}/me-too", json={"people_affected": 4}).status_code == 404
    offer = other("GET", "/api/v1/reports/similar?application=caf-fr&q=bouton%20valider").get_json()["items"][0][
        "me_too_offer"]
    joined = other("POST", f"/api/v1/reports/{report.id}/me-too", json={"people_affected": 4, "offer": offer})
    assert joined.status_code == 201 and joined.get_json()["impact"]["people_total"] == 5
    assert joined.get_json()["view"] == "reduced" and "citizen_words" not in joined.get_json()
    again = other("POST", f"/api/v1/reports/{report.id}/me-too", json={"offer": offer})
    assert again.status_code == 409 and "déjà" in again.get_json()["error"]["message"]
    assert other("POST", "/api/v1/reports/999999/me-too", json={}).status_code == 404


def test_similar_endpoint(api, world):
    report = file_report(world.agent, world.caf_app)
    call = api(world.other_agent)
    items = call("GET", "/api/v1/reports/similar?application=caf-fr&q=bouton%20valider%20gris%C3%A9s").get_json()["items"]
    assert [i["reference"] for i in items] == [report.reference]
    assert call("GET", "/api/v1/reports/similar?application=caf-fr").status_code == 400
    assert call("GET", "/api/v1/reports/similar?application=nope&q=x").status_code == 404


def test_team_tokens_act_for_the_team(app, world, db):
    report = file_report(world.agent, world.caf_app)
    other = file_report(world.agent, world.ants_app)
    token, raw = team_settings.create_team_token(world.dev_caf, world.caf_team, "outil de tickets")
    assert token.user_id is None and token.team_id == world.caf_team.id
    client = app.test_client()
    headers = {"Authorization": f"Bearer {raw}"}
    listed = client.get("/api/v1/reports", headers=headers).get_json()["items"]
    assert [r["reference"] for r in listed] == [report.reference]
    assert client.get(f"/api/v1/reports/{other.id}", headers=headers).status_code == 404
    patched = client.patch(f"/api/v1/reports/{report.id}", json={"status": "qualified"}, headers=headers)
    assert patched.status_code == 200
    comment = client.post(f"/api/v1/reports/{report.id}/comments", json={"body": "Vu."}, headers=headers)
    assert comment.status_code == 201
    assert client.post("/api/v1/reports", json={}, headers=headers).status_code == 403  # not an agent
    me = client.get("/api/v1/me", headers=headers).get_json()
    assert me["role"] == "triager" and me["team"]["code"] == "TEAM-CAF" and me["email"] is None
    # The token survives its creator leaving the team, and stops when revoked.
    world.dev_caf.active = False
    db.session.commit()
    assert client.get("/api/v1/reports", headers=headers).status_code == 200
    team_settings.revoke_team_token(world.dev_ants, token)
    assert client.get("/api/v1/reports", headers=headers).status_code == 401


def test_team_token_actions_are_audited_with_the_token_as_actor(app, world, db):
    from app.audit.models import AuditLog

    report = file_report(world.agent, world.caf_app)
    token, raw = team_settings.create_team_token(world.dev_caf, world.caf_team, "outil de tickets")
    headers = {"Authorization": f"Bearer {raw}"}
    client = app.test_client()
    before = db.session.scalar(db.select(db.func.max(AuditLog.id)))
    assert client.patch(f"/api/v1/reports/{report.id}", json={"status": "qualified"}, headers=headers).status_code == 200
    assert client.post(f"/api/v1/reports/{report.id}/comments", json={"body": "Vu."}, headers=headers).status_code == 201
    rows = db.session.scalars(db.select(AuditLog).where(AuditLog.id > before).order_by(AuditLog.id)).all()
    assert len(rows) >= 2
    for row in rows:
        assert row.actor_id is None
        assert row.details["actor_token"] == {"id": token.id, "label": "outil de tickets"}, row.action
    admin = UserFactory(role="admin")
    web = app.test_client()
    web.post("/connexion", data={"email": admin.email, "password": PASSWORD})
    page = web.get("/admin/journal").get_data(as_text=True)
    assert f"Jeton d'équipe « outil de tickets » (n° {token.id})" in page


def test_team_token_settings_page(app, world, db):
    from tests.factories import PASSWORD

    client = app.test_client()
    client.post("/connexion", data={"email": world.dev_caf.email, "password": PASSWORD})
    response = client.post("/equipe/reglages/jetons", data={"label": "Synchro"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    raw = page.split('id="secret-value">')[1].split("<")[0].strip()
    assert raw.startswith("psr_") and "Synchro" in page
    from app.accounts.models import ApiToken

    token = db.session.scalar(db.select(ApiToken).where(ApiToken.team_id == world.caf_team.id))
    ants = app.test_client()
    ants.post("/connexion", data={"email": world.dev_ants.email, "password": PASSWORD})
    assert ants.get(f"/equipe/reglages/jetons/{token.id}/revoquer").status_code == 404
    assert "Révoquer le jeton" in client.get(f"/equipe/reglages/jetons/{token.id}/revoquer").get_data(as_text=True)
    assert client.post(f"/equipe/reglages/jetons/{token.id}/revoquer").status_code == 302
    db.session.refresh(token)
    assert token.revoked_at is not None


def test_openapi_documents_the_reports_endpoints(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    paths = spec["paths"]
    expected = {
        "/api/v1/applications": {"get"},
        "/api/v1/reports": {"get", "post"},
        "/api/v1/reports/{report_id}": {"get", "patch"},
        "/api/v1/reports/{report_id}/comments": {"post"},
        "/api/v1/reports/{report_id}/me-too": {"post"},
        "/api/v1/reports/similar": {"get"},
    }
    for path, methods in expected.items():
        assert methods <= set(paths[path]), path
    schemas = spec["components"]["schemas"]
    assert {"Report", "ReportCreate", "ReportPatch", "Application", "ReducedReport"} <= set(schemas)
    assert "redaction" in schemas["Report"]["properties"]


def test_odd_input_never_breaks_the_database(app, api, world, db):
    """NUL characters (refused by PostgreSQL), huge ids and cursors: answers, never a 500."""
    report = file_report(world.agent, world.caf_app)
    agent = api(world.agent)
    created = agent("POST", "/api/v1/reports", json={
        "application": "caf-fr\x00", "problem_type": "suggestion", "title": "Titre\x00 avec NUL",
        "what_happened": "Texte\x00", "procedure": "declaration-trimestrielle\x00"})
    assert created.status_code == 201 and created.get_json()["title"] == "Titre avec NUL"
    for path in ("/api/v1/reports/99999999999999999999", "/api/v1/reports/%C2%B3",
                 "/api/v1/reports?cursor=OTk5OTk5OTk5OTk5OTk5OTk5OTk5",
                 "/api/v1/reports?application=caf%00", "/api/v1/reports/similar?application=caf%00&q=a%00b"):
        assert agent("GET", path).status_code in (200, 400, 404), path
    team = api(world.dev_caf)
    patched = team("PATCH", f"/api/v1/reports/{report.id}", json={"tracker_key": "K\x00", "tracker_url": ""})
    assert patched.status_code == 200 and patched.get_json()["tracker"]["key"] == "K"
    comment = team("POST", f"/api/v1/reports/{report.id}/comments", json={"body": "a\x00b"})
    assert comment.status_code == 201 and comment.get_json()["body"] == "ab"
    from tests.factories import PASSWORD

    web = app.test_client()
    web.post("/connexion", data={"email": world.dev_caf.email, "password": PASSWORD})
    assert web.get("/equipe/remontees?application=caf%00&q=x%00y").status_code == 200
    assert web.get("/equipe/reglages/webhooks/99999999999999999999").status_code == 404
    assert web.get(f"/remontees/{report.reference}/captures/99999999999999999999").status_code == 404
