"""Home pages that surface pending passport work: the agent's « à faire » list, the HR queue's size and its
oldest line, overdue training and recent imports (issue 13, items 5 and 6); fixed query counts."""
import html
from datetime import timedelta

from app.accounts.models import Organisation
from app.audit.services import audit
from app.common.timezones import utcnow
from app.extensions import db
from tests.factories import UserFactory
from tests.passports.core_factories import CompetencyFactory, EntryFactory
from tests.query_counter import count_queries


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


def test_agent_home_runs_the_same_number_of_queries_whatever_the_passport(app, client, login, agent):
    login(user=agent)
    counts = []
    for size in (1, 6):
        for _ in range(size):
            EntryFactory(holder=agent, competency=CompetencyFactory(), status="changes_requested")
            EntryFactory(holder=agent, competency=CompetencyFactory(), status="validated")
        db.session.commit()
        counts.append(_queries(app, client, "/agent"))
    assert counts[0] == counts[1], counts


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
    assert f"La plus ancienne attend depuis le {first.submitted_at.strftime('%d/%m/%Y')}" in page
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
