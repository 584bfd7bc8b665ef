"""POST /api/v1/visits: agent and site tokens, single and bulk, Idempotency-Key honoured on both."""
from app.extensions import db
from app.reception import services
from app.reception.models import IdempotentRequest, QualityMonth, Visit
from tests.factories import UserFactory

ROW = {"channel": "phone", "operators": ["caf"], "outcome": "resolved", "duration": "lt5"}


def count():
    return db.session.scalar(db.select(db.func.count(Visit.id)))


def test_single_post_by_an_agent(bearer):
    agent = UserFactory(role="agent")
    response = bearer(agent)("POST", "/api/v1/visits", json={**ROW, "needs": ["language"], "waiting": "gt30"})
    assert response.status_code == 201
    visit = response.get_json()["visit"]
    assert visit["operators"] == ["caf"] and visit["needs"] == ["language"] and visit["waiting"] == "gt30"
    stored = db.session.get(Visit, visit["id"])
    assert (stored.agent_id, stored.organisation_id) == (agent.id, agent.organisation_id)


def test_bulk_post_is_all_or_nothing_with_rows_named(bearer):
    call = bearer(UserFactory(role="agent"))
    response = call("POST", "/api/v1/visits", json=[ROW, {**ROW, "channel": "fax"}, ROW])
    assert response.status_code == 400
    assert response.get_json()["error"]["fields"] == {"2": {"channel": "Valeur inconnue pour le canal : fax."}}
    assert count() == 0
    response = call("POST", "/api/v1/visits", json=[ROW] * 3)
    assert response.status_code == 201 and response.get_json()["count"] == 3 and count() == 3


def test_bulk_over_500_rows_is_refused(bearer):
    response = bearer(UserFactory(role="agent"))("POST", "/api/v1/visits", json=[ROW] * 501)
    assert response.status_code == 400 and count() == 0


def test_idempotency_key_replays_single_and_bulk(bearer):
    call = bearer(UserFactory(role="agent"))
    first = call("POST", "/api/v1/visits", json=ROW, headers={"Idempotency-Key": "k-single"})
    again = call("POST", "/api/v1/visits", json=ROW, headers={"Idempotency-Key": "k-single"})
    assert first.status_code == again.status_code == 201
    assert again.get_json() == first.get_json() and again.headers["Idempotent-Replayed"] == "true"
    assert count() == 1
    bulk = call("POST", "/api/v1/visits", json=[ROW] * 4, headers={"Idempotency-Key": "k-bulk"})
    replay = call("POST", "/api/v1/visits", json=[ROW] * 4, headers={"Idempotency-Key": "k-bulk"})
    assert bulk.get_json() == replay.get_json() and count() == 5
    months = db.session.scalars(db.select(QualityMonth.counts).where(QualityMonth.scope == "nat")).all()
    assert sum(c.get("visits", 0) for c in months) == 5  # the summaries did not count the replays
    conflict = call("POST", "/api/v1/visits", json=[ROW] * 2, headers={"Idempotency-Key": "k-bulk"})
    assert conflict.status_code == 422 and count() == 5


def test_keys_are_per_caller(bearer):
    row = {**ROW}
    a, b = UserFactory(role="agent"), UserFactory(role="agent")
    bearer(a)("POST", "/api/v1/visits", json=row, headers={"Idempotency-Key": "same"})
    response = bearer(b)("POST", "/api/v1/visits", json=row, headers={"Idempotency-Key": "same"})
    assert response.status_code == 201 and "Idempotent-Replayed" not in response.headers
    assert count() == 2 and db.session.scalar(db.select(db.func.count(IdempotentRequest.id))) == 2


def test_site_token_records_for_its_site_and_opens_nothing_else(bearer):
    hr = UserFactory(role="hr")
    token, raw = services.create_site_token(hr, "Borne")
    call = bearer(raw)
    response = call("POST", "/api/v1/visits", json=[ROW, ROW], headers={"Idempotency-Key": "borne-1"})
    assert response.status_code == 201
    rows = db.session.scalars(db.select(Visit)).all()
    assert {(v.organisation_id, v.agent_id, v.site_token_id) for v in rows} == {(hr.organisation_id, None, token.id)}
    assert call("GET", "/api/v1/me").status_code == 401
    assert call("GET", "/api/v1/applications").status_code == 401
    services.revoke_site_token(hr, token)
    assert call("POST", "/api/v1/visits", json=ROW).status_code == 401


def test_other_roles_cannot_post(bearer):
    assert bearer(UserFactory(role="hr"))("POST", "/api/v1/visits", json=ROW).status_code == 403


def test_openapi_documents_visits_without_personal_fields(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert "post" in spec["paths"]["/api/v1/visits"]
    properties = set(spec["components"]["schemas"]["VisitInput"]["properties"])
    assert properties == {"visited_on", "channel", "operators", "procedure_id", "outcome", "support_request",
                          "duration", "waiting", "needs"}
    assert "Idempotency-Key" in str(spec["paths"]["/api/v1/visits"]["post"]["parameters"])


def test_a_concurrent_post_with_the_same_key_is_replayed_not_recorded(bearer, monkeypatch):
    from app.api import reception as api_reception

    call = bearer(UserFactory(role="agent"))
    first = call("POST", "/api/v1/visits", json=[ROW, ROW], headers={"Idempotency-Key": "race"})
    real, calls = api_reception._stored, []

    def missed_once(*args):
        # The second request checked before the first one committed: it saw no stored answer.
        calls.append(args)
        return None if len(calls) == 1 else real(*args)

    monkeypatch.setattr(api_reception, "_stored", missed_once)
    second = call("POST", "/api/v1/visits", json=[ROW, ROW], headers={"Idempotency-Key": "race"})
    assert len(calls) == 2  # the unique key refused the insert, then the stored answer was read
    assert second.status_code == 201 and second.get_json() == first.get_json()
    assert count() == 2
