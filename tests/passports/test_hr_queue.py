"""The HR validation queue: the same scope as hr_scope (split in parts for speed), order, capped total, queries."""
import html
import re
from datetime import timedelta

import pytest

from app.common.timezones import utcnow
from app.extensions import db
from app.passports import scope, validation_queue
from app.passports.models import EvidenceFile, PassportEntry, PassportShare
from tests.factories import OrganisationFactory, UserFactory
from tests.passports.core_factories import EntryFactory
from tests.query_counter import count_queries


def text(response):
    return html.unescape(response.get_data(as_text=True))


def shown_codes(response):
    """Competency codes of the queue's rows, in page order (from the "Examiner" buttons)."""
    return re.findall(r"la ligne (\S+) de ", text(response))


def _submitted(holder, days_ago, **kwargs):
    return EntryFactory(holder=holder, status="submitted", submitted_at=utcnow() - timedelta(days=days_ago), **kwargs)


@pytest.fixture
def situations(org):
    """Every reason to be in (or out of) the queue of `org`, with distinct submission dates."""
    elsewhere = OrganisationFactory()
    agent = UserFactory(role="agent", organisation=org)
    sharer = UserFactory(role="agent", organisation=org)  # moved in, shares their passport with org
    withdrawn = UserFactory(role="agent", organisation=org)  # moved in, withdrew their share
    mover_in = UserFactory(role="agent", organisation=org)  # moved in, no share
    leaver = UserFactory(role="agent", organisation=elsewhere)  # submitted to org, then left
    db.session.add_all([
        PassportShare(holder_id=sharer.id, organisation_id=org.id),
        PassportShare(holder_id=withdrawn.id, organisation_id=org.id, withdrawn_at=utcnow()),
        PassportShare(holder_id=leaver.id, organisation_id=org.id),
    ])
    visible = [
        _submitted(agent, 40),  # submitted to org
        _submitted(agent, 30, validated_by_org_id=org.id),  # submitted to and validated by org: once
        _submitted(mover_in, 20, submitted_to_org_id=elsewhere.id, validated_by_org_id=org.id),  # validated by org
        _submitted(sharer, 10, submitted_to_org_id=elsewhere.id),  # shared with org
        _submitted(sharer, 5),  # shared and submitted to org: once
        _submitted(agent, 1),
    ]
    hidden = [
        _submitted(mover_in, 35, submitted_to_org_id=elsewhere.id),
        _submitted(withdrawn, 25, submitted_to_org_id=elsewhere.id),
        _submitted(leaver, 15, submitted_to_org_id=org.id),
        EntryFactory(holder=agent, status="draft"),
        EntryFactory(holder=agent, status="validated"),
        _submitted(UserFactory(role="agent", organisation=elsewhere), 3),
    ]
    db.session.commit()
    return visible, hidden


def test_queue_is_the_hr_scope_of_submitted_entries_oldest_first(app, org, hr, situations):
    visible, hidden = situations
    expected = db.session.scalars(
        scope.hr_scope(hr).where(PassportEntry.status == "submitted")
        .order_by(PassportEntry.submitted_at, PassportEntry.id)
    ).all()
    assert [e.id for e in expected] == [e.id for e in visible]
    with app.test_request_context():
        page = validation_queue.read_queue(hr, None)
        # no entry twice (an entry can have several reasons to be there), none of the hidden ones
        assert [row.id for row in page.items] == [e.id for e in visible] and page.total == len(visible)
        assert not {row.id for row in page.items} & {e.id for e in hidden}
        assert validation_queue.read_queue(UserFactory(role="agent", organisation=org), None).items == []


def test_queue_pages_follow_the_order_across_every_reason(app, client, login, org, situations, monkeypatch):
    visible, _hidden = situations
    login("hr", organisation=org)
    monkeypatch.setitem(app.config, "PER_PAGE", 2)
    pages = [shown_codes(client.get("/rh/passeports/", query_string={"page": n})) for n in (1, 2, 3, 4)]
    assert pages == [[e.competency.code for e in visible[i:i + 2]] for i in (0, 2, 4)] + [[]]


