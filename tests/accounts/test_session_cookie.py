"""The session cookie is signed, not encrypted: it never carries a secret, a token, an e-mail or a name."""
import json
import re

import pyotp

from app.accounts.models import User
from tests.conftest import session_of
from tests.factories import PASSWORD, OrganisationFactory, TeamFactory, UserFactory
from tests.passports.core_factories import EntryFactory


def _revealed(response):
    match = re.search(r'id="secret-value">([^<]+)<', response.get_data(as_text=True))
    assert match, "the new secret is not shown in the response"
    return match.group(1).strip()


def _cookie_text(app, client):
    return json.dumps(session_of(app, client), ensure_ascii=False)


def _assert_absent(app, client, *values):
    text = _cookie_text(app, client)
    for value in values:
        assert value and value not in text, f"{value!r} travels in the session cookie"


def _logged_in(app, user):
    client = app.test_client()
    assert client.post("/connexion", data={"email": user.email, "password": PASSWORD}).status_code == 302
    return client


def test_personal_token_is_shown_once_and_not_in_the_cookie(app, db):
    user = UserFactory(role="agent")
    client = _logged_in(app, user)
    response = client.post("/compte/jetons", data={"label": "mon script"})
    assert response.status_code == 200
    raw = _revealed(response)
    assert raw.startswith("psr_")
    _assert_absent(app, client, raw)
    assert raw not in client.get("/compte").get_data(as_text=True)  # once only
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 200


def test_team_token_and_webhook_secret_are_shown_once_and_not_in_the_cookie(app, db, monkeypatch):
    monkeypatch.setitem(app.config, "WEBHOOK_ALLOW_PRIVATE", True)
    triager = UserFactory(role="triager", team=TeamFactory())
    client = _logged_in(app, triager)
    response = client.post("/equipe/reglages/jetons", data={"label": "Synchro"})
    assert response.status_code == 200
    token = _revealed(response)
    assert token.startswith("psr_")
    assert 'value="Synchro"' not in response.get_data(as_text=True)  # the form is blank again
    _assert_absent(app, client, token)
    response = client.post("/equipe/reglages/webhooks", data={"url": "http://127.0.0.1:9/hook", "report_created": "y"})
    assert response.status_code == 200
    secret = _revealed(response)
    _assert_absent(app, client, token, secret)
    page = client.get("/equipe/reglages").get_data(as_text=True)
    assert token not in page and secret not in page


def test_totp_secret_during_set_up_is_not_in_the_cookie(app, db):
    user = UserFactory(role="agent")
    client = _logged_in(app, user)
    page = client.get("/compte/double-authentification").get_data(as_text=True)
    secret = page.split('<strong class="pas-code">')[1].split("<")[0]
    _assert_absent(app, client, secret)
    # The same secret is offered until set-up ends, and a wrong code keeps it out of the cookie too.
    again = client.get("/compte/double-authentification").get_data(as_text=True)
    assert secret in again
    assert client.post("/compte/double-authentification", data={"code": "000000"}).status_code == 200
    _assert_absent(app, client, secret)
    done = client.post("/compte/double-authentification", data={"code": pyotp.TOTP(secret).now()})
    assert "pas-code" in done.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, user.id).totp_secret == secret
    _assert_absent(app, client, secret)


def test_session_cookie_holds_no_email_or_name_after_people_actions(app, db):
    org = OrganisationFactory()
    hr = UserFactory(role="hr", organisation=org, full_name="Rita Ressources")
    agent = UserFactory(role="agent", organisation=org, full_name="Amina Agent", email="amina@example.org")
    client = _logged_in(app, hr)
    _assert_absent(app, client, hr.email, hr.full_name)
    entry = EntryFactory(holder=agent, status="submitted")
    response = client.post(f"/rh/passeports/lignes/{entry.id}/decision",
                           data={"decision": "validate", "comment": "", "version": "1"})
    assert response.status_code == 302
    _assert_absent(app, client, agent.full_name, agent.email, hr.email, hr.full_name)
    response = client.post(f"/rh/agents/{agent.id}/activation", data={"active": "0"})
    assert response.status_code == 302
    _assert_absent(app, client, agent.full_name, agent.email)

    admin = UserFactory(role="admin", full_name="Alain Admin")
    client = _logged_in(app, admin)
    response = client.post("/admin/utilisateurs/nouveau", data={
        "email": "nouvelle@example.org", "full_name": "Nina Nouvelle", "role": "agent",
        "organisation": str(org.id), "team": "",
    })
    assert response.status_code == 302
    _assert_absent(app, client, "nouvelle@example.org", "Nina Nouvelle", admin.email, admin.full_name)


def test_session_cookie_holds_no_token_or_password_at_login_with_two_factor(app, db):
    user = UserFactory(role="agent")
    client = _logged_in(app, user)
    page = client.get("/compte/double-authentification").get_data(as_text=True)
    secret = page.split('<strong class="pas-code">')[1].split("<")[0]
    client.post("/compte/double-authentification", data={"code": pyotp.TOTP(secret).now()})
    client.post("/deconnexion")
    fresh = app.test_client()
    fresh.post("/connexion", data={"email": user.email, "password": PASSWORD})
    _assert_absent(app, fresh, user.email, user.full_name, PASSWORD, secret)
