"""axe-core on every page each role can open (from the access matrix), with demo data loaded."""
import pytest

from app.training.curricula.importer import import_curricula
from tests.browser.conftest import audit_accessibility, log_in
from tests.platform.test_access_matrix import MATRIX, OK, expected_status

ACCOUNTS = {
    "agent": "agent.fs@passerelle.example",
    "hr": "rh.fs@passerelle.example",
    "triager": "dev.caf@passerelle.example",
    "admin": "admin@passerelle.example",
    "expert": "expert.caf@passerelle.example",
    "manager_network": "reseau.69@passerelle.example",
}
SKIP = {"static", "api-docs.openapi_json", "site.healthz", "site.readyz", "verify.status_list_document"}


def _pages_for(role):
    pages = []
    for endpoint, (method, path, expected) in sorted(MATRIX.items()):
        if method != "GET" or expected_status(endpoint, expected, role) != OK or endpoint in SKIP or "{" in path:
            continue
        if path.startswith("/api/") or path.endswith((".csv", ".json", ".pdf", ".zip")):
            continue
        pages.append(path)
    return pages


@pytest.mark.parametrize("role", ["anonymous", "agent", "hr", "triager", "admin", "expert", "manager_network"])
def test_every_page_of_each_role_has_no_axe_violation(page, live_server, role):
    import_curricula("curricula")
    from app.seed import seed_demo

    seed_demo()  # again, now that the curricula exist: demo training progress
    if role != "anonymous":
        log_in(page, ACCOUNTS[role])
    failures = {}
    pages = _pages_for(role)
    for path in pages:
        page.goto(path)
        violations = audit_accessibility(page)
        if violations:
            failures[path] = [v["id"] for v in violations]
    print(f"\naxe: {role}: {len(pages)} pages audited")
    assert failures == {}
    assert len(pages) >= 3
