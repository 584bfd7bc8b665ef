"""Debriefs (observation to the passport, module on the dashboard), fiches réflexes (search before
asking, « cette fiche m'a permis de répondre », PDF), « problème récurrent », notifications."""
import io

from pypdf import PdfReader

from app.backoffice import conversation, debriefs, fiches, queries
from app.backoffice.knowledge_models import FicheUse
from app.notifications.models import Notification, OutboxEmail
from app.passports.models import PassportEntry
from tests.backoffice.factories import agent, ask, expert, group, rsa_procedure
from tests.factories import PASSWORD, UserFactory
from tests.passports.core_factories import CompetencyFactory


def _client(app, user):
    client = app.test_client()
    client.post("/connexion", data={"email": user.email, "password": PASSWORD})
    return client


def test_debrief_slot_note_observation_lands_in_the_passport_for_hr_and_module_on_the_dashboard(app, db):
    caf = expert()
    group(experts=[caf])
    desk = agent()
    UserFactory(role="hr", organisation=desk.organisation)
    competency = CompetencyFactory(code="A3.2")
    row = ask(desk)
    conversation.answer(caf, row, "Réponse")
    debrief = debriefs.ask(desk, row)
    from datetime import datetime

    debriefs.propose(caf, row, debrief, datetime(2026, 12, 10, 14, 0), "https://visio.example/abc")
    debriefs.accept(desk, row, debrief)
    debriefs.complete(caf, row, debrief, "Bon réflexe, à consolider.", "a3.2", 3, "droits-caf")
    entry = db.session.scalar(db.select(PassportEntry).where(PassportEntry.holder_id == desk.id))
    assert entry.competency_id == competency.id and entry.level == 3 and entry.status == "submitted"
    assert row.reference in entry.description
    home = _client(app, desk).get("/agent").get_data(as_text=True)
    assert "Recommandé par un expert" in home and "droits-caf" in home


def test_fiche_from_an_answered_request_found_before_asking_and_counted(app, db):
    caf = expert()
    group(experts=[caf])
    desk = agent()
    row = ask(desk, subject="Prime d'activité non versée", situation="La prime d'activité n'est pas versée.")
    conversation.answer(caf, row, "Vérifier la déclaration trimestrielle.")
    fiche = fiches.create_from_request(caf, row, {
        "title": "Prime d'activité non versée", "competencies": "A3.2",
        "body": "Vérifier la **déclaration trimestrielle** avant de solliciter la CAF. Tél 06 12 34 56 78."})
    assert "06 12 34 56 78" not in fiche.body
    assert [f.id for f in fiches.search("prime activité versée", "caf")] == [fiche.id]
    assert fiches.search("carte grise perdue", "caf") == []
    client = _client(app, desk)
    preview = client.post("/appui/demandes/nouvelle", data={
        "action": "preview", "operator": "caf", "subject": "Prime d'activité pas versée",
        "situation": "Madame n'a pas reçu sa prime d'activité.", "urgency": "none"}).get_data(as_text=True)
    assert "Prime d&#39;activité non versée" in preview
    page = client.get(f"/appui/fiches/{fiche.id}").get_data(as_text=True)
    assert "<strong>déclaration trimestrielle</strong>" in page
    assert client.post(f"/appui/fiches/{fiche.id}/utile").status_code == 302
    kinds = sorted(u.kind for u in db.session.scalars(db.select(FicheUse)))
    assert kinds == ["avoided", "viewed"]
    pdf = client.get(f"/appui/fiches/{fiche.id}.pdf")
    reader = PdfReader(io.BytesIO(pdf.data))
    assert len(reader.pages) == 1 and "déclaration trimestrielle" in reader.pages[0].extract_text()


def test_a_fiche_needs_an_answered_request(db):
    caf = expert()
    group(experts=[caf])
    row = ask(agent())
    import pytest

    from app.backoffice.requests import RequestError

    with pytest.raises(RequestError):
        fiches.create_from_request(caf, row, {"title": "x", "body": "y"})


def test_recurrent_problem_at_the_threshold(app, db):
    procedure = rsa_procedure()
    caf = expert()
    group(experts=[caf])
    desk = agent()
    rows = [ask(desk, procedure_id=procedure.id) for _ in range(app.config["SUPPORT_PATTERN_THRESHOLD"] - 1)]
    assert queries.recurrent_problem(rows[-1]) is None
    rows.append(ask(desk, procedure_id=procedure.id))
    count, found = queries.recurrent_problem(rows[-1])
    assert count == 5 and found.id == procedure.id
    page = _client(app, caf).get(f"/appui/demandes/{rows[-1].reference}").get_data(as_text=True)
    assert "Problème récurrent" in page and f"/appui/demandes/{rows[-1].reference}/remontee" in page
    client = _client(app, caf)
    form = client.get(f"/appui/demandes/{rows[-1].reference}/remontee").get_data(as_text=True)
    assert rows[0].reference in form
    done = client.post(f"/appui/demandes/{rows[-1].reference}/remontee", data={
        "title": "Problème récurrent : Demande de RSA", "what_happened": f"Cinq demandes dont {rows[0].reference}."})
    assert done.status_code == 302
    from app.reports.models import Report

    report = db.session.scalar(db.select(Report))
    assert report.application_id == procedure.application_id and rows[0].reference in report.what_happened
    db.session.expire_all()
    assert {r.report_reference for r in db.session.scalars(db.select(type(rows[0])))} == {report.reference}


def test_notifications_internal_notes_never_reach_the_agent_and_opt_out(app, db):
    caf = expert()
    group(experts=[caf])
    desk = agent()
    row = ask(desk)
    assert db.session.scalar(db.select(Notification).where(Notification.user_id == caf.id)) is not None
    before = db.session.scalar(db.select(db.func.count()).select_from(Notification).where(Notification.user_id == desk.id))
    conversation.note(caf, row, "Entre nous")
    after = db.session.scalar(db.select(db.func.count()).select_from(Notification).where(Notification.user_id == desk.id))
    assert after == before
    client = _client(app, desk)
    client.post("/appui/preferences", data={"email_opt_out": "y"})
    db.session.query(OutboxEmail).delete()
    db.session.commit()
    conversation.answer(caf, row, "Réponse")
    assert db.session.scalar(db.select(Notification).where(Notification.user_id == desk.id,
                                                           Notification.message.contains("a répondu")))
    assert [m.recipient for m in db.session.scalars(db.select(OutboxEmail))] == []