def test_queue_total_is_capped_past_the_current_page(app, client, login, org, agent, monkeypatch):
    login("hr", organisation=org)
    monkeypatch.setitem(app.config, "PER_PAGE", 2)
    monkeypatch.setattr(validation_queue, "QUEUE_COUNT_CAP", 3)
    for days in range(6):
        _submitted(agent, days)
    first = text(client.get("/rh/passeports/"))
    assert "plus de 3 lignes en attente" in first and "Page suivante</a>" in first and 'href="/rh/passeports/?page=2' in first
    last = text(client.get("/rh/passeports/?page=3"))
    assert "6 lignes en attente" in last and "plus de" not in last


def test_queue_filters_apply_to_every_reason(client, login, org, situations):
    visible, _hidden = situations
    login("hr", organisation=org)
    page = client.get("/rh/passeports/", query_string={"anciennete": "7_to_30"})
    assert shown_codes(page) == [e.competency.code for e in visible[2:4]]
    assert "2 lignes en attente" in text(page)


def test_queue_queries_do_not_grow_with_holders_and_files(app, client, login, org):
    login("hr", organisation=org)

    def add_entries(count):
        for n in range(count):
            holder = UserFactory(role="agent", organisation=org)
            entry = _submitted(holder, n)
            db.session.add(EvidenceFile(entry_id=entry.id, uploaded_by_id=holder.id, filename=f"preuve-{entry.id}.pdf",
                                        content_type="application/pdf", size=10, sha256="0" * 64,
                                        storage_key=f"key-{entry.id}"))
        db.session.commit()

    add_entries(1)
    client.get("/rh/passeports/")
    with count_queries(app) as few:
        assert client.get("/rh/passeports/").status_code == 200
    add_entries(8)
    with count_queries(app) as many:
        page = client.get("/rh/passeports/")
    assert page.status_code == 200 and len(shown_codes(page)) == 9 and text(page).count("preuve-") == 9
    assert many.count == few.count, many.statements


def _user_loads(counter):
    """Loads of a user by id alone (the session's user: at the start of the request, or after an expiry)."""
    return [s for s in counter.statements if s.lstrip().startswith("SELECT users.id")
            and re.search(r"WHERE users\.id = \S+\s*$", s)]


def test_audited_hr_reads_load_the_acting_user_and_the_entry_once(app, client, login, org, agent):
    """The read audit is committed without expiring the page's objects: no reload after the commit."""
    login("hr", organisation=org)
    entry_url = f"/rh/passeports/lignes/{_submitted(agent, 2).id}"
    for url in ("/rh/passeports/", entry_url, f"/rh/passeports/agents/{agent.id}"):
        client.get(url)
        with count_queries(app) as counter:
            assert client.get(url).status_code == 200
        assert len(_user_loads(counter)) == 1, (url, counter.statements)
    with count_queries(app) as counter:
        assert client.get(entry_url).status_code == 200
    entry_loads = [s for s in counter.statements if "FROM passport_entries" in s]
    assert len(entry_loads) == 1, entry_loads


def test_passport_lists_do_not_load_evidence_files(app, client, login, org):
    """The passport page and the HR view of a passport list entries without their files."""
    agent = login("agent", organisation=org)
    entry = _submitted(agent, 1)
    db.session.add(EvidenceFile(entry_id=entry.id, uploaded_by_id=agent.id, filename="preuve.pdf",
                                content_type="application/pdf", size=10, sha256="0" * 64, storage_key="k-1"))
    db.session.commit()
    with count_queries(app) as counter:
        page = client.get("/passeport/")
    assert page.status_code == 200 and entry.competency.code in text(page)
    assert not [s for s in counter.statements if s.lstrip().startswith("SELECT evidence_files")]


@pytest.mark.parametrize("page", ["99999999999", "-3", "abc"])
def test_queue_survives_any_page_number(client, login, org, agent, page):
    """Row bounds stay 32-bit integers on PostgreSQL, whatever ?page= says."""
    login("hr", organisation=org)
    _submitted(agent, 1)
    response = client.get("/rh/passeports/", query_string={"page": page})
    assert response.status_code == 200
    assert ("Aucune ligne en attente." in text(response)) == (page == "99999999999")
