"""The /api/v1 support endpoints: creation with consent, scope, messages, take, close, groups, fiches."""
import pytest

from app.accounts import services as accounts
from app.backoffice.models import SupportRequest
from tests.backoffice.factories import agent, expert, group
from tests.factories import UserFactory

BODY = {"operator": "caf", "subject": "RSA suspendu", "situation": "Plus de versement, NIR 2 80 03 69 123 456 78.",
        "urgency": "no_income"}


def _headers(user):
    _t, raw = accounts.create_api_token(user, user)
    return {"Authorization": f"Bearer {raw}"}


@pytest.fixture
def world(db):
    caf = expert()
    cpam = expert(operator="cpam")
    group(experts=[caf])
    group("APPUI-CPAM-69", operator="cpam", experts=[cpam])
    return {"agent": agent(), "caf": caf, "cpam": cpam}


def test_create_read_answer_take_close(client, world, db):
    h_agent, h_caf = _headers(world["agent"]), _headers(world["caf"])
    refused = client.post("/api/v1/support-requests", json={**BODY, "citizen": {"last_name": "Martin"}}, headers=h_agent)
    assert refused.status_code == 400 and "consentement" in refused.json["error"]["message"]
    assert db.session.scalar(db.select(db.func.count()).select_from(SupportRequest)) == 0
    created = client.post("/api/v1/support-requests", headers=h_agent, json={
        **BODY, "citizen": {"last_name": "Martin", "consent": {"kind": "aidants_connect", "date": "2026-12-01"}}})
    assert created.status_code == 201, created.json
    ref = created.json["reference"]
    assert created.json["group"] == "APPUI-CAF-69" and created.json["status"] == "new"
    assert "2 80 03" not in created.json["situation"] and created.json["has_citizen_block"] is True
    assert "Martin" not in str(created.json)
    assert client.post(f"/api/v1/support-requests/{ref}/take", headers=h_caf).json["status"] == "taken"
    client.post(f"/api/v1/support-requests/{ref}/messages", json={"body": "Note", "internal": True}, headers=h_caf)
    answered = client.post(f"/api/v1/support-requests/{ref}/messages", json={"body": "Réglé"}, headers=h_caf)
    assert answered.status_code == 201 and answered.json["status"] == "answered"
    seen = client.get(f"/api/v1/support-requests/{ref}", headers=h_agent).json
    assert [m["body"] for m in seen["messages"]] == ["Réglé"]
    expert_view = client.get(f"/api/v1/support-requests/{ref}", headers=h_caf).json
    assert [m["internal"] for m in expert_view["messages"]] == [True, False]
    assert client.post(f"/api/v1/support-requests/{ref}/messages", json={"body": "x", "internal": True},
                       headers=h_agent).status_code == 400
    closed = client.post(f"/api/v1/support-requests/{ref}/close", json={"useful": "yes"}, headers=h_agent)
    assert closed.status_code == 200 and closed.json["useful"] == "yes"
    assert client.post(f"/api/v1/support-requests/{ref}/close", json={"useful": "no"}, headers=h_agent).status_code == 409


def test_scope_in_the_api(client, world, db):
    ref = client.post("/api/v1/support-requests", json=BODY, headers=_headers(world["agent"])).json["reference"]
    assert client.get(f"/api/v1/support-requests/{ref}", headers=_headers(world["cpam"])).status_code == 404
    assert client.get(f"/api/v1/support-requests/{ref}", headers=_headers(UserFactory(role="agent"))).status_code == 404
    assert client.get(f"/api/v1/support-requests/{ref}", headers=_headers(UserFactory(role="hr"))).status_code == 403
    assert client.get(f"/api/v1/support-requests/{ref}", headers=_headers(UserFactory(role="triager"))).status_code == 403
    admin = client.get(f"/api/v1/support-requests/{ref}", headers=_headers(UserFactory(role="admin"))).json
    assert admin["subject"] is None and admin["messages"] == [] and admin["group"] == "APPUI-CAF-69"
    assert client.get("/api/v1/support-requests", headers=_headers(world["cpam"])).json["items"] == []
    assert [i["reference"] for i in client.get("/api/v1/support-requests", headers=_headers(world["caf"])).json["items"]] == [ref]
    groups = client.get("/api/v1/support-groups", headers=_headers(world["agent"])).json["items"]
    assert {g["code"] for g in groups} == {"APPUI-CAF-69", "APPUI-CPAM-69"}
    assert client.get("/api/v1/fiches", headers=_headers(world["agent"])).json["items"] == []


def test_openapi_documents_the_support_paths(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    for path in ("/api/v1/support-requests", "/api/v1/support-requests/{reference}",
                 "/api/v1/support-requests/{reference}/messages", "/api/v1/support-requests/{reference}/take",
                 "/api/v1/support-requests/{reference}/close", "/api/v1/support-groups", "/api/v1/fiches"):
        assert path in paths, path
