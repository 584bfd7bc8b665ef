"""Barometer anonymity: what an answer row holds, small groups, filter combinations, closing."""
import io
import itertools
import random
import re
import uuid
from datetime import date

import pytest
from pypdf import PdfReader
from sqlalchemy import Date, DateTime

from app.extensions import db
from app.workplace import anonymity, barometer
from app.workplace.enums import BAROMETER_CODES
from app.workplace.models import BarometerAnswer, BarometerParticipation
from tests.factories import OrganisationFactory, UserFactory

TODAY = date.today()
FIGURE = re.compile(r"\b\d,\d\b")


def scores(value=2):
    return dict.fromkeys(BAROMETER_CODES, value)


def campaign_with_answers(org_counts, opener=None, close=True, value=2):
    """A national campaign (admin) answered by `count` agents of each organisation; closed."""
    admin = opener or UserFactory(role="admin")
    campaign = barometer.open_campaign(admin, "T", TODAY, TODAY)
    for org, count in org_counts:
        for _ in range(count):
            barometer.answer(UserFactory(role="agent", organisation=org), campaign, scores(value))
    if close:
        barometer.close_campaign(admin, campaign)
    return campaign


def test_answer_row_names_no_one_and_keeps_only_the_day():
    columns = {c.name: c for c in BarometerAnswer.__table__.columns}
    forbidden = re.compile(r"user|session|ip|address|token|email|author|agent|created|_at$")
    assert [name for name in columns if forbidden.search(name)] == []
    assert not any(isinstance(c.type, DateTime) for c in columns.values())
    assert isinstance(columns["answered_on"].type, Date)
    org = OrganisationFactory()
    campaign = campaign_with_answers([(org, 2)], close=False)
    rows = db.session.scalars(db.select(BarometerAnswer)).all()
    assert len(rows) == 2 and all(uuid.UUID(r.id).version == 4 for r in rows)
    assert {r.answered_on for r in rows} == {TODAY} and type(rows[0].answered_on) is date
    assert db.session.scalar(db.select(db.func.count()).select_from(BarometerParticipation)
                             .where(BarometerParticipation.campaign_id == campaign.id)) == 2


def test_answering_twice_is_refused_and_writes_no_audit_line():
    from app.audit.models import AuditLog

    org = OrganisationFactory()
    agent = UserFactory(role="agent", organisation=org)
    campaign = barometer.open_campaign(UserFactory(role="hr", organisation=org), "T", TODAY, TODAY)
    before = db.session.scalar(db.select(db.func.count()).select_from(AuditLog))
    barometer.answer(agent, campaign, scores())
    with pytest.raises(barometer.BarometerError):
        barometer.answer(agent, campaign, scores())
    assert db.session.scalar(db.select(db.func.count()).select_from(AuditLog)) == before
    assert db.session.scalar(db.select(db.func.count()).select_from(BarometerAnswer)) == 1


def test_closing_deletes_the_participation_records():
    org = OrganisationFactory()
    campaign = campaign_with_answers([(org, 3)], close=False)
    assert db.session.scalar(db.select(db.func.count()).select_from(BarometerParticipation)) == 3
    barometer.close_campaign(UserFactory(role="admin"), campaign)
    assert db.session.scalar(db.select(db.func.count()).select_from(BarometerParticipation)) == 0
    assert db.session.scalar(db.select(db.func.count()).select_from(BarometerAnswer)) == 3


@pytest.mark.parametrize(("respondents", "shown"), [(4, False), (5, True)])
def test_four_respondents_show_no_figure_in_page_csv_pdf(client, login, respondents, shown):
    org = OrganisationFactory()
    hr = login(role="hr", organisation=org)
    campaign = barometer.open_campaign(hr, "Baromètre", TODAY, TODAY)
    for _ in range(respondents):
        barometer.answer(UserFactory(role="agent", organisation=org), campaign, scores(3))
    barometer.close_campaign(hr, campaign)
    base = f"/conditions-de-travail/barometre/{campaign.id}/resultats"
    page = client.get(base).get_data(as_text=True)
    csv_text = client.get(base + ".csv").get_data(as_text=True)
    pdf_bytes = client.get(base + ".pdf").data
    pdf_text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf_bytes)).pages)
    for text in (page, csv_text, pdf_text):
        assert bool(FIGURE.search(text)) is shown
        assert ("3,0" in text) is shown


