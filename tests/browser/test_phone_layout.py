"""The main pages of each role on a 390×844 phone and on a desktop: DSFR header with its menu button
and modal, navigation grouped in sub-menus, no sideways scroll, no console error, axe clean (issue 13)."""
import pytest

from tests import db_states
from tests.browser.conftest import audit_accessibility

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
ACCOUNTS = {
    "agent": "agent.fs@passerelle.example",
    "hr": "rh.fs@passerelle.example",
    "triager": "dev.caf@passerelle.example",
    "admin": "admin@passerelle.example",
}
MAIN_PAGES = {
    "anonymous": ["/connexion", "/accessibilite"],
    "agent": ["/agent", "/passeport/", "/formation/", "/remontees", "/certifications"],
    "hr": ["/rh", "/rh/passeports/", "/rh/agents", "/rh/formation/", "/formation/formateur/posture-ecoute"],
    "triager": ["/equipe", "/equipe/remontees", "/equipe/statistiques", "/equipe/reglages"],
    "admin": ["/admin", "/admin/utilisateurs", "/admin/journal", "/equipe/remontees"],
}
# (role, sub-menu, link, page title) reached through the phone menu.
MENU_PATHS = {
    "agent": ("Passeport", "Mon passeport", "Mon passeport de compétences"),
    "hr": ("Passeports", "Lignes de passeport à valider", "Lignes de passeport à valider"),
    "triager": ("Remontées", "Tableau des remontées", "Tableau des remontées"),
    "admin": ("Comptes", "Utilisateurs", "Utilisateurs"),
}
DEMO_PASSWORD = "passerelle-demo"  # noqa: S105  # nosec B105


@pytest.fixture
def demo_with_curricula(demo):
    db_states.enter("curricula+demo")  # the demo with passports and training progress on the referential


def _context(browser, live_server, viewport, javascript=True):
    context = browser.new_context(base_url=live_server, bypass_csp=True, locale="fr-FR", viewport=viewport,
                                  java_script_enabled=javascript)
    page = context.new_page()
    page.set_default_timeout(10000)
    errors = []
    page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))
    page.on("console", lambda message: errors.append(f"{page.url}: {message.text}") if message.type == "error" else None)
    return context, page, errors


def _sign_in(page, role):
    if role == "anonymous":
        return
    page.goto("/connexion")
    page.locator("#email").fill(ACCOUNTS[role])
    page.locator("#password").fill(DEMO_PASSWORD)
    page.locator("main").get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()
    assert "/connexion" not in page.url


def expect(locator):
    from playwright.sync_api import expect as playwright_expect  # installed with the browser tests

    return playwright_expect(locator)


def _sideways_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


@pytest.mark.parametrize("role", list(MAIN_PAGES))
def test_main_pages_fit_a_phone_without_console_error_or_axe_violation(browser, live_server, demo_with_curricula, role):
    context, page, errors = _context(browser, live_server, PHONE)
    try:
        _sign_in(page, role)
        overflow, violations = {}, {}
        for path in MAIN_PAGES[role]:
            page.goto(path)
            page.wait_for_load_state("networkidle")
            assert page.evaluate("document.documentElement.hasAttribute('data-fr-js')"), path  # the DSFR ran
            if (extra := _sideways_scroll(page)) > 0:
                overflow[path] = extra
            if found := audit_accessibility(page):
                violations[path] = [v["id"] for v in found]
        assert overflow == {}
        assert violations == {}
        assert errors == []
    finally:
        context.close()


@pytest.mark.parametrize("role", list(MENU_PATHS))
def test_the_phone_menu_button_opens_the_grouped_navigation(browser, live_server, demo_with_curricula, role):
    group, link, title = MENU_PATHS[role]
    context, page, errors = _context(browser, live_server, PHONE)
    try:
        _sign_in(page, role)
        nav = page.get_by_role("navigation", name="Menu principal")
        assert not nav.is_visible()  # the first screen shows the page, not a 10-item menu
        assert page.get_by_role("heading", level=1).bounding_box()["y"] < PHONE["height"] / 2
        page.wait_for_selector("#bouton-menu[data-fr-js-modal-button]")  # the DSFR's modal script is ready
        page.get_by_role("button", name="Menu", exact=True).click()
        expect(nav).to_be_visible()
        # The header's tools (account, sign-out) are in the modal too.
        modal = page.locator("#menu-principal")
        assert modal.get_by_role("button", name="Se déconnecter").is_visible()
        assert audit_accessibility(page) == []
        nav.get_by_role("button", name=group, exact=True).click()
        nav.get_by_role("link", name=link, exact=True).click()
        page.wait_for_load_state()
        assert page.get_by_role("heading", level=1).inner_text().startswith(title)
        assert errors == []
    finally:
        context.close()


@pytest.mark.parametrize("role", list(ACCOUNTS))
def test_desktop_navigation_has_at_most_seven_entries_with_sub_menus(browser, live_server, demo_with_curricula, role):
    context, page, errors = _context(browser, live_server, DESKTOP)
    try:
        _sign_in(page, role)
        top = page.locator("#navigation-principale > .fr-nav__list > .fr-nav__item")
        assert 3 <= top.count() <= 7
        groups = page.locator("#navigation-principale .fr-nav__btn")
        assert groups.count() >= 1
        first = groups.first
        page.wait_for_selector(".fr-nav__btn[data-fr-js-collapse-button]")  # the DSFR's menu script is ready
        submenu = page.locator(f"#{first.get_attribute('aria-controls')}")
        assert not submenu.get_by_role("link").first.is_visible()
        first.click()
        expect(first).to_have_attribute("aria-expanded", "true")
        expect(submenu.get_by_role("link").first).to_be_visible()
        assert _sideways_scroll(page) <= 0
        assert errors == []
    finally:
        context.close()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_without_javascript_every_navigation_link_can_be_reached(browser, live_server, demo_with_curricula, viewport):
    context, page, _errors = _context(browser, live_server, viewport, javascript=False)
    try:
        _sign_in(page, "agent")
        page.goto("/agent")
        nav = page.locator("#navigation-principale")
        assert nav.is_visible()
        assert _sideways_scroll(page) <= 0
        assert page.get_by_role("button", name="Se déconnecter").is_visible()
        catalogue = nav.get_by_role("link", name="Catalogue des formations", exact=True)
        if not catalogue.is_visible():  # desktop: the sub-menu floats, shown while its entry has focus
            nav.get_by_role("button", name="Formation", exact=True).focus()
        catalogue.click()
        page.wait_for_load_state()
        assert page.get_by_role("heading", level=1).inner_text() == "Catalogue des formations"
    finally:
        context.close()
