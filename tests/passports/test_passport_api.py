"""Passport API: my entries, declaring (400 naming the field), submitting, HR decisions (409, 404, 403)."""
import pytest

from app.accounts import services as accounts
from app.extensions import db
from app.passports.models import EvidenceLog, PassportEntry
from tests.factories import OrganisationFactory, UserFactory
from tests.passports.core_factories import EntryFactory


def bearer(user):
    _token, raw = accounts.create_api_token(user, user)
    return {"Authorization": f"Bearer {raw}"}


def test_my_passport_lists_entries_with_the_documented_fields(client, agent, competency):
    other_org = OrganisationFactory(code="CAF-X", name="CAF X")
    EntryFactory(holder=agent, competency=competency, status="validated", validated_by_org_id=other_org.id)
    EntryFactory(holder=agent, competency=competency, status="draft")
    EntryFactory(competency=competency)  # someone else's
    response = client.get("/api/v1/me/passport", headers=bearer(agent))
    assert response.status_code == 200
    body = response.get_json()
    assert body["next_cursor"] is None and len(body["items"]) == 2
    first = body["items"][0]
    assert {"id", "competency", "level", "source", "status", "provenance", "validated_by_org", "valid_until",
            "version"} <= set(first)
    assert first["competency"] == competency.code and first["provenance"] == "guaranteed"
    assert first["validated_by_org"] == {"code": "CAF-X", "name": "CAF X"}
    assert body["items"][1]["provenance"] == "declared" and body["items"][1]["validated_by_org"] is None


def test_my_passport_pages_with_a_cursor(client, agent, competency):
    for _ in range(3):
        EntryFactory(holder=agent, competency=competency)
    first = client.get("/api/v1/me/passport?limit=2", headers=bearer(agent)).get_json()
    assert len(first["items"]) == 2 and first["next_cursor"]
    rest = client.get(f"/api/v1/me/passport?limit=2&cursor={first['next_cursor']}", headers=bearer(agent)).get_json()
    assert len(rest["items"]) == 1 and rest["next_cursor"] is None


def test_declare_then_submit(client, agent, hr, competency):
    headers = bearer(agent)
    response = client.post("/api/v1/me/passport/entries", headers=headers, json={
        "competency": competency.code, "level": 3, "source": "experience", "evidence": "Accueil d'un public sourd."})
    assert response.status_code == 201
    created = response.get_json()
    assert (created["status"], created["source"], created["level"], created["version"]) == ("draft", "experience", 3, 1)
    assert created["evidence"] == "Accueil d'un public sourd."
    submitted = client.post(f"/api/v1/me/passport/entries/{created['id']}/submit", headers=headers, json={})
    assert submitted.status_code == 200
    assert (submitted.get_json()["status"], submitted.get_json()["version"]) == ("submitted", 2)
    again = client.post(f"/api/v1/me/passport/entries/{created['id']}/submit", headers=headers, json={})
    assert again.status_code == 409
    assert again.get_json()["error"]["current_status"] == "submitted"


@pytest.mark.parametrize(("payload", "field"), [
    ({"competency": "Z9.9"}, "competency"),
    ({"level": 0}, "level"),
    ({"level": 5}, "level"),
    ({"level": "trois"}, "level"),
    ({"source": "training"}, "source"),
    ({"evidence": ""}, "evidence"),
])
def test_declare_bad_input_is_a_400_naming_the_field(client, agent, competency, payload, field):
    body = {"competency": competency.code, "level": 2, "source": "experience", "evidence": "Une situation.", **payload}
    response = client.post("/api/v1/me/passport/entries", headers=bearer(agent), json=body)
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert field in error["fields"]
    assert error["message"].startswith("La requête est invalide") or field == "competency"
    assert db.session.scalar(db.select(db.func.count(PassportEntry.id))) == 0


def test_submit_someone_elses_entry_is_404(client, agent):
    other = EntryFactory()
    assert client.post(f"/api/v1/me/passport/entries/{other.id}/submit", headers=bearer(agent), json={}).status_code == 404


def test_decision_200_then_409_on_a_stale_version(client, agent, hr, org):
    entry = EntryFactory(holder=agent, status="submitted")
    url = f"/api/v1/passport-entries/{entry.id}/decision"
    ok = client.post(url, headers=bearer(hr), json={"decision": "validate", "version": 1})
    assert ok.status_code == 200
    assert (ok.get_json()["status"], ok.get_json()["provenance"], ok.get_json()["version"]) == (
        "validated", "guaranteed", 2)
    second_hr = UserFactory(role="hr", organisation=org)
    late = client.post(url, headers=bearer(second_hr), json={"decision": "reject", "comment": "Non.", "version": 1})
    assert late.status_code == 409
    error = late.get_json()["error"]
    assert error["code"] == "conflict" and error["current_status"] == "validated" and error["current_version"] == 2
    assert "Validée" in error["message"]
    assert db.session.scalar(db.select(db.func.count(EvidenceLog.id))) == 1


