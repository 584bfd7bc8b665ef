"""HTML_CodeSniffer (WCAG 2 AA), the second accessibility engine, on every kind of page each role reaches.

The pages are those of the drafting-word crawl (tests/platform/page_crawl.py: every page reachable by links
from the role's home, with the demo data) and the role's GET pages of the access matrix that no link
reaches (the axe crawl's list), one per route: a report, a module or a passport line differ by
their data, not their markup. HTMLCS reports what axe lets pass (an autocomplete token that does not fit the
field's type, repeated ids); only its errors count, its warnings and notices are for a person to judge.
"""
import re

import pytest
from werkzeug.exceptions import HTTPException

from tests.browser.conftest import audit_htmlcs, log_in
from tests.platform.page_crawl import ACCOUNTS, ROLES, crawl, load_demo, matrix_pages

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


def test_the_audit_finds_the_errors_it_is_here_for(page):
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


@pytest.mark.parametrize("role", ROLES)
def test_every_kind_of_page_of_each_role_has_no_htmlcs_error(page, client, role):
    load_demo()
    paths = one_path_per_route(client.application, crawl(client, role, also=matrix_pages(role)))
    assert len(paths) >= (3 if role == "anonymous" else 8), paths
    if role != "anonymous":
        log_in(page, ACCOUNTS[role])
    failures = {}
    for path in paths:
        page.goto(path)
        errors = real_errors(audit_htmlcs(page))
        if errors:
            failures[path] = errors
            for e in errors:
                print(f"htmlcs: {path}: {e['code']}: {e['message']} {e['element']}")
    print(f"\nhtmlcs: {role}: {len(paths)} pages audited")
    assert failures == {}
