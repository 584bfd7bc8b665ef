"""Sign in with ProConnect in a real browser, against the test OpenID provider on 127.0.0.1.

The flow runs with the Content-Security-Policy enforced and JavaScript off: the button and the
logout are plain links. axe audits the login page with its button, in a context that lets it in.
"""
import tempfile
import threading

import pytest

from app.accounts.models import Role, find_user_by_email
from app.extensions import db
from tests.accounts.oidc_provider import CLIENT_ID, CLIENT_SECRET
from tests.browser.conftest import _closed_before_sent, audit_accessibility


@pytest.fixture(scope="module")
def proconnect_server(app, oidc_provider):
    """Passerelle served with the PROCONNECT_* settings pointing at the test provider."""
    from werkzeug.serving import make_server

    from app import create_app

    served = {}
    server = make_server("127.0.0.1", 0, lambda environ, start: served["app"](environ, start), threaded=True)
    url = f"http://127.0.0.1:{server.server_port}"
    served["app"] = _closed_before_sent(create_app(
        "test",
        SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
        WTF_CSRF_ENABLED=True,
        INSTANCE_PATH=tempfile.mkdtemp(prefix="passerelle-live-pc-"),
        BASE_URL=url,
        PROCONNECT_DISCOVERY_URL=oidc_provider.discovery_url,
        PROCONNECT_CLIENT_ID=CLIENT_ID,
        PROCONNECT_CLIENT_SECRET=CLIENT_SECRET,
    ))
    oidc_provider.allow(url + "/connexion/proconnect/retour", url + "/deconnexion/proconnect/retour")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield url
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def _context(browser, base_url, **options):
    context = browser.new_context(base_url=base_url, locale="fr-FR", **options)
    context.set_default_timeout(10000)
    return context


def test_button_to_provider_to_new_fs_demo_agent_then_logout_ends_both(browser, proconnect_server, oidc_provider, demo):
    oidc_provider.reset()
    context = _context(browser, proconnect_server, java_script_enabled=False)  # CSP enforced
    page = context.new_page()
    page.goto("/connexion")
    page.get_by_role("link", name="S'identifier avec ProConnect").click()
    page.wait_for_load_state()
    assert page.url.startswith(oidc_provider.issuer + "/authorize?")
    assert page.get_by_role("heading", level=1).inner_text() == "Fournisseur d'identité de test"
    page.locator("#u-camille").check()
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()

    assert page.url == proconnect_server + "/agent"
    assert "Camille Nouvelle" in page.content()
    db.session.expire_all()
    user = find_user_by_email("camille.nouvelle@fs-demo.example")
    assert user is not None and user.role == Role.AGENT
    assert user.organisation.code == "FS-DEMO" and user.password_hash is None

    page.get_by_role("link", name="Se déconnecter").click()
    page.wait_for_load_state()
    assert page.url == proconnect_server + "/connexion"
    assert "déconnecté(e) de Passerelle et de ProConnect" in page.content()
    assert [sub for sub, _state in oidc_provider.ended_sessions] == ["sub-camille"]

    # Both sessions are over: Passerelle asks to sign in, and so does the provider.
    page.goto("/agent")
    assert page.url.startswith(proconnect_server + "/connexion")
    page.get_by_role("link", name="S'identifier avec ProConnect").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Fournisseur d'identité de test"
    context.close()


def test_login_page_with_the_button_and_the_refusal_page_are_accessible(browser, proconnect_server, oidc_provider, demo):
    oidc_provider.reset()
    context = _context(browser, proconnect_server, bypass_csp=True)
    page = context.new_page()
    page.goto("/connexion")
    button = page.get_by_role("link", name="S'identifier avec ProConnect")
    assert button.is_visible()
    assert page.get_by_role("link", name="Qu'est-ce que ProConnect ?").get_attribute("href") == "https://www.proconnect.gouv.fr/"
    assert audit_accessibility(page) == []
    button.click()
    page.locator("#u-ines").check()  # a SIRET no organisation carries
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()
    assert "pas encore inscrite sur Passerelle" in page.content()
    assert audit_accessibility(page) == []
    context.close()
