"""What the passport pages read, and how little: the passport page (entries, share, reads of it), the HR
queue (its page and total in one query, the audit written after), the public verification (one query), the
référentiel's reference data (cached per process)."""
import html
import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest

from app.audit.models import AuditLog
from app.common.timezones import utcnow
from app.extensions import db
from app.passports import reads, reference
from app.passports.documents import passport_document
from app.passports.models import EntrySource, EvidenceFile, PassportShare
from tests.factories import OrganisationFactory, UserFactory
from tests.passports.core_factories import CompetencyFactory, EntryFactory
from tests.query_counter import count_queries


def text(response):
    return html.unescape(response.get_data(as_text=True))


def _file(entry, name):
    row = EvidenceFile(entry_id=entry.id, uploaded_by_id=entry.holder_id, filename=name,
                       content_type="application/pdf", size=10, sha256="0" * 64, storage_key=f"key-{name}")
    db.session.add(row)
    db.session.flush()
    return row


def _read(actor, action, target_type, target_id, minutes_ago):
    db.session.add(AuditLog(actor_id=actor.id if actor else None, action=action, target_type=target_type,
                            target_id=str(target_id), details={}, at=utcnow() - timedelta(minutes=minutes_ago)))


@pytest.fixture
def cached_reference(app):
    """Reference data kept as in production (the tests read it on every call otherwise)."""
    saved = app.config["REFERENCE_CACHE_SECONDS"]
    app.config["REFERENCE_CACHE_SECONDS"] = 60
    reference.invalidate()
    yield
    app.config["REFERENCE_CACHE_SECONDS"] = saved
    reference.invalidate()


# --- the passport page ------------------------------------------------------------------------------------


def test_reads_of_lists_the_holders_reads_only_newest_first_twenty_at_most(app, org):
    holder = UserFactory(role="agent", organisation=org)
    other = UserFactory(role="agent", organisation=org)
    hr = UserFactory(role="hr", organisation=org)
    entry = EntryFactory(holder=holder, status="submitted")
    other_entry = EntryFactory(holder=other, status="submitted")
    evidence, other_evidence = _file(entry, "a.pdf"), _file(other_entry, "b.pdf")
    _read(hr, "passport.entry_read", "passport_entries", entry.id, 1)
    _read(None, "passport.read", "users", holder.id, 2)  # no actor: shown as Passerelle
    _read(hr, "passport.evidence_read", "evidence_files", evidence.id, 3)
    _read(holder, "passport.read", "users", holder.id, 0)  # the holder's own read: not listed
    _read(hr, "passport.read", "users", other.id, 0)  # another passport
    _read(hr, "passport.entry_read", "passport_entries", other_entry.id, 0)
    _read(hr, "passport.evidence_read", "evidence_files", other_evidence.id, 0)
    _read(hr, "passport.read", "passport_entries", holder.id, 0)  # same id, another kind of target
    for minutes in range(30):
        _read(hr, "passport.read", "users", holder.id, 10 + minutes)
    db.session.commit()

    with app.test_request_context():
        shown = reads.reads_of(holder)
    assert len(shown) == 20
    assert [r["what"] for r in shown[:3]] == ["Une ligne", "Tout le passeport", "Une pièce justificative"]
    assert shown[1]["organisation"] == "—" and shown[1]["role"] == "Passerelle"
    assert shown[0]["organisation"] == org.name and shown[0]["role"] == "Ressources humaines"
    assert [r["at"] for r in shown] == sorted((r["at"] for r in shown), reverse=True)
    with app.test_request_context():
        assert reads.reads_of(other, limit=5) and len(reads.reads_of(other, limit=2)) == 2


@pytest.mark.parametrize("with_entries", [True, False])
def test_the_passport_page_tells_whether_the_passport_is_shared_in_its_entries_query(
        app, client, login, org, with_entries):
    agent = login("agent", organisation=org)
    if with_entries:
        EntryFactory(holder=agent, status="submitted")
    share = PassportShare(holder_id=agent.id, organisation_id=org.id)
    db.session.add(share)
    db.session.commit()
    client.get("/passeport/")
    with count_queries(app) as counter:
        page = text(client.get("/passeport/"))
    assert f"Votre passeport est partagé avec {org.name}." in page
    assert not [s for s in counter.statements if "FROM passport_shares" in s and "passport_entries" not in s]
    share.withdrawn_at = utcnow()
    db.session.commit()
    page = text(client.get("/passeport/"))
    assert "est partagé avec" not in page and f"Les RH de {org.name} voient seulement" in page


