"""Browser tests: Playwright driving Debian's Chromium against a live server on 127.0.0.1."""
import os
import shutil
import tempfile
import threading
from pathlib import Path

import pytest

from tests.conftest import IN_CI

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
HTMLCS = ROOT / "node_modules" / "html_codesniffer" / "build" / "HTMLCS.js"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def _chromium_path():
    candidates = [os.environ.get("CHROMIUM_PATH"), "/usr/bin/chromium", shutil.which("chromium")]
    return next((c for c in candidates if c and Path(c).exists()), None)


def _unavailable(reason):
    if IN_CI:
        pytest.fail(f"browser tests must run under CI=true: {reason}")
    pytest.skip(reason)


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    path = _chromium_path()
    if path is None:
        _unavailable("Chromium not found (apt-get install chromium, or set CHROMIUM_PATH)")
    if not AXE.exists():
        _unavailable("axe-core missing (npm ci --ignore-scripts)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed")
    with sync_playwright() as pw:
        try:
            browser = pw.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        except Exception as exc:  # noqa: BLE001 - any launch failure is reported the same way
            _unavailable(f"Chromium did not start: {exc}")
        yield browser
        browser.close()


def _closed_before_sent(wsgi_app):
    """Read each response whole and close it before the test server writes it: when the browser drops
    a connection mid-transfer (it moved to the next page), werkzeug's development server would leave a
    static file open, and the ResourceWarning would fail whichever test the garbage collector hits."""

    def app(environ, start_response):
        iterable = wsgi_app(environ, start_response)
        try:
            return [b"".join(iterable)]
        finally:
            close = getattr(iterable, "close", None)
            if close is not None:
                close()

    return app


@pytest.fixture(scope="session")
def live_server(app):
    """The app served on 127.0.0.1 (port chosen by the system), CSRF on, same database."""
    from werkzeug.serving import make_server

    from app import create_app

    served = create_app(
        "test",
        SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
        WTF_CSRF_ENABLED=True,
        INSTANCE_PATH=tempfile.mkdtemp(prefix="passerelle-live-"),
        # SCORM packages imported by the tests (in the test app's instance) are served from there.
        SCORM_STORAGE_DIR=str(Path(app.instance_path) / "packages"),
    )
    server = make_server("127.0.0.1", 0, _closed_before_sent(served), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def demo(db):
    from tests import db_states

    db_states.enter("demo")


@pytest.fixture
def page(browser, live_server, demo):
    context = browser.new_context(base_url=live_server, bypass_csp=True, locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(10000)
    page.content = _content_once_loaded(page)
    yield page
    context.close()


def _content_once_loaded(page):
    """`page.content()` once the current document has loaded. A click that submits a form returns when
    the next page is committed, before its HTML is parsed: read at once, the content could be empty (seen
    in CI: « assert 'Vous partagez ce parcours' in '' »)."""
    content = page.content

    def loaded_content():
        page.wait_for_load_state()
        return content()

    return loaded_content


def audit_accessibility(page):
    """Run axe-core on the current page; returns the violations (empty list when clean)."""
    page.wait_for_load_state()
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    violations = result["violations"]
    for v in violations:
        targets = [n["target"] for n in v["nodes"]][:5]
        print(f"axe: {v['id']} ({v['impact']}) on {page.url}: {targets}")
    return violations


def audit_htmlcs(page):
    """Run HTML_CodeSniffer (WCAG 2 AA) on the current page, the second engine after axe: it reports what
    axe lets pass (autocomplete tokens that do not fit the field's type, repeated ids). Returns its
    errors (type 1; warnings and notices are for a person to judge) as [{code, message, element}]."""
    if not HTMLCS.exists():
        _unavailable("html_codesniffer missing (npm ci --ignore-scripts)")
    page.wait_for_load_state()
    page.add_script_tag(path=str(HTMLCS))
    return page.evaluate("""() => new Promise((resolve, reject) => {
        // HTML_CodeSniffer 2.5.1 looks its autocomplete (H98) messages up as "InvalidAutoComplete_…" but
        // ships them as "InvalidAutocomplete_…": without these aliases the very error it is used for here
        // throws « Cannot read properties of undefined (reading 'replace') ».
        for (const messages of Object.values(window.translation || {})) {
            for (const key of Object.keys(messages)) {
                if (key.includes("InvalidAutocomplete_")) {
                    messages[key.replace("InvalidAutocomplete_", "InvalidAutoComplete_")] = messages[key];
                }
            }
        }
        const describe = (el) => !el ? "" : el.outerHTML ? el.outerHTML.slice(0, 200) : el.nodeName;
        HTMLCS.process("WCAG2AA", document, () => resolve(HTMLCS.getMessages()
            .filter((m) => m.type === HTMLCS.ERROR)
            .map((m) => ({code: m.code, message: m.msg, element: describe(m.element)}))),
          () => reject(new Error("HTML_CodeSniffer failed")), "en");
    })""")


def log_in(page, email, password="passerelle-demo"):
    page.goto("/connexion")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()


def open_menu(page, group, link):
    """Follow a link of a sub-menu of the main navigation, as a person does: open it, then click.

    On a loaded machine the design system's script may start after the first click and leave the sub-menu
    closed: the button is clicked again (at most three times) until the link shows."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    nav = page.get_by_role("navigation", name="Menu principal")
    button = nav.get_by_role("button", name=group, exact=True)
    target = nav.get_by_role("link", name=link, exact=True)
    page.wait_for_load_state("load")
    for attempt in range(3):
        if button.get_attribute("aria-expanded") != "true":
            button.click()
        try:
            target.wait_for(state="visible", timeout=3000)
            break
        except PlaywrightTimeout:
            if attempt == 2:
                raise
    target.click()
    page.wait_for_load_state()
