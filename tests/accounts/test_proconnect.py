"""Sign-in with ProConnect against a real OpenID provider on 127.0.0.1 (tests/accounts/oidc_provider.py).

HTTP level, no browser: runs on SQLite and on PostgreSQL. Passerelle is driven by its test client;
the provider, a real server in a thread, by `requests` (a second "browser" holding its cookie).
Passerelle's own back-channel calls (token, JWKS, userinfo) go to the provider over HTTP.
"""
import logging
import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from app.accounts.models import Organisation, Role, User, find_user_by_email
from app.accounts.proconnect.models import ProConnectIdentity, ProConnectSession
from app.audit.models import AuditLog
from app.extensions import db
from tests.accounts.oidc_provider import CLIENT_ID, CLIENT_SECRET
from tests.factories import PASSWORD, OrganisationFactory, UserFactory

BASE_URL = "http://passerelle.test"
CALLBACK = BASE_URL + "/connexion/proconnect/retour"
LOGGED_OUT = BASE_URL + "/deconnexion/proconnect/retour"
DEMO_SIRET = "12345678900007"


@pytest.fixture
def proconnect(app, oidc_provider, monkeypatch):
    """ProConnect settings pointing at the test provider; FS-DEMO carries the SIRET of the test users."""
    oidc_provider.reset()
    oidc_provider.allow(CALLBACK, LOGGED_OUT)
    monkeypatch.setitem(app.config, "PROCONNECT_DISCOVERY_URL", oidc_provider.discovery_url)
    monkeypatch.setitem(app.config, "PROCONNECT_CLIENT_ID", CLIENT_ID)
    monkeypatch.setitem(app.config, "PROCONNECT_CLIENT_SECRET", CLIENT_SECRET)
    monkeypatch.setitem(app.config, "BASE_URL", BASE_URL)
    OrganisationFactory(code="FS-DEMO", siret=DEMO_SIRET)
    db.session.commit()
    yield oidc_provider
    oidc_provider.reset()


@pytest.fixture
def agent_browser():
    """The provider's side of the person's browser (its session cookie op_session)."""
    with requests.Session() as browser:
        yield browser


def start(client, path="/connexion/proconnect"):
    response = client.get(path)
    assert response.status_code == 302, response.data[:300]
    return response.headers["Location"]


def provider_answer(browser, authorize_url, user_key=None, refuse=False):
    """Go through the provider's login page (or its single sign-on); returns where it sends us."""
    page = browser.get(authorize_url, allow_redirects=False)
    if page.status_code == 302:  # single sign-on: no login page
        return page.headers["Location"]
    assert page.status_code == 200, page.text
    assert "Fournisseur d'identité de test" in page.text
    data = {"refuser": ""} if refuse else {"user": user_key, "connecter": ""}
    answer = browser.post(authorize_url, data=data, allow_redirects=False)
    assert answer.status_code == 302, answer.text
    return answer.headers["Location"]


def sign_in(client, browser, user_key, tamper=None):
    """The whole sign-in; returns Passerelle's answer to the provider's return."""
    back = provider_answer(browser, start(client), user_key)
    assert back.startswith(CALLBACK), back
    if tamper:
        back = tamper(back)
    return client.get(local(back))


def local(url):
    """Passerelle's URL without its host: the test client keeps its cookies for localhost."""
    parts = urlsplit(url)
    return parts.path + ("?" + parts.query if parts.query else "")


def signed_in_user(client):
    response = client.get("/compte")
    if response.status_code != 200:
        return None
    return response


def count(model):
    db.session.expire_all()
    return db.session.scalar(db.select(db.func.count()).select_from(model))


# --- settings unset ------------------------------------------------------------------------


def test_without_settings_the_login_page_has_no_button_and_every_route_is_404(app, client, login):
    assert not app.config["PROCONNECT_DISCOVERY_URL"]
    page = unescape(client.get("/connexion").get_data(as_text=True))
    assert "ProConnect" not in page
    paths = [
        "/connexion/proconnect", "/connexion/proconnect/retour?code=x&state=y", "/connexion/proconnect/suite",
        "/deconnexion/proconnect", "/deconnexion/proconnect/retour?state=x", "/compte/proconnect",
    ]
    for path in paths:
        assert client.get(path).status_code == 404, path
    login(role="hr")
    for path in paths:
        assert client.get(path).status_code == 404, path