def test_the_passport_page_runs_the_same_queries_whatever_the_entries_and_reads(app, client, login, org):
    agent = login("agent", organisation=org)
    hr = UserFactory(role="hr", organisation=org)
    client.get("/passeport/")
    with count_queries(app) as few:
        assert client.get("/passeport/").status_code == 200
    for _ in range(4):
        entry = EntryFactory(holder=agent, status="submitted")
        _file(entry, f"preuve-{entry.id}.pdf")
        _read(hr, "passport.entry_read", "passport_entries", entry.id, 1)
    db.session.commit()
    with count_queries(app) as many:
        page = text(client.get("/passeport/"))
    assert page.count("<td>Une ligne</td>") == 4
    assert many.count == few.count, many.statements


def test_the_passport_page_reads_lines_share_reads_and_contributions_in_one_query(app, client, login, org):
    """The user, then one query for the whole page (its four lists are parts of one UNION ALL)."""
    from app.passports.contributions import record_offer
    from app.passports.models import ContributionKind

    agent = login("agent", organisation=org)
    hr = UserFactory(role="hr", organisation=org)
    other_org = OrganisationFactory()
    late = EntryFactory(holder=agent, status="validated", validated_by_org_id=other_org.id,
                        validated_at=utcnow() - timedelta(days=400), valid_until=utcnow().date() - timedelta(days=1))
    EntryFactory(holder=agent, status="submitted")
    _read(hr, "passport.entry_read", "passport_entries", late.id, 1)
    db.session.add(PassportShare(holder_id=agent.id, organisation_id=org.id))
    CompetencyFactory(code="A7.5", title="Contribuer aux services numériques")
    record_offer(agent, ContributionKind.CONSULTATION, "1", "CONS-1", "Une consultation")
    record_offer(agent, ContributionKind.CONSULTATION, "2", "CONS-2", "Une autre consultation")
    db.session.commit()
    client.get("/passeport/")
    with count_queries(app) as counter:
        page = text(client.get("/passeport/"))
    assert counter.count == 2, counter.statements
    assert f"Votre passeport est partagé avec {org.name}." in page
    assert "1 ligne échue" in page and f"{other_org.name}, le " in page and "Échue le " in page
    assert page.count("<td>Une ligne</td>") == 1
    assert "Vos contributions vérifiées" in page and "CONS-1 — Une consultation" in page
    assert page.index("CONS-1") < page.index("CONS-2")


# --- the HR queue -----------------------------------------------------------------------------------------


def test_the_queue_reads_its_page_and_total_in_one_query_then_writes_its_audit(app, client, login, org, agent):
    hr = login("hr", organisation=org)
    for days in range(3):
        EntryFactory(holder=agent, status="submitted", submitted_at=utcnow() - timedelta(days=days))
    db.session.commit()
    client.get("/rh/passeports/")
    with count_queries(app) as counter:
        page = text(client.get("/rh/passeports/"))
    assert "3 lignes en attente" in page
    entry_reads = [i for i, s in enumerate(counter.statements) if "passport_entries" in s]
    audit_writes = [i for i, s in enumerate(counter.statements) if "INSERT INTO audit_log" in s]
    assert len(entry_reads) == 1 and len(audit_writes) == 1, counter.statements
    assert not [s for s in counter.statements if s.startswith("SET LOCAL")], counter.statements
    if db.engine.dialect.name == "postgresql":
        # the user, the page whose query writes its audit row too (a WITH ... INSERT, committed with it), the
        # référentiel's activities (cached when served)
        assert audit_writes == entry_reads and counter.count == 3, counter.statements
    else:
        # the user, the page, the activities, the audit row: its INSERT after the read, committed alone
        assert audit_writes[0] > entry_reads[0] and counter.count == 4, counter.statements
    [row] = db.session.scalars(db.select(AuditLog).where(AuditLog.action == "passport.queue_read")
                               .order_by(AuditLog.id.desc()).limit(1)).all()
    assert row.actor_id == hr.id and row.target_type is None and row.details == {"filters": {}, "page": "1"}
    assert db.session.scalar(db.select(db.func.count()).where(AuditLog.action == "passport.queue_read")) == 2


def test_a_page_past_the_end_of_the_queue_still_tells_the_total(app, client, login, org, agent, monkeypatch):
    login("hr", organisation=org)
    monkeypatch.setitem(app.config, "PER_PAGE", 2)
    for days in range(3):
        EntryFactory(holder=agent, status="submitted", submitted_at=utcnow() - timedelta(days=days))
    db.session.commit()
    page = text(client.get("/rh/passeports/?page=5"))
    assert "3 lignes en attente" in page and "Aucune ligne en attente." in page
    empty = text(client.get("/rh/passeports/?source=training"))
    assert "0 lignes en attente" in empty and "Aucune ligne en attente." in empty


