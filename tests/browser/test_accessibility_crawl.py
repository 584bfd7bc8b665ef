"""Two accessibility engines, axe-core and HTML_CodeSniffer (WCAG 2 AA), on the pages each role reaches,
with the demo data loaded; each page is opened once and audited by both engines where both apply.

- axe: every GET page of the access matrix the role may open (no parameter in the path).
- HTML_CodeSniffer: the pages of the drafting-word crawl (tests/platform/page_crawl.py: every page
  reachable by links from the role's home) plus the role's matrix pages, one per route: a report, a
  module or a passport line differ by their data, not their markup. HTMLCS reports what axe lets pass
  (an autocomplete token that does not fit the field's type, repeated ids); only its errors count, its
  warnings and notices are for a person to judge.
"""
import re

import pytest
from werkzeug.exceptions import HTTPException

from tests.browser.conftest import audit_accessibility, audit_htmlcs, log_in
from tests.platform.page_crawl import ACCOUNTS as CRAWLED_ACCOUNTS
from tests.platform.page_crawl import crawl, load_demo, matrix_pages

ACCOUNTS = {
    **CRAWLED_ACCOUNTS,
    "expert": "expert.caf@passerelle.example",
    "manager_network": "reseau.69@passerelle.example",
}
ROLES = ["anonymous", *ACCOUNTS]
CRAWLED_ROLES = {"anonymous", *CRAWLED_ACCOUNTS}

# Errors HTMLCS reports on markup that is right, each with the reason. Keep this list short and narrow:
# (code pattern, element pattern, reason).
FALSE_POSITIVES = [
]


def one_path_per_route(app, paths):
    """The first path crawled for each endpoint (sorted, so that the choice does not move between runs)."""
    adapter = app.url_map.bind("passerelle.test")
    chosen = {}
    for path in sorted(paths):
        try:
            endpoint, _args = adapter.match(path, method="GET")
        except HTTPException:
            continue
        chosen.setdefault(endpoint, path)
    return sorted(chosen.values())


def real_errors(errors):
    return [e for e in errors if not any(re.search(code, e["code"]) and re.search(element, e["element"])
                                         for code, element, _reason in FALSE_POSITIVES)]


def test_the_htmlcs_audit_finds_the_errors_it_is_here_for(page):
    """The helper sees the two classes of error the issue names (a wrong autocomplete token, a repeated id)
    and passes a clean page: a helper that always answered [] would make the crawl below worthless."""
    page.set_content('<!DOCTYPE html><html lang="fr"><head><title>Essai</title></head><body><main>'
                     '<form method="post"><input type="hidden" name="csrf_token" id="csrf_token" value="1">'
                     '<label for="email">Adresse e-mail</label>'
                     '<input id="email" name="email" type="email" autocomplete="username">'
                     '<button type="submit">Envoyer</button></form>'
                     '<form method="post"><input type="hidden" name="csrf_token" id="csrf_token" value="1">'
                     '<button type="submit">Supprimer</button></form></main></body></html>')
    codes = sorted(e["code"].rsplit(".", 1)[-1] for e in audit_htmlcs(page))
    assert codes == ["F77", "H98"]
    page.set_content('<!DOCTYPE html><html lang="fr"><head><title>Essai</title></head><body><main>'
                     '<form method="post"><label for="email">Adresse e-mail</label>'
                     '<input id="email" name="email" type="email" autocomplete="email">'
                     '<button type="submit">Envoyer</button></form></main></body></html>')
    assert audit_htmlcs(page) == []


def test_the_axe_audit_finds_a_violation(page):
    """axe reports an image without a text alternative and a field without a label (same reason as above)."""
    page.set_content('<!DOCTYPE html><html lang="fr"><head><title>Essai</title></head><body><main>'
                     '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="><input type="text" name="q">'
                     '</main></body></html>')
    assert {"image-alt", "label"} <= {v["id"] for v in audit_accessibility(page)}


@pytest.mark.parametrize("role", ROLES)
def test_every_page_of_each_role_passes_axe_and_htmlcs(page, client, role):
    load_demo()
    axe_paths = matrix_pages(role)
    assert len(axe_paths) >= 3, axe_paths
    if role in CRAWLED_ROLES:
        htmlcs_paths = one_path_per_route(client.application, crawl(client, role, also=axe_paths))
        assert len(htmlcs_paths) >= (3 if role == "anonymous" else 8), htmlcs_paths
    else:  # no link crawl for this role: its matrix pages, one per route
        htmlcs_paths = one_path_per_route(client.application, axe_paths)
    if role != "anonymous":
        log_in(page, ACCOUNTS[role])
    axe_failures, htmlcs_failures = {}, {}
    for path in sorted(set(axe_paths) | set(htmlcs_paths)):
        page.goto(path)  # once: both engines read the same loaded page
        if path in htmlcs_paths:
            errors = real_errors(audit_htmlcs(page))
            if errors:
                htmlcs_failures[path] = errors
                for e in errors:
                    print(f"htmlcs: {path}: {e['code']}: {e['message']} {e['element']}")
        if path in axe_paths:
            violations = audit_accessibility(page)
            if violations:
                axe_failures[path] = [v["id"] for v in violations]
    print(f"\naxe: {role}: {len(axe_paths)} pages audited; htmlcs: {role}: {len(htmlcs_paths)} pages audited")
    assert axe_failures == {}
    assert htmlcs_failures == {}
