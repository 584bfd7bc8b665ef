"""Each demo role logs in in a real browser and reaches its home page; axe finds nothing."""
import pytest

from tests.browser.conftest import audit_accessibility, log_in, open_menu

ROLES = [
    ("admin@passerelle.example", "/admin", "Administration"),
    ("agent.fs@passerelle.example", "/agent", "Bonjour"),
    ("agent.caf@passerelle.example", "/agent", "Bonjour"),
    ("rh.fs@passerelle.example", "/rh", "Espace ressources humaines"),
    ("rh.caf@passerelle.example", "/rh", "Espace ressources humaines"),
    ("dev.caf@passerelle.example", "/equipe", "Espace équipe logicielle"),
    ("dev.ants@passerelle.example", "/equipe", "Espace équipe logicielle"),
]


def test_login_page_is_accessible(page):
    page.goto("/connexion")
    assert page.get_by_role("heading", level=1).inner_text() == "Connexion à Passerelle"
    assert audit_accessibility(page) == []


def test_login_errors_are_accessible(page):
    page.goto("/connexion")
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()
    assert page.locator(".fr-error-text").count() == 2
    assert audit_accessibility(page) == []


@pytest.mark.parametrize("email,path,heading", ROLES)
def test_each_demo_role_reaches_its_home(page, live_server, email, path, heading):
    log_in(page, email)
    assert page.url == live_server + path
    assert heading in page.get_by_role("heading", level=1).inner_text()
    assert audit_accessibility(page) == []
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_load_state()
    assert page.url.endswith("/connexion")


def test_wrong_password_in_browser(page):
    log_in(page, "agent.fs@passerelle.example", "pas le bon mot de passe")
    assert "Adresse e-mail ou mot de passe incorrect." in page.content()


def test_pages_work_without_javascript(browser, live_server, demo):
    context = browser.new_context(base_url=live_server, java_script_enabled=False)
    page = context.new_page()
    log_in(page, "rh.fs@passerelle.example")
    assert page.url.endswith("/rh")
    open_menu(page, "Agents", "Agents de ma structure")
    assert "Agents de France services de démonstration" in page.content()
    context.close()
