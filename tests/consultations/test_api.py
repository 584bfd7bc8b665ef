"""Consultations API: team tokens create, read results and close; agents answer; signed webhook events."""
import json

import standardwebhooks

from app.accounts import services as account_services
from app.consultations.models import Consultation, ConsultationAnswer
from app.extensions import db
from app.reports import webhooks
from app.reports.team_settings import create_team_token
from tests.consultations.conftest import QUESTIONS, make_consultation
from tests.reports.test_webhooks import receiver  # noqa: F401 - the loopback receiver fixture


def _team_headers(world, team=None):
    _token, raw = create_team_token(world.dev_caf, team or world.caf_team)
    return {"Authorization": f"Bearer {raw}"}


def _user_headers(user):
    _token, raw = account_services.create_api_token(user, user)
    return {"Authorization": f"Bearer {raw}"}


def test_a_team_token_creates_reads_with_results_and_closes(client, world):
    headers = _team_headers(world)
    response = client.post("/api/v1/consultations", headers=headers, json={
        "application": "caf-fr", "procedure": "declaration-trimestrielle", "kind": "prototype",
        "title": "Maquette de la déclaration", "purpose": "Votre avis sur le nouvel écran des ressources.",
        "targeting": "reporters", "questions": QUESTIONS})
    assert response.status_code == 201, response.json
    body = response.json
    assert body["status"] == "open" and body["procedure"] == "declaration-trimestrielle"
    assert body["results"]["answered"] == 0
    consultation = db.session.get(Consultation, body["id"])
    assert consultation.created_by_id is None  # a team token is not a person
    agent = _user_headers(world.reporter)
    q = [item["id"] for item in body["questions"]]
    answered = client.post(f"/api/v1/consultations/{body['id']}/answers", headers=agent, json={"answers": [
        {"question": q[0], "score": 2}, {"question": q[1], "choices": [1]}, {"question": q[2], "choices": [0, 2]},
        {"question": q[3], "text": "Joignable au 06 12 34 56 78"}]})
    assert answered.status_code == 201, answered.json
    assert answered.json == {"consultation": body["id"], "status": "answered", "answers": 4}
    texts = db.session.scalars(db.select(ConsultationAnswer.text).where(ConsultationAnswer.text != "")).all()
    assert texts == ["Joignable au [téléphone masqué]"]
    read = client.get(f"/api/v1/consultations/{body['id']}", headers=headers).json
    scale = read["results"]["questions"][0]
    assert scale["respondents"] == 1 and scale["mean"] == 2.0
    assert [r["count"] for r in scale["rows"]] == [0, 1, 0, 0, 0]
    assert read["results"]["by_organisation_kind"] == [
        {"label": "France services", "count": "moins de 5 réponses", "mean": "moins de 5 réponses"}]
    closed = client.post(f"/api/v1/consultations/{body['id']}/close", headers=headers,
                         json={"outcome": "Nous gardons l'écran ; le libellé change.", "release_on": "2027-02-01"})
    assert closed.status_code == 200 and closed.json["status"] == "closed"
    again = client.post(f"/api/v1/consultations/{body['id']}/close", headers=headers, json={"outcome": "Encore une fois."})
    assert again.status_code == 409


def test_scope_another_team_and_agents_outside_the_target_get_404(client, world):
    consultation = make_consultation(world.dev_caf, world.caf_app, targeting="reporters")
    assert client.get(f"/api/v1/consultations/{consultation.id}", headers=_team_headers(world, world.ants_team)
                      ).status_code == 404
    outsider = _user_headers(world.outsider)
    assert client.get(f"/api/v1/consultations/{consultation.id}", headers=outsider).status_code == 404
    assert client.post(f"/api/v1/consultations/{consultation.id}/answers", headers=outsider,
                       json={"answers": []}).status_code == 404
    assert client.get("/api/v1/consultations", headers=outsider).json == {"items": []}
    reporter = client.get(f"/api/v1/consultations/{consultation.id}", headers=_user_headers(world.reporter)).json
    assert reporter["results"] is None  # agents never get the results
    foreign = client.post("/api/v1/consultations", headers=_team_headers(world, world.ants_team), json={
        "application": "caf-fr", "kind": "survey", "title": "Pas mon service", "purpose": "Ceci n'est pas à nous.",
        "questions": QUESTIONS})
    assert foreign.status_code == 400 and "application" in foreign.json["error"]["fields"]


def test_bad_answers_are_400_and_the_openapi_document_lists_the_routes(client, world):
    consultation = make_consultation(world.dev_caf, world.caf_app)
    agent = _user_headers(world.reporter)
    bad = client.post(f"/api/v1/consultations/{consultation.id}/answers", headers=agent,
                      json={"answers": [{"question": consultation.questions[0].id, "score": 8}]})
    assert bad.status_code == 400
    paths = client.get("/api/v1/openapi.json").json["paths"]
    for path in ("/api/v1/consultations", "/api/v1/consultations/{consultation_id}",
                 "/api/v1/consultations/{consultation_id}/close", "/api/v1/consultations/{consultation_id}/answers"):
        assert path in paths
    assert set(paths["/api/v1/consultations"]) == {"get", "post"}


def test_answered_and_closed_events_are_signed_the_standard_way(client, world, receiver):  # noqa: F811
    from app.consultations import services

    hook, secret = webhooks.create_webhook(world.dev_caf, world.caf_team, receiver.url,
                                           ["consultation.answered", "consultation.closed"])
    consultation = make_consultation(world.dev_caf, world.caf_app)
    services.submit_answers(world.reporter, consultation, {consultation.questions[3].id: "Appelez le 06 12 34 56 78"})
    services.close_consultation(world.dev_caf, consultation, "Nous avons simplifié l'écran des ressources.")
    assert webhooks.deliver_due() == (2, 0)
    events = [r["headers"]["X-Passerelle-Event"] for r in receiver.requests]
    assert events == ["consultation.answered", "consultation.closed"]
    for request in receiver.requests:
        document = standardwebhooks.Webhook(secret).verify(request["body"], request["headers"])
        assert document["consultation"]["id"] == consultation.id
        raw = request["body"].decode()
        for identity in (world.reporter.email, world.reporter.full_name, "12 34 56"):
            assert identity not in raw
    answered = json.loads(receiver.requests[0]["body"])
    assert answered["participant"] == {"organisation_kind": "france_services", "department": "69"}
    closed = json.loads(receiver.requests[1]["body"])
    assert closed["consultation"]["outcome"] == "Nous avons simplifié l'écran des ressources."


def test_the_agents_list_says_their_participation_in_a_fixed_number_of_queries(app, client, world):
    from app.consultations import services
    from tests.query_counter import count_queries

    headers = _user_headers(world.reporter)
    first = make_consultation(world.dev_caf, world.caf_app)
    services.submit_answers(world.reporter, first, {first.questions[0].id: "3"})
    client.get("/api/v1/consultations", headers=headers)  # the token's first use is recorded once
    with count_queries(app) as few:
        items = client.get("/api/v1/consultations", headers=headers).json["items"]
    assert [(i["id"], i["participation"]) for i in items] == [(first.id, "answered")]
    for _ in range(3):
        make_consultation(world.dev_caf, world.caf_app)
    with count_queries(app) as more:
        items = client.get("/api/v1/consultations", headers=headers).json["items"]
    assert len(items) == 4 and sorted(i["participation"] or "" for i in items) == ["", "", "", "answered"]
    assert more.count == few.count
