"""VAE (acceptance 6): block coverage, statements pre-filled from experience entries, France VAE
stages, the jury result turning validated blocks into certification entries, the dossier as PDF."""
import html
import io

import pytest
from pypdf import PdfReader

from app.audit.models import AuditLog
from app.notifications.models import Notification
from app.passports import vae
from app.passports.models import EvidenceLog, PassportEntry, VaeCandidacy, VaeStatement
from tests.factories import OrganisationFactory, UserFactory
from tests.passports.factories import competency_by_code, entry, fixture_referential

EXPERIENCE = "Chaque matin j'accueille seule une vingtaine de personnes au guichet, sans rendez-vous."


def text(response):
    return html.unescape(response.get_data(as_text=True))


def pdf_text(data):
    return " ".join("\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())


@pytest.fixture
def setting(db):
    fixture_referential()
    org = OrganisationFactory()
    hr = UserFactory(role="hr", organisation=org)
    return org, hr


def _start(client, login, org):
    agent = login("agent", organisation=org)
    entry(agent, "A1.1", 2, status="draft", description=EXPERIENCE)  # experience: pre-fills A1.1
    entry(agent, "A2.1", 3, source="observation", description="Observée par la RH.")  # validated, level 3
    response = client.post("/passeport/vae", data={"certification": "TP-TEST"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/passeport/vae/TP-TEST")
    return agent, db_candidacy(agent)


def db_candidacy(agent):
    from app.extensions import db

    return db.session.scalar(db.select(VaeCandidacy).where(VaeCandidacy.holder_id == agent.id))


def test_candidacy_shows_block_coverage_and_prefilled_statements(client, login, setting, db):
    org, _hr = setting
    agent, candidacy = _start(client, login, org)
    assert candidacy.status == "project"
    statements = {s.competency.code: s.text for s in candidacy.statements}
    assert statements == {"A1.1": EXPERIENCE, "A1.2": "", "A2.1": ""}  # only experience entries pre-fill

    page = text(client.get("/passeport/vae/TP-TEST"))
    assert "Titre professionnel de test" in page and "Projet" in page
    assert "Bloc CCP1 — Accueillir les personnes" in page and "Bloc CCP2 — Orienter vers les partenaires" in page
    assert "0 compétence couverte sur 2" in page  # A1.1 validated only at level... not at all (draft)
    assert "1 compétence couverte sur 1" in page  # A2.1 validated at level 3
    assert EXPERIENCE in page
    blocks = {b.code: b.percent for b in vae.coverage(agent, candidacy.certification, candidacy)}
    assert blocks == {"CCP1": 0, "CCP2": 100}

    # Opening it again changes nothing.
    client.post("/passeport/vae", data={"certification": "TP-TEST"})
    assert db.session.scalar(db.select(db.func.count(VaeCandidacy.id))) == 1
    assert db.session.scalar(db.select(db.func.count(VaeStatement.id))) == 3


def test_the_agent_writes_statements_and_the_dossier_pdf_holds_them(client, login, setting, db):
    org, _hr = setting
    _agent, candidacy = _start(client, login, org)
    a12 = competency_by_code("A1.2")
    a11 = competency_by_code("A1.1")
    response = client.post("/passeport/vae/TP-TEST", data={
        f"c{a11.id}": EXPERIENCE + " Je forme aussi les nouveaux collègues.",
        f"c{a12.id}": "Je reformule la demande & je vérifie qu'elle est bien comprise.",
        f"c{competency_by_code('A2.1').id}": "",
    })
    assert response.status_code == 302
    db.session.expire_all()
    texts = {s.competency.code: s.text for s in candidacy.statements}
    assert texts["A1.2"] == "Je reformule la demande & je vérifie qu'elle est bien comprise."

    html_dossier = text(client.get("/passeport/vae/TP-TEST/dossier"))
    assert "Je forme aussi les nouveaux collègues." in html_dossier

    response = client.get("/passeport/vae/TP-TEST/dossier.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    content = pdf_text(response.data)
    for expected in ("Titre professionnel de test", "TP-TEST", "RNCP12345",
                     "Bloc CCP1 — Accueillir les personnes", "Bloc CCP2 — Orienter vers les partenaires",
                     "Je forme aussi les nouveaux collègues.",
                     "Je reformule la demande & je vérifie qu'elle est bien comprise.",
                     "A1.2 — Écouter avec empathie"):
        assert expected in content, expected


def test_statements_are_limited_in_length(client, login, setting, db):
    org, _hr = setting
    _start(client, login, org)
    a11 = competency_by_code("A1.1")
    response = client.post("/passeport/vae/TP-TEST", data={f"c{a11.id}": "x" * 10001})
    assert response.status_code == 200 and "10000 caractères au plus." in text(response)


def test_stages_follow_the_france_vae_table(client, login, setting, db):
    org, _hr = setting
    _agent, candidacy = _start(client, login, org)

    def stage(target):
        client.post("/passeport/vae/TP-TEST/etape", data={"status": target})
        db.session.expire_all()
        return candidacy.status

    assert stage("admissible") == "project"  # not offered from « projet »
    assert stage("jury_full") == "project"  # jury results are HR's
    assert stage("feasibility_sent") == "feasibility_sent"
    assert stage("not_admissible") == "not_admissible"
    assert stage("feasibility_sent") == "feasibility_sent"
    assert stage("admissible") == "admissible"
    with pytest.raises(vae.VaeError):
        vae.change_stage(candidacy_holder(candidacy), candidacy, "jury_full")
    assert stage("validation_sent") == "validation_sent"
    # HR of the agent's organisation are told a jury result is to record.
    assert db.session.scalar(db.select(Notification.kind).where(Notification.user_id == _hr.id)) == \
        "vae.validation_sent"
    assert "le service RH de votre structure enregistrera le résultat du jury" in text(client.get("/passeport/vae/TP-TEST"))


def candidacy_holder(candidacy):
    from app.accounts.models import User
    from app.extensions import db

    return db.session.get(User, candidacy.holder_id)


def _to_validation_sent(client):
    for target in ("feasibility_sent", "admissible", "validation_sent"):
        client.post("/passeport/vae/TP-TEST/etape", data={"status": target})


def test_a_partial_jury_result_turns_the_chosen_blocks_into_certification_entries(app, client, login, setting, db):
    org, hr = setting
    agent, candidacy = _start(client, login, org)
    _to_validation_sent(client)
    client.post("/deconnexion")

    # HR of another organisation: not found; an agent: forbidden.
    login("hr")
    assert client.post(f"/rh/vae/{candidacy.id}/jury", data={f"c{candidacy.id}-result": "jury_full"}).status_code == 404
    client.post("/deconnexion")
    login(user=hr)
    page = text(client.get("/rh/vae/"))
    assert agent.full_name in page and "Titre professionnel de test" in page
    refused = client.post(f"/rh/vae/{candidacy.id}/jury", data={f"c{candidacy.id}-result": "jury_partial"},
                          follow_redirects=True)
    assert "cochez les blocs validés" in text(refused)
    response = client.post(f"/rh/vae/{candidacy.id}/jury", data={
        f"c{candidacy.id}-result": "jury_partial", f"c{candidacy.id}-blocks": ["CCP1"]})
    assert response.status_code == 302
    db.session.expire_all()
    assert candidacy.status == "jury_partial" and candidacy.validated_block_codes == ["CCP1"]
    created = db.session.scalars(
        db.select(PassportEntry).where(PassportEntry.source == "certification").order_by(PassportEntry.id)).all()
    assert [(e.competency.code, e.level, e.status, e.provenance) for e in created] == [
        ("A1.1", 3, "validated", "guaranteed"), ("A1.2", 3, "validated", "guaranteed")]
    assert all(e.validated_by_org_id == org.id and e.certification_id == candidacy.certification_id
               and e.holder_id == agent.id for e in created)
    assert db.session.scalar(db.select(db.func.count(EvidenceLog.id))) == 2
    assert db.session.scalar(db.select(AuditLog.action).where(AuditLog.action == "vae.jury")) == "vae.jury"
    assert db.session.scalar(db.select(Notification.kind).where(Notification.user_id == agent.id)) == "vae.jury"
    assert "Aucune candidature n'attend" in text(client.get("/rh/vae/"))

    # The agent sends the validation dossier again; a full validation adds only what is missing.
    client.post("/deconnexion")
    login(user=agent)
    client.post("/passeport/vae/TP-TEST/etape", data={"status": "validation_sent"})
    db.session.expire_all()
    vae.record_jury_result(hr, candidacy, "jury_full")
    codes = db.session.scalars(db.select(PassportEntry.competency_id).where(PassportEntry.source == "certification"))
    assert sorted(codes) == sorted(competency_by_code(c).id for c in ("A1.1", "A1.2", "A2.1"))
    assert candidacy.validated_block_codes == ["CCP1", "CCP2"]
    page = text(client.get("/passeport/vae/TP-TEST"))
    assert "Validé par le jury" in page and "La candidature est terminée." in page


def test_nobody_records_a_jury_result_for_themselves_or_outside_their_organisation(setting, db):
    org, hr = setting
    agent = UserFactory(role="agent", organisation=org)
    certification = vae.certification_by_code("TP-TEST")
    candidacy = vae.start_candidacy(agent, certification)
    candidacy.status = "validation_sent"
    db.session.commit()
    for actor in (agent, UserFactory(role="hr")):
        with pytest.raises(vae.VaeError):
            vae.record_jury_result(actor, candidacy, "jury_full")
    assert vae.candidacy_in_scope(UserFactory(role="hr"), candidacy.id) is None
    assert vae.candidacy_in_scope(hr, candidacy.id) is not None


def test_an_empty_statement_offers_experience_declared_later(client, login, setting, db):
    org, _hr = setting
    agent, _candidacy = _start(client, login, org)
    entry(agent, "A1.2", 2, status="submitted", description="Je reformule chaque demande avant d'orienter.")
    assert "Je reformule chaque demande avant d&#39;orienter." in client.get("/passeport/vae/TP-TEST").get_data(
        as_text=True)
