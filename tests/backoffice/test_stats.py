"""Acceptance 5: statistics on a seeded set match figures computed by hand (business hours 9:00-17:00)."""
from datetime import datetime
from zoneinfo import ZoneInfo

from app.backoffice import stats
from app.backoffice.models import SupportInvitation
from tests.backoffice.factories import agent, ask, expert, group
from tests.factories import UserFactory

P = ZoneInfo("Europe/Paris")


def at(*args):
    return datetime(2026, *args, tzinfo=P)


# (created, first answer, closed, hand-offs, useful) — June 2026 has no public holiday in 69.
ROWS = [
    (at(6, 1, 9), at(6, 1, 11), at(6, 2, 9), 0, "yes"),       # first 2 h, resolution 8 h
    (at(6, 1, 16), at(6, 2, 12), at(6, 3, 17), 1, "no"),      # 1 + 3 = 4 h; 1 + 8 + 8 = 17 h
    (at(6, 5, 15), at(6, 8, 13), at(6, 8, 17), 2, "unsure"),  # Fri 2 + Mon 4 = 6 h; 2 + 8 = 10 h
    (at(6, 9, 9), at(6, 9, 20), None, 1, None),               # answered after hours: 8 h
    (at(6, 10, 10), None, None, 0, None),                     # never answered: late on 30 June
]


def test_statistics_match_hand_computed_figures(app, db):
    caf = expert()
    local = group(experts=[caf])
    desk = agent()
    for created, first, closed, handoffs, useful in ROWS:
        row = ask(desk, now=created)
        row.first_answer_at, row.closed_at, row.handoffs, row.useful = first, closed, handoffs, useful
        if closed:
            row.status = "closed"
    db.session.add(SupportInvitation(request_id=row.id, group_id=local.id, is_automatic=True))
    db.session.commit()
    figures = stats.compute(caf, app.config, now=at(6, 30, 12))
    total = figures.overall
    assert total.volume == 5
    assert sorted(total.first_answer) == [2.0, 4.0, 6.0, 8.0]
    assert total.first_median == 5.0                      # (4 + 6) / 2
    assert round(total.first_p90, 6) == 7.4               # rank 0.9 × 3 = 2.7: 6 + 0.7 × (8 − 6)
    assert sorted(total.resolution) == [8.0, 10.0, 17.0]
    assert total.resolution_median == 10.0
    assert round(total.resolution_p90, 6) == 15.6         # rank 1.8: 10 + 0.8 × (17 − 10)
    assert total.handoffs_per_request == 0.8              # 4 hand-offs / 5 requests
    assert total.useful == {"yes": 1, "unsure": 1, "no": 1}
    assert total.late == 1 and total.late_share == 0.2
    assert total.escalations == 1
    assert [f.label for f in figures.by_month] == ["2026-06"] and figures.by_department[0].label == "69"
    # Another operator's expert counts none of them; an admin counts them all.
    assert stats.compute(expert(operator="cpam"), app.config).overall.volume == 0
    assert stats.compute(UserFactory(role="admin"), app.config).overall.volume == 5
    rows = list(stats.csv_rows(figures))
    assert rows[1][:7] == ["total", "Total", 5, 5.0, 7.4, 10.0, 15.6]


def test_statistics_page_and_csv_show_the_same_figures(app, db):
    caf = expert()
    group(experts=[caf])
    desk = agent()
    created, first, closed, handoffs, useful = ROWS[0]
    row = ask(desk, now=created)
    row.first_answer_at, row.closed_at, row.useful = first, closed, useful
    db.session.commit()
    client = app.test_client()
    from tests.factories import PASSWORD

    client.post("/connexion", data={"email": caf.email, "password": PASSWORD})
    page = client.get("/appui/statistiques").get_data(as_text=True)
    assert "<svg" in page and "2,0" in page and "8,0" in page
    csv = client.get("/appui/statistiques.csv").get_data(as_text=True)
    assert "total;Total;1;2.0;2.0;8.0;8.0;1;0;0" in csv
