"""Home pages that surface pending passport work: the agent's « à faire » list, the HR queue's size and its
oldest line, overdue training and recent imports (issue 13, items 5 and 6); fixed query counts."""
import html
import re
from datetime import timedelta

import pytest

from app.accounts.models import Organisation
from app.audit.services import audit
from app.common.timezones import to_local, utcnow
from app.extensions import db
from app.training import reference
from tests.factories import UserFactory
from tests.passports.core_factories import CompetencyFactory, EntryFactory
from tests.query_counter import count_queries

# The signed-in user, then what every domain shows in one query (app.common.home), the training catalogue
# being cached as when served.
AGENT_HOME_QUERIES = 2


def _page(client, path):
    response = client.get(path)
    assert response.status_code == 200
    return " ".join(html.unescape(response.get_data(as_text=True)).split())


def _queries(app, client, path):
    with count_queries(app) as counter:
        assert client.get(path).status_code == 200
    return counter.count


def test_agent_home_lists_lines_to_act_on_and_lines_just_decided(app, client, login, agent, competency):
    login(user=agent)
    assert "Rien ne vous attend pour le moment." in _page(client, "/agent")
    returned = EntryFactory(holder=agent, competency=competency, status="changes_requested")
    draft = EntryFactory(holder=agent, competency=CompetencyFactory(), status="draft")
    validated = EntryFactory(holder=agent, competency=CompetencyFactory(), status="validated")
    old = EntryFactory(holder=agent, competency=CompetencyFactory(), status="validated")
    old.updated_at = utcnow() - timedelta(days=60)
    db.session.commit()
    page = _page(client, "/agent")
    todo, recent = page.split("Ces 30 derniers jours")
    assert f"Reprendre la ligne {returned.competency.code}" in todo
    assert f"Soumettre à la validation la ligne {draft.competency.code}" in todo
    assert f"Ligne {validated.competency.code}" in recent and "validée le" in recent
    assert old.competency.code not in page.split("À faire et nouveautés")[1]


def test_agent_home_lists_what_changed_since_the_previous_visit_then_moves_the_marker(app, client, login, agent):
    login(user=agent)
    previous = utcnow() - timedelta(days=2)
    agent.last_home_visit_at = previous
    before = EntryFactory(holder=agent, competency=CompetencyFactory(), status="validated")
    after = EntryFactory(holder=agent, competency=CompetencyFactory(), status="validated")
    returned = EntryFactory(holder=agent, competency=CompetencyFactory(), status="changes_requested")
    returned_long_ago = EntryFactory(holder=agent, competency=CompetencyFactory(), status="changes_requested")
    db.session.flush()
    before.updated_at = utcnow() - timedelta(days=3)  # within 30 days, but seen at the previous visit
    after.updated_at = utcnow() - timedelta(days=1)
    returned_long_ago.updated_at = utcnow() - timedelta(days=5)
    db.session.commit()

    page = _page(client, "/agent")
    todo, recent = page.split("Depuis votre dernière visite, le ")
    assert f"Ligne {after.competency.code}" in recent and "validée le" in recent
    assert before.competency.code not in page.split("À faire et nouveautés")[1]
    # Lines sent back stay in the list while they wait; those returned since the visit say so.
    items = {re.search(r"la ligne (\S+)", li).group(1): li for li in todo.split("<li>")[1:] if "la ligne" in li}
    assert "Nouveau" in items[returned.competency.code]
    assert "Nouveau" not in items[returned_long_ago.competency.code]
    db.session.expire_all()
    assert utcnow() - db.session.get(type(agent), agent.id).last_home_visit_at < timedelta(minutes=1)

    # The same session keeps the same news on every view (a reload does not make them vanish).
    assert f"Ligne {after.competency.code}" in _page(client, "/agent")

    # The next session starts from this visit: what was decided before it is no longer news.
    later = EntryFactory(holder=agent, competency=CompetencyFactory(), status="validated")
    db.session.flush()
    later.updated_at = utcnow() + timedelta(minutes=5)
    db.session.commit()
    client.post("/deconnexion")
    login(user=agent)
    page = _page(client, "/agent")
    news = page.split("Depuis votre dernière visite, le ")[1]
    assert f"Ligne {later.competency.code}" in news
    assert after.competency.code not in news and before.competency.code not in news


@pytest.fixture
def cached_catalogue(app, monkeypatch):
    monkeypatch.setitem(app.config, "REFERENCE_CACHE_SECONDS", 60)
    reference.invalidate()
    yield
    reference.invalidate()


def test_agent_home_runs_the_same_number_of_queries_whatever_the_passport(app, client, login, agent, cached_catalogue):
    login(user=agent)
    client.get("/agent")  # the first view of a session also moves the « last visit » marker (one write)
    counts = []
    for size in (1, 6):
        for _ in range(size):
            EntryFactory(holder=agent, competency=CompetencyFactory(), status="changes_requested")
            EntryFactory(holder=agent, competency=CompetencyFactory(), status="validated")
        db.session.commit()
        counts.append(_queries(app, client, "/agent"))
    assert counts == [AGENT_HOME_QUERIES] * 2, counts


def test_hr_home_counts_lines_to_validate_with_the_oldest_overdue_training_and_imports(app, client, login, hr, org):
    login(user=hr)
    page = _page(client, "/rh")
    assert "0 ligne de passeport à valider" in page and "Aucune ligne n'attend." in page
    assert "0 parcours en retard" in page and "Aucun import pour le moment." in page
    agent = UserFactory(role="agent", organisation=org)
    first = EntryFactory(holder=agent, competency=CompetencyFactory(), status="submitted")
    first.submitted_at = utcnow() - timedelta(days=12)
    EntryFactory(holder=agent, competency=CompetencyFactory(), status="submitted")
    EntryFactory(holder=UserFactory(role="agent"), competency=CompetencyFactory(), status="submitted")  # elsewhere
    audit(hr, "user.import", db.session.get(Organisation, org.id), {"count": 3})
    db.session.commit()
    page = _page(client, "/rh")
    assert "2 lignes de passeport à valider" in page
    assert f"La plus ancienne attend depuis le {to_local(first.submitted_at).strftime('%d/%m/%Y')}" in page
    assert "(3 comptes)" in page


def test_hr_home_runs_the_same_number_of_queries_whatever_the_queue(app, client, login, hr, org):
    login(user=hr)
    counts = []
    for size in (1, 8):
        for _ in range(size):
            agent = UserFactory(role="agent", organisation=org)
            EntryFactory(holder=agent, competency=CompetencyFactory(), status="submitted")
            audit(hr, "user.import", db.session.get(Organisation, org.id), {"count": 1})
        db.session.commit()
        counts.append(_queries(app, client, "/rh"))
    assert counts[0] == counts[1], counts