# --- the button and the authorisation request ----------------------------------------------


def test_login_page_shows_the_proconnect_button_as_a_link(proconnect, client):
    page = unescape(client.get("/connexion").get_data(as_text=True))
    link = re.search(r'<a class="fr-connect fr-connect--pro" href="([^"]+)">(.*?)</a>', page, re.S)
    assert link, page
    assert link.group(1) == "/connexion/proconnect"
    assert "S'identifier avec" in link.group(2) and "ProConnect" in link.group(2)
    assert "Qu'est-ce que ProConnect ?" in page
    assert 'href="https://www.proconnect.gouv.fr/"' in page


def test_authorisation_request_uses_pkce_long_state_and_nonce(proconnect, client, app, monkeypatch):
    monkeypatch.setitem(app.config, "PROCONNECT_ACR_VALUES", "eidas1")
    url = start(client)
    assert url.startswith(proconnect.issuer + "/authorize?")
    query = parse_qs(urlsplit(url).query)
    assert query["response_type"] == ["code"]
    assert query["client_id"] == [CLIENT_ID]
    assert query["redirect_uri"] == [CALLBACK]
    assert query["scope"] == ["openid email given_name usual_name siret uid"]
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) >= 43
    assert len(query["state"][0]) >= 32 and len(query["nonce"][0]) >= 32
    assert query["acr_values"] == ["eidas1"]
    # Nothing the provider would refuse (it answers 400 to any unknown parameter).
    assert requests.get(url, timeout=10).status_code == 200


def test_no_acr_values_unless_set(proconnect, client):
    assert "acr_values" not in parse_qs(urlsplit(start(client)).query)


def test_the_test_provider_refuses_what_proconnect_refuses(proconnect, client):
    url = start(client)
    assert requests.get(url + "&extra=1", timeout=10).status_code == 400  # unknown parameter
    short = re.sub(r"state=[^&]+", "state=" + "s" * 31, url)
    assert requests.get(short, timeout=10).status_code == 400  # state under 32 characters
    no_pkce = re.sub(r"&code_challenge=[^&]+", "", url)
    assert requests.get(no_pkce, timeout=10).status_code == 400  # PKCE required


def test_a_nonce_is_accepted_once(proconnect):
    from app.accounts.proconnect import services

    claims = {
        "sub": "sub-camille", "email": "camille.nouvelle@fs-demo.example", "given_name": "Camille",
        "usual_name": "Nouvelle", "siret": DEMO_SIRET, "uid": "uid-camille",
    }
    nonce = "n" * 43
    services.sign_in(claims, nonce, "header.payload.signature")
    with pytest.raises(services.SignInRefused) as refused:
        services.sign_in(claims, nonce, "header.payload.signature")
    assert refused.value.reason == "replayed_nonce"
    assert count(ProConnectSession) == 1


# --- the flow --------------------------------------------------------------------------------


def _session_values(app, client):
    cookie = client.get_cookie("session")
    serializer = app.session_interface.get_signing_serializer(app)
    return serializer.loads(cookie.value)