def test_decision_with_a_stale_version_on_a_still_submitted_entry(client, agent, hr):
    entry = EntryFactory(holder=agent, status="submitted", version=3)
    response = client.post(f"/api/v1/passport-entries/{entry.id}/decision", headers=bearer(hr),
                           json={"decision": "validate", "version": 2})
    assert response.status_code == 409
    error = response.get_json()["error"]
    assert (error["current_status"], error["current_version"]) == ("submitted", 3)
    assert "modifiée entre-temps" in error["message"]


def test_decision_on_an_entry_not_submitted_is_409_with_its_status(client, agent, hr):
    entry = EntryFactory(holder=agent, status="changes_requested")
    response = client.post(f"/api/v1/passport-entries/{entry.id}/decision", headers=bearer(hr),
                           json={"decision": "validate", "version": entry.version})
    assert response.status_code == 409
    assert response.get_json()["error"]["current_status"] == "changes_requested"


def test_decision_bad_input(client, agent, hr):
    entry = EntryFactory(holder=agent, status="submitted")
    url = f"/api/v1/passport-entries/{entry.id}/decision"
    unknown = client.post(url, headers=bearer(hr), json={"decision": "approve", "version": 1})
    assert unknown.status_code == 400 and "decision" in unknown.get_json()["error"]["fields"]
    no_comment = client.post(url, headers=bearer(hr), json={"decision": "reject", "version": 1})
    assert no_comment.status_code == 400 and "comment" in no_comment.get_json()["error"]["fields"]
    no_version = client.post(url, headers=bearer(hr), json={"decision": "validate"})
    assert no_version.status_code == 400 and "version" in no_version.get_json()["error"]["fields"]


def test_decision_out_of_scope_is_404_and_agents_cannot_decide(client, agent, hr):
    outside = EntryFactory(status="submitted")
    response = client.post(f"/api/v1/passport-entries/{outside.id}/decision", headers=bearer(hr),
                           json={"decision": "validate", "version": 1})
    assert response.status_code == 404
    own = EntryFactory(holder=agent, status="submitted")
    response = client.post(f"/api/v1/passport-entries/{own.id}/decision", headers=bearer(agent),
                           json={"decision": "validate", "version": 1})
    assert response.status_code == 403
    db.session.expire_all()
    assert own.status == "submitted" and outside.status == "submitted"


def test_hr_cannot_decide_their_own_entry_through_the_api(client, org):
    hr_holder = UserFactory(role="hr", organisation=org)
    own = EntryFactory(holder=hr_holder, status="submitted")
    response = client.post(f"/api/v1/passport-entries/{own.id}/decision", headers=bearer(hr_holder),
                           json={"decision": "validate", "version": 1})
    assert response.status_code == 403


def test_out_of_range_ids_and_nul_characters_are_plain_refusals(client, login, agent, hr, competency):
    huge = 2**40
    assert client.post(f"/api/v1/me/passport/entries/{huge}/submit", headers=bearer(agent), json={}).status_code == 404
    assert client.post(f"/api/v1/passport-entries/{huge}/decision", headers=bearer(hr),
                       json={"decision": "validate", "version": 1}).status_code == 404
    entry = EntryFactory(holder=agent, status="submitted")
    stale = client.post(f"/api/v1/passport-entries/{entry.id}/decision", headers=bearer(hr),
                        json={"decision": "validate", "version": huge})
    assert stale.status_code == 400 and "version" in stale.get_json()["error"]["fields"]
    nul = client.post("/api/v1/me/passport/entries", headers=bearer(agent), json={
        "competency": "A\x001", "level": 2, "evidence": "Une situation\x00 réelle."})
    assert nul.status_code == 400 and "competency" in nul.get_json()["error"]["fields"]
    created = client.post("/api/v1/me/passport/entries", headers=bearer(agent), json={
        "competency": competency.code, "level": 2, "evidence": "Une situation\x00 réelle."})
    assert created.status_code == 201 and created.get_json()["evidence"] == "Une situation réelle."
    cursor = client.get("/api/v1/me/passport?cursor=OTk5OTk5OTk5OTk5OTk5", headers=bearer(agent))
    assert cursor.status_code == 400
    login(user=agent)
    assert client.get(f"/passeport/lignes/{huge}").status_code == 404
    assert client.get(f"/passeport/preuves/{huge}").status_code == 404
