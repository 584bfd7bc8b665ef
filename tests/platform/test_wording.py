"""One word per thing and French plural agreement on the pages (issue 13, item 18)."""
import html
import re

from app.reports.views import masked_summary
from tests.factories import UserFactory


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