def test_new_agent_of_the_siret_organisation_then_logout_ends_both_sessions(proconnect, app, client, agent_browser):
    response = sign_in(client, agent_browser, "camille")
    assert response.status_code == 302
    assert response.headers["Location"] == "/agent"
    user = find_user_by_email("camille.nouvelle@fs-demo.example")
    assert user is not None
    assert user.role == Role.AGENT
    assert user.organisation.code == "FS-DEMO"
    assert user.full_name == "Camille Nouvelle"
    assert user.password_hash is None
    home = client.get("/agent")
    assert home.status_code == 200
    assert "Camille Nouvelle" in unescape(home.get_data(as_text=True))

    identity = db.session.scalar(db.select(ProConnectIdentity).where(ProConnectIdentity.user_id == user.id))
    assert identity.sub == "sub-camille" and identity.uid == "uid-camille" and identity.is_confirmed
    actions = {
        row.action: row.details
        for row in db.session.scalars(db.select(AuditLog).where(AuditLog.target_id == str(user.id)))
    }
    assert actions["auth.proconnect_account_created"]["sub"] == "sub-camille"
    assert actions["auth.proconnect_account_created"]["uid"] == "uid-camille"
    assert actions["auth.proconnect_login"] == {"sub": "sub-camille", "uid": "uid-camille"}

    # The ID token is in the database, not in the session cookie.
    row = db.session.scalar(db.select(ProConnectSession).where(ProConnectSession.user_id == user.id))
    id_token = row.id_token
    assert id_token and id_token.count(".") == 2
    values = _session_values(app, client)
    assert id_token not in repr(values)
    assert values["auth_method"] == "proconnect"
    assert "auth_started" in values and "auth_seen" in values
    assert not any(key.startswith("_state_") for key in values)  # a fresh session

    # Logout is a link carrying a token (GET: the CSP's form-action forbids a form to the provider).
    page = unescape(client.get("/agent").get_data(as_text=True))
    link = re.search(r'href="(/deconnexion/proconnect\?jeton=[^"]+)"', page)
    assert link, "no ProConnect logout link in the header"
    assert client.get("/deconnexion/proconnect?jeton=forged").status_code == 400
    version = user.session_version
    out = client.get(link.group(1).replace("&amp;", "&"))
    assert out.status_code == 302
    end = out.headers["Location"]
    assert end.startswith(proconnect.issuer + "/session/end?")
    query = parse_qs(urlsplit(end).query)
    assert query["id_token_hint"] == [id_token]
    assert query["post_logout_redirect_uri"] == [LOGGED_OUT]
    assert len(query["state"][0]) >= 32
    db.session.expire_all()
    assert user.session_version == version + 1
    assert db.session.get(ProConnectSession, row.id).id_token is None
    assert signed_in_user(client) is None

    # The provider ends its session and sends the person back; Passerelle checks the state.
    back = agent_browser.get(end, allow_redirects=False)
    assert back.status_code == 303
    assert proconnect.ended_sessions == [("sub-camille", query["state"][0])]
    final = client.get(local(back.headers["Location"]))
    assert final.status_code == 302 and final.headers["Location"] == "/connexion"
    assert "déconnecté(e) de Passerelle et de ProConnect" in unescape(client.get("/connexion").get_data(as_text=True))
    # The provider asks again: no silent single sign-on after the logout.
    again = agent_browser.get(start(client), allow_redirects=False)
    assert again.status_code == 200 and "Fournisseur d'identité de test" in again.text


def test_second_sign_in_reuses_the_account_and_updates_names(proconnect, client, agent_browser):
    assert sign_in(client, agent_browser, "camille").status_code == 302
    user = find_user_by_email("camille.nouvelle@fs-demo.example")
    client.post("/deconnexion")
    proconnect.users["camille"].usual_name = "Nouvelle-Martin"
    try:
        assert sign_in(client, agent_browser, "camille").status_code == 302
    finally:
        proconnect.users["camille"].usual_name = "Nouvelle"
    db.session.expire_all()
    assert count(User) == 1
    assert db.session.get(User, user.id).full_name == "Camille Nouvelle-Martin"


def test_verified_email_links_an_existing_agent_without_creating_one(proconnect, client, agent_browser):
    agent = UserFactory(role="agent", email="agent.fs@passerelle.example", full_name="Amina Agent")
    before = count(User)
    assert sign_in(client, agent_browser, "amina").status_code == 302
    assert count(User) == before
    db.session.expire_all()
    assert db.session.get(User, agent.id).full_name == "Amina Agent-Renommée"
    assert signed_in_user(client) is not None
    assert db.session.scalar(db.select(ProConnectIdentity.user_id).where(ProConnectIdentity.sub == "sub-amina")) == agent.id


def test_deactivated_account_is_refused(proconnect, client, agent_browser):
    UserFactory(role="agent", email="agent.fs@passerelle.example", active=False)
    response = sign_in(client, agent_browser, "amina")
    assert response.status_code == 403
    assert "Compte désactivé" in unescape(response.get_data(as_text=True))
    assert count(ProConnectSession) == 0 and count(ProConnectIdentity) == 0
    assert signed_in_user(client) is None


