"""Every page each role reaches with the demo data: no drafting note, no duplicate id (issue 13)."""
import re
from collections import Counter

import pytest

from tests.platform.page_crawl import ROLES, Ids, VisibleText, crawl_demo

# Notes written for the project, not for the people who use it. « à vérifier » and « à compléter »
# count when they close a clause (« intitulé à vérifier ; », « : à compléter. »); « les points à
# vérifier (équipement…) » or « à vérifier auprès de la caisse » are ordinary French.
DRAFTING = [
    ("shared/", re.compile(r"\bshared/")),
    ("à vérifier", re.compile(r"\bà vérifier\s*(?:[.;:)\]]|$)", re.IGNORECASE)),
    ("à compléter", re.compile(r"\bà compléter\s*(?:[.;:)\]]|$)", re.IGNORECASE)),
    ("TODO", re.compile(r"\b(?:TODO|FIXME|XXX)\b")),
    ("rattachement proposé par le projet", re.compile(r"proposée? par le projet", re.IGNORECASE)),
    ("file path", re.compile(r"\b[\w.-]+/[\w./-]*\.(?:md|ya?ml|py|html|txt)\b|\b[\w-]+\.(?:md|ya?ml|py)\b")),
]
URL = re.compile(r"https?://\S+")


def drafting_notes(text):
    """[(kind, excerpt)] of the drafting notes found in a page's visible text."""
    found = []
    for kind, pattern in DRAFTING:
        # A cited web address (a source printed in full, as on a fiche réflexe) is not a leftover file path.
        searched = URL.sub(lambda m: " " * len(m.group()), text) if kind == "file path" else text
        for match in pattern.finditer(searched):
            found.append((kind, text[max(0, match.start() - 50):match.end() + 30]))
    return found


def test_the_detector_finds_the_notes_the_issue_quotes_and_spares_ordinary_french():
    for note in ("Seul l'intitulé du CCP2 est repris de shared/DOMAIN.md ;",
                 "Travaux administratifs courants (intitulé exact à vérifier ; rattachement proposé par le projet)",
                 "Le numéro de fiche RNCP n'a pas été vérifié : à compléter.", "TODO : relire",
                 "voir curricula/modules/caf/lessons/01-missions.md"):
        assert drafting_notes(note), note
    for sentence in ("Connaît les principaux points à vérifier (équipement, identifiants).",
                     "Elle peut être récupérée sur la succession, à vérifier auprès de la caisse.",
                     "Numéro RNCP non communiqué", "Des pièces à compléter avant le rendez-vous",
                     "Source : https://www.pole-emploi.fr/candidat/si-je-ne-suis-pas-daccord-avec-u.html"):
        assert drafting_notes(sentence) == [], sentence


@pytest.mark.parametrize("role", ROLES)
def test_no_page_of_any_role_shows_a_drafting_note(client, role):
    pages = crawl_demo(client, role)
    assert len(pages) >= (3 if role == "anonymous" else 8), sorted(pages)
    leaks = {path: notes for path, html in pages.items() if (notes := drafting_notes(VisibleText.of(html)))}
    assert leaks == {}, "\n".join(f"{path}: {notes[:3]}" for path, notes in sorted(leaks.items()))


# Input types each autofill token may be used on (HTML, "autofill detail tokens" control groups);
# HTML_CodeSniffer reports a mismatch as a WCAG 1.3.5 error (H98), axe does not.
AUTOCOMPLETE_TYPES = {
    "username": {"text", "search", "hidden"},
    "email": {"email", "text", "search", "hidden"},
    "current-password": {"password", "text", "search", "hidden"},
    "new-password": {"password", "text", "search", "hidden"},
    "one-time-code": {"password", "text", "search", "hidden"},
    "tel": {"tel", "text", "search", "hidden"},
    "name": {"text", "search", "hidden"},
}


@pytest.mark.parametrize("role", ROLES)
def test_no_page_of_any_role_repeats_an_id_or_gives_an_input_a_wrong_autocomplete_token(client, role):
    pages = crawl_demo(client, role)
    assert len(pages) >= (3 if role == "anonymous" else 8), sorted(pages)
    duplicates, mismatches = {}, {}
    for path, html in pages.items():
        found = Ids.of(html)
        repeated = sorted(i for i, n in Counter(found.ids).items() if n > 1)
        if repeated:
            duplicates[path] = repeated
        wrong = [(kind, token) for kind, token in found.autocompletes
                 if token not in ("on", "off") and kind not in AUTOCOMPLETE_TYPES.get(token, {kind})]
        if wrong:
            mismatches[path] = wrong
    assert duplicates == {}
    assert mismatches == {}
    if role == "anonymous":
        assert ("email", "email") in Ids.of(pages["/connexion"]).autocompletes
