"""The production configuration: HTTPS only (HSTS, Secure cookies), and errors without traces."""
import re

import pytest

from app.common.access import public
from tests.conftest import IsolatedClient, csrf_token_from
from tests.factories import PASSWORD, UserFactory

HTTPS = "https://passerelle.example"


@pytest.fixture
def production(app, tmp_path, monkeypatch):
    from app import create_app
    from app.common.keys import new_signing_key_pem
    from app.extensions import db

    monkeypatch.setenv("BASE_URL", HTTPS)
    prod = create_app(
        "production", SECRET_KEY="p" * 40, PASSPORT_SIGNING_KEY=new_signing_key_pem(2048).decode(),
        SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"], INSTANCE_PATH=str(tmp_path),
    )

    @prod.route("/api/v1/panne-de-test")
    @public
    def broken_api():
        raise RuntimeError("détail interne à ne jamais montrer")

    @prod.route("/panne-de-test")
    @public
    def broken_page():
        raise RuntimeError("détail interne à ne jamais montrer")

    prod.test_client_class = IsolatedClient
    yield prod
    with prod.app_context():
        db.engine.dispose()


def test_production_sends_hsts_and_redirects_http(production):
    client = production.test_client()
    plain = client.get("/connexion")
    assert plain.status_code in (301, 302) and plain.location.startswith("https://")
    page = client.get("/connexion", base_url=HTTPS)
    assert page.status_code == 200
    hsts = page.headers.get("Strict-Transport-Security", "")
    max_age = re.search(r"max-age=(\d+)", hsts)
    assert max_age and int(max_age.group(1)) >= 31536000


def test_production_cookies_are_secure(production, db):
    user = UserFactory(role="agent")
    client = production.test_client()
    page = client.get("/connexion", base_url=HTTPS)
    token = csrf_token_from(page.get_data(as_text=True))
    response = client.post("/connexion", base_url=HTTPS, headers={"Referer": HTTPS + "/connexion"},  # strict over HTTPS
                           data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    cookies = {header.split("=", 1)[0]: header for header in response.headers.getlist("Set-Cookie")}
    assert {"session", "passerelle_device"} <= set(cookies)
    for name, header in cookies.items():
        attributes = [part.strip().lower() for part in header.split(";")]
        assert "secure" in attributes and "httponly" in attributes, name


def test_an_api_500_in_production_is_json_with_an_incident_id_and_no_trace(production, caplog):
    client = production.test_client()
    response = client.get("/api/v1/panne-de-test", base_url=HTTPS)
    assert response.status_code == 500 and response.mimetype == "application/json"
    error = response.get_json()["error"]
    assert re.fullmatch(r"[0-9a-f]{12}", error["incident"])
    assert error["incident"] in error["message"]
    body = response.get_data(as_text=True)
    for leak in ("Traceback", "RuntimeError", "détail interne", "File \"", ".py\""):
        assert leak not in body
    # The trace is in the log, under the same incident id.
    assert any(error["incident"] in r.getMessage() and r.exc_info for r in caplog.records)


def test_a_page_500_in_production_shows_the_incident_and_no_trace(production):
    response = production.test_client().get("/panne-de-test", base_url=HTTPS)
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "Traceback" not in body and "détail interne" not in body and "RuntimeError" not in body
    assert re.search(r"[0-9a-f]{12}", body)