def test_hr_account_is_linked_only_after_a_password_session_confirms(proconnect, app, client, agent_browser):
    hr = UserFactory(role="hr", email="rh.fs@passerelle.example")
    response = sign_in(client, agent_browser, "rachid")
    assert response.status_code == 403
    assert "Confirmez l'association avec ProConnect" in unescape(response.get_data(as_text=True))
    assert signed_in_user(client) is None
    assert count(ProConnectSession) == 0
    # A second ProConnect sign-in still does not open the account.
    assert sign_in(client, agent_browser, "rachid").status_code == 403

    client.post("/connexion", data={"email": hr.email, "password": PASSWORD})
    page = client.get("/compte/proconnect")
    assert page.status_code == 200
    assert client.post("/compte/proconnect").status_code == 302
    db.session.expire_all()
    identity = db.session.scalar(db.select(ProConnectIdentity).where(ProConnectIdentity.user_id == hr.id))
    assert identity.is_confirmed and identity.sub == "sub-rachid"
    client.post("/deconnexion")

    assert sign_in(client, agent_browser, "rachid").status_code == 302
    db.session.expire_all()
    assert db.session.get(User, hr.id).role == Role.HR  # kept, never changed by ProConnect
    assert "RH" in unescape(signed_in_user(client).get_data(as_text=True))


def test_link_confirmation_is_refused_from_a_proconnect_session(proconnect, client, agent_browser):
    hr = UserFactory(role="hr", email="rh.fs@passerelle.example")
    assert sign_in(client, agent_browser, "rachid").status_code == 403
    # Someone signed in by ProConnect as another (agent) account cannot confirm it either:
    # the page only exists for the account the link waits for, in a password session.
    agent_browser.cookies.clear()
    assert sign_in(client, agent_browser, "camille").status_code == 302
    assert client.get("/compte/proconnect").status_code == 404
    db.session.expire_all()
    assert db.session.scalar(
        db.select(ProConnectIdentity.confirmed_at).where(ProConnectIdentity.user_id == hr.id)
    ) is None


def test_unknown_siret_is_refused_in_french_and_creates_nothing(proconnect, client, agent_browser, caplog):
    before = count(User)
    with caplog.at_level(logging.WARNING):
        response = sign_in(client, agent_browser, "ines")
    assert response.status_code == 403
    assert (
        "votre structure n'est pas encore inscrite sur passerelle : demandez à votre responsable"
        in unescape(response.get_data(as_text=True)).lower()
    )
    assert count(User) == before
    assert count(ProConnectIdentity) == 0 and count(ProConnectSession) == 0
    assert "unknown_siret" in caplog.text
    assert signed_in_user(client) is None


def test_password_login_refuses_an_account_created_by_proconnect(proconnect, client, agent_browser):
    assert sign_in(client, agent_browser, "camille").status_code == 302
    client.post("/deconnexion")
    for password in ("", "anything-at-all-12", PASSWORD):
        response = client.post("/connexion", data={"email": "camille.nouvelle@fs-demo.example", "password": password})
        assert response.status_code == 200
        assert signed_in_user(client) is None


def test_session_rules_apply_idle_timeout_and_session_version(proconnect, app, client, agent_browser):
    assert sign_in(client, agent_browser, "camille").status_code == 302
    with client.session_transaction() as session:
        session["auth_seen"] -= app.config["SESSION_IDLE_MINUTES"] * 60 + 5
    expired = client.get("/agent")
    assert expired.status_code == 302 and expired.headers["Location"].startswith("/connexion")

    assert sign_in(client, agent_browser, "camille").status_code == 302
    other = app.test_client()
    assert sign_in(other, agent_browser, "camille").status_code == 302  # single sign-on at the provider
    client.post("/deconnexion")  # logging out ends the user's other sessions too
    assert signed_in_user(other) is None


def test_second_factor_is_met_by_the_provider_only_when_it_says_so(proconnect, app, client, agent_browser, monkeypatch):
    monkeypatch.setitem(app.config, "TOTP_REQUIRED_ROLES", ["agent"])
    assert sign_in(client, agent_browser, "camille").status_code == 302  # acr eidas1, amr pwd
    assert client.get("/agent").headers.get("Location") == "/compte/double-authentification"
    client.post("/deconnexion")
    agent_browser.cookies.clear()
    assert sign_in(client, agent_browser, "aline").status_code == 302  # acr eidas2, amr mfa
    assert client.get("/agent").status_code == 200


