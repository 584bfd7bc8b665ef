"""POST /api/v1/redaction/preview."""
import pytest

from app.accounts import services
from app.api.reports_redaction import MAX_TEXT_LENGTH
from app.reports.redaction import KINDS

URL = "/api/v1/redaction/preview"


@pytest.fixture
def auth(make_user):
    def headers(role="agent"):
        user = make_user(role=role)
        _token, raw = services.create_api_token(user, user, "preview")
        return {"Authorization": f"Bearer {raw}"}

    return headers


def test_preview_masks_and_counts_every_kind(client, auth):
    text = "NIR 2 84 05 75 123 456 72, tél. 06 71 84 29 53, le 12/03/2026."
    response = client.post(URL, json={"text": text}, headers=auth())
    assert response.status_code == 200
    body = response.get_json()
    assert body["text"] == "NIR [NIR masqué], tél. [téléphone masqué], le 12/03/2026."
    assert body["found"] == {**dict.fromkeys(KINDS, 0), "nir": 1, "phone": 1}
    assert set(body) == {"found", "text"}


@pytest.mark.parametrize("role", ["agent", "hr", "triager", "admin"])
def test_any_token_may_preview(client, auth, role):
    response = client.post(URL, json={"text": "Rien à masquer."}, headers=auth(role))
    assert response.status_code == 200
    assert response.get_json() == {"text": "Rien à masquer.", "found": dict.fromkeys(KINDS, 0)}


def test_empty_text_is_accepted(client, auth):
    response = client.post(URL, json={"text": ""}, headers=auth())
    assert response.status_code == 200
    assert response.get_json()["text"] == ""


def test_token_required(client):
    response = client.post(URL, json={"text": "06 71 84 29 53"})
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"json": {}},
        {"json": {"texte": "faute de frappe"}},
        {"json": {"text": None}},
        {"json": {"text": 42}},
        {"data": "pas du JSON", "content_type": "application/json"},
    ],
    ids=["no-body", "empty-object", "wrong-name", "null", "number", "invalid-json"],
)
def test_bad_body_is_a_400(client, auth, kwargs):
    response = client.post(URL, headers=auth(), **kwargs)
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "bad_request"


@pytest.mark.parametrize("body", [{}, {"text": None}, {"text": ["a"]}])
def test_400_names_the_text_field_in_french(client, auth, body):
    response = client.post(URL, json=body, headers=auth())
    error = response.get_json()["error"]
    assert "text" in error["fields"]
    assert "« text »" in error["fields"]["text"][0]
    assert "text" in error["message"]


def test_text_limit_is_twenty_thousand_characters(client, auth):
    headers = auth()
    at_limit = client.post(URL, json={"text": "é" * MAX_TEXT_LENGTH}, headers=headers)
    assert MAX_TEXT_LENGTH == 20_000
    assert at_limit.status_code == 200
    over = client.post(URL, json={"text": "é" * (MAX_TEXT_LENGTH + 1)}, headers=headers)
    assert over.status_code == 400
    error = over.get_json()["error"]
    assert "20000" in error["fields"]["text"][0]
    assert "é" * 50 not in over.get_data(as_text=True)


def test_documented_in_openapi(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    operation = spec["paths"]["/api/v1/redaction/preview"]["post"]
    assert {"200", "400", "401"} <= set(operation["responses"])
    schemas = spec["components"]["schemas"]
    request = schemas["RedactionPreviewRequest"]
    assert request["required"] == ["text"]
    assert request["properties"]["text"]["maxLength"] == MAX_TEXT_LENGTH
    assert set(schemas["RedactionFound"]["properties"]) == set(KINDS)
