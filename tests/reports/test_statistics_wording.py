"""Statistics in French: decimal comma, months without reports folded, plural agreement (issue 13)."""
import html
import re
from datetime import timedelta

from app.common.numbers import french_number, plural
from app.common.timezones import utcnow
from app.reports import stats, triage
from tests.factories import PASSWORD
from tests.reports.factories import file_report


def test_french_number_and_plural():
    assert french_number(0.0, 1) == "0,0"
    assert french_number(1234.56, 1) == "1\u202f234,6"
    assert french_number(None) == "—"
    assert plural(1, "téléphone") == "1 téléphone"
    assert plural(0, "téléphone") == "0 téléphone"
    assert plural(2, "téléphone") == "2 téléphones"


def test_statistics_page_uses_a_decimal_comma_and_folds_empty_months(app, world, db):
    report = file_report(world.agent, world.caf_app)
    report.created_at = utcnow() - timedelta(hours=1, minutes=30)
    db.session.commit()
    triage.change_status(world.dev_caf, report, "qualified")
    triage.change_status(world.dev_caf, report, "acknowledged")
    figures = stats.compute(world.dev_caf)
    assert figures.median_acknowledge_hours == 1.5
    rows = figures.month_rows
    assert len(figures.months) == 12 and len(rows) == 2  # eleven empty months, then this one
    assert rows[0][0].endswith("à " + figures.months[10][0] + " (aucune remontée)")
    assert rows[1] == figures.months[-1]

    client = app.test_client()
    client.post("/connexion", data={"email": world.dev_caf.email, "password": PASSWORD})
    page = html.unescape(client.get("/equipe/statistiques").get_data(as_text=True))
    assert "1,5 h" in page and "1.5 h" not in page
    assert page.count("(aucune remontée)") == 2  # one folded row in each of the two month tables
    text = " ".join(re.sub(r"<[^>]+>", " ", page).split())
    assert "remontée, dont 1 ouverte" in text