def test_own_second_factor_when_the_provider_did_not_check_two(proconnect, client, agent_browser):
    import pyotp

    from app.common.timezones import utcnow

    secret = pyotp.random_base32()
    UserFactory(role="agent", email="agent.fs@passerelle.example", totp_secret=secret, totp_enabled_at=utcnow())
    response = sign_in(client, agent_browser, "amina")  # acr eidas1: one factor at the provider
    assert response.headers["Location"] == "/connexion/verification"
    assert signed_in_user(client) is None
    done = client.post("/connexion/verification", data={"code": pyotp.TOTP(secret).now()})
    assert done.status_code == 302 and done.headers["Location"].startswith("/connexion/proconnect/suite?jeton=")
    home = client.get(done.headers["Location"])
    assert home.headers["Location"] == "/agent"
    page = unescape(client.get("/agent").get_data(as_text=True))
    assert "/deconnexion/proconnect?jeton=" in page  # logout still ends the provider session
    assert client.get("/connexion/proconnect/suite?jeton=forged").status_code == 400


def test_provider_two_factors_skip_our_code(proconnect, client, agent_browser):
    import pyotp

    from app.common.timezones import utcnow

    UserFactory(role="agent", email="aline.forte@fs-demo.example", totp_secret=pyotp.random_base32(), totp_enabled_at=utcnow())
    response = sign_in(client, agent_browser, "aline")  # acr eidas2, amr mfa
    assert response.headers["Location"] == "/agent"
    assert client.get("/agent").status_code == 200


# --- provider errors: a French page each, a log line without tokens, nothing created ---------


def _assert_refused(response, caplog, reason, status=400):
    assert response.status_code == status, response.data[:500]
    text = unescape(response.get_data(as_text=True))
    assert "ProConnect" in text and "Aucun compte n'a été créé" in text
    assert count(User) == 0 and count(ProConnectIdentity) == 0 and count(ProConnectSession) == 0
    lines = [r.getMessage() for r in caplog.records if "ProConnect" in r.getMessage()]
    assert any(reason in line for line in lines), lines
    assert not any(re.search(r"ey[A-Za-z0-9_-]{10,}\.", line) for line in lines)  # no JWT in the log


def test_access_denied_at_the_provider(proconnect, client, agent_browser, caplog):
    back = provider_answer(agent_browser, start(client), refuse=True)
    assert "error=access_denied" in back
    with caplog.at_level(logging.WARNING):
        response = client.get(local(back))
    _assert_refused(response, caplog, "access_denied")
    assert "annulé" in unescape(response.get_data(as_text=True))


def test_bad_state_is_refused(proconnect, client, agent_browser, caplog):
    def tamper(url):
        return re.sub(r"state=[^&]+", "state=" + "x" * 43, url)

    with caplog.at_level(logging.WARNING):
        response = sign_in(client, agent_browser, "camille", tamper=tamper)
    _assert_refused(response, caplog, "bad_state")


def test_a_return_used_twice_is_refused(proconnect, client, agent_browser, caplog):
    back = provider_answer(agent_browser, start(client), "camille")
    assert client.get(local(back)).status_code == 302
    client.post("/deconnexion")
    with caplog.at_level(logging.WARNING):
        response = client.get(local(back))
    assert response.status_code == 400
    assert "n'est plus valable" in unescape(response.get_data(as_text=True))
    assert "bad_state" in caplog.text
    assert count(ProConnectSession) == 1 and count(User) == 1
    assert signed_in_user(client) is None


@pytest.mark.parametrize(
    ("fault", "reason"),
    [
        ("expired", "id_token_expired"),
        ("bad_signature", "id_token_bad_signature"),
        ("unknown_kid", "id_token_unknown_kid"),
        ("userinfo_bad_signature", "userinfo_bad_signature"),
    ],
)
def test_bad_id_token_or_userinfo_is_refused(proconnect, client, agent_browser, caplog, fault, reason):
    proconnect.fault = fault
    with caplog.at_level(logging.WARNING):
        response = sign_in(client, agent_browser, "camille")
    _assert_refused(response, caplog, reason)


def test_replayed_nonce_is_refused(proconnect, client, agent_browser, caplog):
    assert sign_in(client, agent_browser, "ines").status_code == 403  # a first flow, its nonce spent
    proconnect.fault = "replay_nonce"  # the next ID token answers that earlier nonce
    with caplog.at_level(logging.WARNING):
        response = sign_in(client, agent_browser, "camille")
    _assert_refused(response, caplog, "id_token_bad_nonce")