def random_rows(rng):
    rows = []
    for dep in range(rng.randint(1, 3)):
        for org in range(rng.randint(1, 4)):
            rows.append((dep * 10 + org, f"{dep:02d}", rng.randint(1, 9), {"workload": 1}))
    return rows


def shown_leaves(cells, cell):
    """The organisations under a cell (its group, as a set of leaves)."""
    if cell.level == "organisation":
        return frozenset([cell.key])
    return frozenset().union(*(shown_leaves(cells, cells[k]) for k in cell.children))


@pytest.mark.parametrize("seed", range(60))
def test_no_combination_of_shown_figures_isolates_a_small_group(seed):
    rng = random.Random(seed)
    minimum = 5
    cells = anonymity.suppress(anonymity.build(random_rows(rng), {}), minimum)
    weight = {k: c.count for k, c in cells.items() if c.level == "organisation"}
    groups = {k: shown_leaves(cells, c) for k, c in cells.items()}
    shown = [k for k, c in cells.items() if c.shown]
    for key in shown:
        assert cells[key].count >= minimum
        inside = [k for k in shown if k != key and groups[k] < groups[key]]
        # Every set of disjoint shown sub-groups subtracted from a shown group leaves 0 or >= minimum.
        for size in range(1, len(inside) + 1):
            for subset in itertools.combinations(inside, size):
                if any(groups[a] & groups[b] for a, b in itertools.combinations(subset, 2)):
                    continue
                rest = groups[key] - frozenset().union(*(groups[k] for k in subset))
                remainder = sum(weight[k] for k in rest)
                assert remainder == 0 or remainder >= minimum, (seed, key, subset, remainder)


@pytest.mark.parametrize("seed", range(30))
def test_a_page_reading_one_département_decides_like_the_whole_tree(seed):
    rows = random_rows(random.Random(seed))
    full = anonymity.suppress(anonymity.build(rows, {}), 5)
    totals = {}
    for _org, dep, count, sums in rows:
        total = totals.setdefault(dep, [0, {"workload": 0}])
        total[0] += count
        total[1]["workload"] += sums["workload"]
    dep_rows = [(dep, count, sums) for dep, (count, sums) in totals.items()]
    for dep in totals:
        part = anonymity.suppress(anonymity.build([r for r in rows if r[1] == dep], {}, dep_rows), 5)
        assert {k: (c.count, c.shown) for k, c in part.items()} == \
            {k: (full[k].count, full[k].shown) for k in part}


def test_complementary_suppression_through_every_filter(client, login):
    a, b, c = (OrganisationFactory(department="69") for _ in range(3))
    campaign_with_answers([(a, 6), (b, 3), (c, 7)])
    login(role="admin")
    campaign_id = db.session.scalar(db.select(BarometerAnswer.campaign_id))
    base = f"/conditions-de-travail/barometre/{campaign_id}/resultats"
    national = client.get(base).get_data(as_text=True)
    assert national.count("<td>16</td>") == 2  # national and its only département (nothing hidden between)
    dep = client.get(f"{base}?perimetre=dep-69").get_data(as_text=True)
    assert "<td>16</td>" in dep
    assert "<td>6</td>" not in dep and "<td>3</td>" not in dep  # b too small, a hidden with it
    assert "<td>7</td>" in dep
    for org in (a, b):
        page = client.get(f"{base}?perimetre=org-{org.id}").get_data(as_text=True)
        assert not FIGURE.search(page)


def test_a_small_département_hides_the_whole_level(client, login):
    a, b = OrganisationFactory(department="69"), OrganisationFactory(department="13")
    campaign_with_answers([(a, 15), (b, 2)])
    login(role="admin")
    campaign_id = db.session.scalar(db.select(BarometerAnswer.campaign_id))
    page = client.get(f"/conditions-de-travail/barometre/{campaign_id}/resultats").get_data(as_text=True)
    assert "<td>17</td>" in page and "<td>15</td>" not in page
    dep = client.get(f"/conditions-de-travail/barometre/{campaign_id}/resultats?perimetre=dep-69").get_data(as_text=True)
    assert not FIGURE.search(dep)


