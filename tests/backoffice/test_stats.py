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
    # The raw figures above are computed on 3 to 5 requests: below the small-number threshold (5) the
    # export writes words; with a threshold of 1 it writes the same figures.
    rows = list(stats.csv_rows(figures))
    assert rows[1][:7] == ["total", "Total", 5, *["moins de 5 demandes"] * 4]
    rows = list(stats.csv_rows(stats.compute(caf, {**app.config, "SUPPORT_STATS_MIN_COUNT": 1}, now=at(6, 30, 12))))
    assert rows[1][:7] == ["total", "Total", 5, 5.0, 7.4, 10.0, 15.6]


def test_statistics_page_and_csv_show_the_same_figures(app, db, monkeypatch):
    monkeypatch.setitem(app.config, "SUPPORT_STATS_MIN_COUNT", 1)
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


# --- small numbers (SUPPORT_STATS_MIN_COUNT, 5 by default) ----------------------------------------


def _answered(desk, count, month=6, day=1):
    """`count` requests asked at 9:00 on a Monday-to-Friday day, answered after 1, 2, … hours and all
    closed at 16:00 (7 business hours)."""
    for i in range(1, count + 1):
        row = ask(desk, now=at(month, day, 9))
        row.first_answer_at, row.closed_at, row.status, row.useful = at(month, day, 9 + i), at(month, day, 16), "closed", "yes"
    from app.extensions import db

    db.session.commit()


def _signed_in(app, user):
    from tests.factories import PASSWORD

    client = app.test_client()
    assert client.post("/connexion", data={"email": user.email, "password": PASSWORD}).status_code == 302
    return client


def test_below_the_threshold_no_figure_is_shown_on_the_page_nor_in_the_csv(app, db):
    assert app.config["SUPPORT_STATS_MIN_COUNT"] == 5
    caf = expert()
    group(experts=[caf])
    _answered(agent(), 4)  # threshold - 1
    figures = stats.compute(caf, app.config, now=at(6, 30, 12))
    assert figures.overall.volume == 4 and figures.overall.first_median == 2.5  # computed, never shown
    total = next(r for r in stats.csv_rows(figures) if r[0] == "total")
    assert total == ["total", "Total", *["moins de 5 demandes"] * 11]
    client = _signed_in(app, caf)
    page = client.get("/appui/statistiques").get_data(as_text=True)
    assert "moins de 5 demandes" in page and "2,5" not in page and "7,0" not in page
    main = page.split("<main", 1)[1]
    assert "<td>4</td>" not in main and ">4</text>" not in main  # no volume in a table cell nor on a chart
    assert "<td>moins de 5 demandes</td>" in main
    csv = client.get("/appui/statistiques.csv").get_data(as_text=True)
    assert "total;Total;moins de 5 demandes;moins de 5 demandes" in csv and ";2.5;" not in csv


def test_at_the_threshold_the_hand_computed_figures_are_shown(app, db):
    caf = expert()
    group(experts=[caf])
    _answered(agent(), 5)  # threshold: first answers 1, 2, 3, 4, 5 h; resolution 7 h each
    figures = stats.compute(caf, app.config, now=at(6, 30, 12))
    total = next(r for r in stats.csv_rows(figures) if r[0] == "total")
    # median 3; p90: rank 0.9 × 4 = 3.6 -> 4 + 0.6 × (5 − 4) = 4.6
    assert total == ["total", "Total", 5, 3.0, 4.6, 7.0, 7.0, 5, 0, 0, 0.0, 0.0, 0]
    page = _signed_in(app, caf).get("/appui/statistiques").get_data(as_text=True)
    assert "<td>moins de 5 demandes</td>" not in page and "<td>3,0</td>" in page and "<td>4,6</td>" in page


def test_a_figure_on_fewer_answered_requests_and_a_breakdown_row_that_would_reveal_one_are_hidden(app, db):
    caf = expert()
    group(experts=[caf])
    desk = agent()
    _answered(desk, 5)              # June: 5 requests
    _answered(desk, 1, month=7)     # July: 1 request (1 h, 7 h)
    figures = stats.compute(caf, app.config, now=at(7, 30, 12))
    rows = {(r[0], r[1]): r for r in stats.csv_rows(figures)}
    # The total (6 requests: 1, 1, 2, 3, 4, 5 h -> median 2.5) is shown.
    assert rows[("total", "Total")][2:4] == [6, 2.5]
    # July alone is a small number; June would give it away (6 − 5): masked too.
    assert rows[("mois", "2026-07")][2:4] == ["moins de 5 demandes", "moins de 5 demandes"]
    assert rows[("mois", "2026-06")][2:4] == ["masqué", "masqué"]
    assert rows[("département", "69")][2] == 6
    # Volume shown, first-answer times computed on 4 answered requests hidden.
    row = ask(desk, now=at(7, 1, 9))
    row.first_answer_at = None
    from app.extensions import db as _db

    _db.session.commit()
    figures = stats.compute(caf, app.config, now=at(7, 30, 12))
    july = next(f for f in figures.by_month if f.label == "2026-07")
    assert july.volume == 2
    assert figures.overall.volume == 7 and figures.overall.hidden_reason("first_median") is None
    chart = stats.bar_chart(figures.by_month, "volume")
    assert [b["text"] for b in chart["bars"]] == ["masqué", "moins de 5 demandes"]
    assert [b["w"] for b in chart["bars"]] == [0, 0]