def test_provider_unreachable_gives_a_french_page(proconnect, app, client, monkeypatch):
    monkeypatch.setitem(app.config, "PROCONNECT_DISCOVERY_URL", "http://127.0.0.1:9/.well-known/openid-configuration")
    response = client.get("/connexion/proconnect")
    assert response.status_code == 503
    assert "ProConnect ne répond pas" in unescape(response.get_data(as_text=True))


def test_purge_and_erasure_remove_sign_ins_and_identity(proconnect, app, client, agent_browser):
    from datetime import timedelta

    from app.accounts.privacy import erase_account
    from app.common.retention import purge
    from app.common.timezones import utcnow

    assert sign_in(client, agent_browser, "camille").status_code == 302
    purge(app.config, now=utcnow())
    assert count(ProConnectSession) == 1  # a fresh sign-in stays
    purge(app.config, now=utcnow() + timedelta(days=3))
    assert count(ProConnectSession) == 0
    user = find_user_by_email("camille.nouvelle@fs-demo.example")
    admin = UserFactory(role="admin")
    erase_account(admin, user)
    assert count(ProConnectIdentity) == 0


# --- admin and CLI: the organisation's SIRET -------------------------------------------------


def test_admin_sets_an_organisation_siret(client, login):
    login(role="admin")
    org = OrganisationFactory()
    data = {"code": org.code, "name": org.name, "kind": org.kind, "department": "", "siret": "123 456 789 00007"}
    response = client.post(f"/admin/structures/{org.id}", data=data)
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Organisation, org.id).siret == "12345678900007"
    other = OrganisationFactory()
    data = {"code": other.code, "name": other.name, "kind": other.kind, "department": "", "siret": "12345678900007"}
    refused = client.post(f"/admin/structures/{other.id}", data=data)
    assert refused.status_code == 200
    assert "déjà celui de la structure" in unescape(refused.get_data(as_text=True))
    bad = client.post(f"/admin/structures/{other.id}", data={**data, "siret": "1234"})
    assert "14 chiffres" in unescape(bad.get_data(as_text=True))


def test_cli_creates_an_organisation_with_its_siret(app):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["orgs", "create", "--code", "CAF-69", "--name", "CAF du Rhône", "--kind", "caf", "--siret", "53450710600014"]
    )
    assert result.exit_code == 0, result.output
    assert db.session.scalar(db.select(Organisation.siret).where(Organisation.code == "CAF-69")) == "53450710600014"


def test_demo_seed_gives_fs_demo_its_siret(app):
    from app.seed import seed_demo

    seed_demo()
    assert db.session.scalar(db.select(Organisation.siret).where(Organisation.code == "FS-DEMO")) == DEMO_SIRET


# --- the routes with the settings set (the access matrix runs them unset: 404) ----------------

CONFIGURED = {
    # endpoint: (path, anonymous, signed in as an agent)
    "proconnect.start": ("/connexion/proconnect", 302, 302),
    "proconnect.callback": ("/connexion/proconnect/retour", 400, 400),
    "proconnect.resume": ("/connexion/proconnect/suite", 302, 400),
    "proconnect.logout": ("/deconnexion/proconnect", 302, 400),
    "proconnect.logged_out": ("/deconnexion/proconnect/retour", 400, 400),
    "proconnect.link": ("/compte/proconnect", 302, 404),
}


def test_configured_routes_answer_per_role(proconnect, app, client, login):
    assert {r.endpoint for r in app.url_map.iter_rules() if r.endpoint.startswith("proconnect.")} == set(CONFIGURED)
    for path, anonymous, _agent in CONFIGURED.values():
        assert app.test_client().get(path).status_code == anonymous, path
    login(role="agent")
    for path, _anonymous, agent in CONFIGURED.values():
        assert client.get(path).status_code == agent, path


def test_access_logs_mask_the_codes_and_tokens_of_the_flow():
    from app.common.logs import scrub

    line = scrub(
        '"GET /connexion/proconnect/retour?code=abc123&state=s3cr3t-state HTTP/1.1" 302 - '
        '"GET /api/v2/session/end?id_token_hint=eyJhbGciOi.eyJzdWIi.sig&state=xyz&post_logout_redirect_uri=http://x" '
        '"GET /deconnexion/proconnect?jeton=IjFhYmMi.Zz HTTP/1.1"'
    )
    for secret in ("abc123", "s3cr3t-state", "eyJhbGciOi", "xyz", "IjFhYmMi"):
        assert secret not in line
    assert "post_logout_redirect_uri=http://x" in line
