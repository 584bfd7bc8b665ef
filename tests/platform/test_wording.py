"""One word per thing and French plural agreement on the pages (issue 13, item 18)."""
import html
import re
from collections import defaultdict

import pytest

from app.reports.views import masked_summary
from tests.factories import UserFactory
from tests.platform.page_crawl import ROLES, NamedLinks, VisibleText, crawl_demo


def _text(response):
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))).split())


def test_masked_identifiers_agree_in_number():
    assert masked_summary({"phone": 2, "nir": 1}) == "1 NIR, 2 téléphones"
    assert masked_summary({"card": 1, "email": 3}) == "1 carte bancaire, 3 adresses e-mail"
    assert masked_summary({}) == ""


def test_counts_of_zero_and_one_take_the_singular(client, login, db):
    hr = login("hr")
    page = _text(client.get("/rh/formation/"))
    assert "0 ligne, une par agent et par parcours suivi" in page and "agent × parcours" not in page
    UserFactory(role="agent", organisation=hr.organisation)
    page = _text(client.get("/rh/formation/"))
    assert "1 ligne, une par agent et par parcours suivi" in page
    agents = _text(client.get("/rh/agents"))
    assert re.search(r"\b1 agent\b", agents) and not re.search(r"\b[01] agents\b", agents)


def test_path_progress_is_the_share_of_completed_modules_rounded_down():
    from types import SimpleNamespace

    from app.training.progress import PathState

    def path(done, total, partial=0):
        modules = [SimpleNamespace(completed=i < done, percent=100 if i < done else partial) for i in range(total)]
        return PathState(enrolment=None, modules=modules)

    assert path(1, 20, partial=20).percent == 5  # « 1 module terminé sur 20 »: 5 %, not 6 %
    assert path(19, 20).percent == 95 and path(199, 200).percent == 99  # never 100 % before the end
    assert path(2, 2).percent == 100 and path(0, 0).percent == 0


def test_module_and_vae_shares_are_rounded_down_too():
    from types import SimpleNamespace

    from app.passports.vae import BlockCoverage
    from app.training.progress import ModuleState

    assert ModuleState(module=None, lessons_total=2, lessons_done=2).percent == 66  # 2 of 3 steps, not 67
    assert ModuleState(module=None, lessons_total=199, lessons_done=199).percent == 99  # the quiz is left
    assert ModuleState(module=None, lessons_total=2, completed=True).percent == 100
    block = BlockCoverage("B1", "Bloc", tuple(SimpleNamespace(covered=i < 2) for i in range(3)), False)
    assert block.percent == 66


def test_the_plural_filter_agrees_in_number_on_the_pages(app):
    render = app.jinja_env.from_string
    template = render("{{ n|plural('téléphone') }} ; {{ n|plural('lieu', 'lieux') }}")
    assert template.render(n=0) == "0 téléphone ; 0 lieu"
    assert template.render(n=1) == "1 téléphone ; 1 lieu"
    assert template.render(n=2) == "2 téléphones ; 2 lieux"
    assert template.render(n=12345) == "12\u202f345 téléphones ; 12\u202f345 lieux"


# « 2 téléphone » (a count above one with a singular noun) and « 1 modules » (zero or one with a plural):
# the nouns the pages count. « parcours » and « mois » are the same in both numbers, so they are not listed.
COUNTED = r"(?:téléphone|ligne|module|agent|remontée|personne|compétence|leçon|question|attestation|compte|" \
          r"lien|jour|heure|minute|semaine|structure|document|membre|réponse|inscription|étape)"
SINGULAR_AFTER_MANY = re.compile(rf"(?<![\d,.\u202f\u00a0/:-])(?:[2-9]|[1-9]\d+) {COUNTED}\b(?!s)")
PLURAL_AFTER_ONE = re.compile(rf"(?<![\d,.\u202f\u00a0/:-])[01] {COUNTED[:-1]})s\b")


def wording_problems(text):
    return [text[max(0, m.start() - 40):m.end() + 20] for pattern in (SINGULAR_AFTER_MANY, PLURAL_AFTER_ONE)
            for m in pattern.finditer(text)]


def test_the_wording_detector_finds_the_forms_the_issue_quotes():
    assert wording_problems("Masqué : 2 téléphone.") and wording_problems("1 modules terminés sur 20")
    assert wording_problems("12 ligne à valider") and wording_problems("0 agents")
    for fine in ("2 téléphones masqués", "1 module terminé sur 20", "0 ligne de passeport", "10 lignes",
                 "3 parcours en retard", "12\u202f345 agents", "le 02/12/2026 12 agents", "1,5 heure"):
        assert wording_problems(fine) == [], fine


@pytest.mark.parametrize("role", ROLES)
def test_no_page_of_any_role_misses_a_plural_or_names_a_page_two_ways(client, role):
    pages = crawl_demo(client, role)
    assert len(pages) >= (3 if role == "anonymous" else 8), sorted(pages)
    problems = {path: found for path, markup in pages.items()
                if (found := wording_problems(VisibleText.of(markup)))}
    assert problems == {}, "\n".join(f"{path}: {found[:3]}" for path, found in sorted(problems.items()))
    # One name per page: every breadcrumb link to the same address says the same words, and the same as the
    # main navigation's link to it (« Catalogue des formations », not « Catalogue » here and « Formation » there).
    names = defaultdict(set)
    for markup in pages.values():
        for href, text in NamedLinks.of(markup):
            names[href].add(text)
    assert {href: sorted(texts) for href, texts in names.items() if len(texts) > 1} == {}