def test_queue_rows_show_each_entry_once_with_its_files_and_provenance(client, login, org, agent):
    login("hr", organisation=org)
    declared = EntryFactory(holder=agent, status="submitted", submitted_at=utcnow() - timedelta(days=2),
                            description="Accueil " + "long " * 100)
    trained = EntryFactory(holder=agent, status="submitted", source=EntrySource.TRAINING.value,
                           submitted_at=utcnow() - timedelta(days=1))
    first, second = _file(declared, "attestation.pdf"), _file(declared, "capture.png")
    db.session.commit()
    page = text(client.get("/rh/passeports/"))
    rows = page.split("<tbody>")[1].split("</tbody>")[0].split("<tr>")[1:]
    assert len(rows) == 2
    assert f'href="/passeport/preuves/{first.id}" download>attestation.pdf</a><br>' in rows[0]
    assert f'href="/passeport/preuves/{second.id}" download>capture.png</a>' in rows[0]
    assert "Déclarée" in rows[0] and "Garantie" in rows[1] and "Formation" in rows[1]
    assert f'href="/rh/passeports/lignes/{declared.id}"' in rows[0] and agent.full_name in rows[0]
    assert f"la ligne {trained.competency.code} de {agent.full_name}" in rows[1]
    assert "long..." in rows[0] and declared.description not in rows[0]  # truncated to 240 characters


def test_the_queue_names_the_organisation_and_status_in_its_sql(app, client, login, org, agent):
    """Written into the SQL text, they let PostgreSQL plan for this organisation and use the queue's
    partial indexes, even when a prepared statement switches to its generic plan."""
    login("hr", organisation=org)
    EntryFactory(holder=agent, status="submitted")
    db.session.commit()
    with count_queries(app) as counter:
        client.get("/rh/passeports/?page=2")
    [statement, *_] = [s for s in counter.statements if "passport_entries" in s]
    assert f"passport_entries.holder_organisation_id = {org.id}" in statement
    assert "passport_entries.status = 'submitted'" in statement


# --- the verification page --------------------------------------------------------------------------------


def test_the_verification_page_reads_holder_and_entries_in_one_query(app, client, org, cached_reference):
    holder = UserFactory(role="agent", organisation=org)
    entries = [EntryFactory(holder=holder, status="validated") for _ in range(3)]
    db.session.commit()
    with app.test_request_context():
        path = urlsplit(passport_document(holder).verification_url).path
    client.get(path)
    with count_queries(app) as counter:
        page = text(client.get(path))
    assert counter.count == 1, counter.statements
    assert holder.full_name in page and all(e.competency.code in page for e in entries)


def test_a_document_without_entries_is_still_verified(app, client, org):
    holder = UserFactory(role="agent", organisation=org)
    db.session.commit()
    with app.test_request_context():
        document = passport_document(holder)
    assert document.entry_count == 0
    response = client.get(urlsplit(document.verification_url).path)
    assert response.status_code == 200 and "Document authentique" in text(response)
    assert holder.full_name in text(response) and "Document authentique et à jour" in text(response)


# --- reference data ---------------------------------------------------------------------------------------


def test_reference_data_is_read_once_per_period_and_dropped_by_invalidate(app, cached_reference):
    from app.referential.models import Activity, ScaleLevel
    from tests.passports.core_factories import CompetencyFactory

    CompetencyFactory()
    db.session.add(ScaleLevel(level=3, label="Maîtrise", description=""))
    db.session.commit()
    with app.test_request_context():
        with count_queries(app) as first:
            activities, labels = reference.activities(), reference.level_labels()
        with count_queries(app) as second:
            assert reference.activities() == activities and reference.level_labels() == labels
        assert first.count == 2 and second.count == 0
        assert labels[3] == "Maîtrise" and [a.code for a in activities] == [
            a.code for a in db.session.scalars(db.select(Activity).order_by(Activity.position, Activity.code))]
        db.session.get(ScaleLevel, 3).label = "Maîtrise autonome"
        db.session.commit()
        assert reference.level_labels()[3] == "Maîtrise"  # cached
        reference.invalidate()
        assert reference.level_labels()[3] == "Maîtrise autonome"


def test_the_queue_filter_lists_the_referentials_activities(client, login, org, agent):
    login("hr", organisation=org)
    entry = EntryFactory(holder=agent, status="submitted")
    db.session.commit()
    activity = entry.competency.activity
    page = text(client.get("/rh/passeports/", query_string={"activite": activity.code}))
    assert re.search(rf'<option value="{re.escape(activity.code)}" selected>{re.escape(activity.code)} — ', page)
    assert "1 ligne en attente" in page


def test_a_curricula_import_drops_the_passport_reference_cache(app, cached_reference):
    from pathlib import Path

    from app.training.curricula.importer import import_curricula

    fixture = Path(__file__).resolve().parents[1] / "fixtures" / "curricula"
    with app.test_request_context():
        assert reference.activities() == ()  # empty référentiel, now cached
        import_curricula(str(fixture))
        assert len(reference.activities()) > 0  # the import's signal dropped the cache
