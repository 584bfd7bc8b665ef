"""axe-core on every page each role can open (from the access matrix), with demo data loaded."""
import pytest

from app.training.curricula.importer import import_curricula
from tests.browser.conftest import audit_accessibility, log_in
from tests.platform.page_crawl import matrix_pages

ACCOUNTS = {
    "agent": "agent.fs@passerelle.example",
    "hr": "rh.fs@passerelle.example",
    "triager": "dev.caf@passerelle.example",
    "admin": "admin@passerelle.example",
    "expert": "expert.caf@passerelle.example",
    "manager_network": "reseau.69@passerelle.example",
}


@pytest.mark.parametrize("role", ["anonymous", "agent", "hr", "triager", "admin", "expert", "manager_network"])
def test_every_page_of_each_role_has_no_axe_violation(page, live_server, role):
    import_curricula("curricula")
    from app.seed import seed_demo

    seed_demo()  # again, now that the curricula exist: demo training progress
    if role != "anonymous":
        log_in(page, ACCOUNTS[role])
    failures = {}
    pages = matrix_pages(role)
    for path in pages:
        page.goto(path)
        violations = audit_accessibility(page)
        if violations:
            failures[path] = [v["id"] for v in violations]
    print(f"\naxe: {role}: {len(pages)} pages audited")
    assert failures == {}
    assert len(pages) >= 3