def test_live_results_are_not_published_before_closing(client, login):
    org = OrganisationFactory()
    hr = login(role="hr", organisation=org)
    campaign = barometer.open_campaign(hr, "B", TODAY, TODAY)
    for _ in range(6):
        barometer.answer(UserFactory(role="agent", organisation=org), campaign, scores(4))
    page = client.get(f"/conditions-de-travail/barometre/{campaign.id}/resultats").get_data(as_text=True)
    assert "4,0" not in page


def test_one_campaign_per_scope_and_quarter():
    org = OrganisationFactory()
    barometer.open_campaign(UserFactory(role="hr", organisation=org), "A", TODAY, TODAY)
    with pytest.raises(barometer.BarometerError):
        barometer.open_campaign(UserFactory(role="admin"), "N", TODAY, TODAY)
    with pytest.raises(barometer.BarometerError):
        barometer.open_campaign(UserFactory(role="hr", organisation=org), "B", TODAY, TODAY)


@pytest.mark.parametrize("seed", range(8))
def test_the_indicators_trend_decides_like_the_whole_tree(seed):
    """trend_cells reads counts only (and the sums of the scope's own cell): each organisation's and
    département's cell is shown or hidden, with the same figures, as in the whole tree of its quarter."""
    from app.workplace.models import BarometerTotal
    from app.workplace.scope import department_scope, organisation_scope

    rng = random.Random(seed)
    campaign = barometer.open_campaign(UserFactory(role="admin"), "T", TODAY, TODAY)
    quarters = ["2026-T1", "2026-T2", "2026-T3"]
    departments = ["69", "13", None][:rng.randint(1, 3)]
    orgs = [OrganisationFactory(department=dep) for dep in departments for _ in range(rng.randint(1, 4))]
    for quarter in quarters:
        per_department = {}
        for org in orgs:
            if rng.random() < 0.2:
                continue
            count = rng.randint(1, 9)
            sums = {code: count * rng.randint(1, 5) for code in BAROMETER_CODES}
            db.session.add(BarometerTotal(campaign_id=campaign.id, quarter=quarter, organisation_id=org.id,
                                          department=org.department, respondents=count, **sums))
            total = per_department.setdefault(org.department, [0, dict.fromkeys(BAROMETER_CODES, 0)])
            total[0] += count
            for code in BAROMETER_CODES:
                total[1][code] += sums[code]
        for dep, (count, sums) in per_department.items():
            db.session.add(BarometerTotal(campaign_id=campaign.id, quarter=quarter, organisation_id=None,
                                          department=dep, respondents=count, **sums))
    db.session.commit()
    whole = barometer.quarters_cells(quarters, "*")
    scopes = [organisation_scope(org) for org in orgs] + [department_scope(d or "?") for d in set(departments)]
    for chosen in scopes:
        trend = barometer.trend_cells(quarters, chosen)
        for quarter in quarters:
            expected = whole[quarter].get(chosen.key)
            got = trend[quarter]
            assert (got.count, got.shown, got.means()) == \
                ((expected.count, expected.shown, expected.means()) if expected else (0, False, None)), \
                (seed, chosen.key, quarter)


@pytest.mark.parametrize("seed", range(60))
def test_one_cell_decided_from_counts_like_the_whole_tree(seed):
    """anonymity.path_cell (one organisation's or département's cell, from counts) == suppress() on the tree."""
    rows = random_rows(random.Random(seed))
    full = anonymity.suppress(anonymity.build(rows, {}), 5)
    departments = {k: c.count for k, c in full.items() if c.level == "department"}
    for key, cell in full.items():
        if cell.level == "national":
            continue
        dep_key = key if cell.level == "department" else cell.parent
        organisations = {k: full[k].count for k in full[dep_key].children}
        got = anonymity.path_cell(key, cell.level, cell.label, departments, dep_key, organisations, cell.sums, 5)
        assert (got.count, got.shown, got.means()) == (cell.count, cell.shown, cell.means()), (seed, key)
