"""Filing a report: preview of the masked text, confirmation, what is stored (acceptance 1, unit level)."""
import html
import re

from app.reports.models import Report, ReportFollower
from tests.factories import PASSWORD

NIR = "2 84 05 75 123 456 72"
PHONE = "06 12 34 56 78"


def _form(world, **overrides):
    data = {
        "application": str(world.caf_app.id),
        "procedure": str(world.caf_procedure.id),
        "step": str(world.caf_step.id),
        "problem_type": "dead_end",
        "title": "Bouton Valider grisé à la déclaration trimestrielle",
        "what_happened": f"Mme X (NIR {NIR}, tél. {PHONE}) saisit ses ressources ; le bouton Valider reste grisé.",
        "expected": "Pouvoir envoyer la déclaration.",
        "error_message": "",
        "citizen_device": "smartphone",
        "citizen_browser": "chrome",
        "reproducible": "yes",
        "people_affected": "2",
        "citizen_blocked": "y",
    }
    data.update(overrides)
    return data


def _login(client, user):
    assert client.post("/connexion", data={"email": user.email, "password": PASSWORD}).status_code == 302


def test_form_lists_the_catalogue(client, world):
    _login(client, world.agent)
    page = client.get("/remontees/nouvelle").get_data(as_text=True)
    assert 'optgroup label="Caf"' in page and "caf.fr" in page
    assert "Déclarer ses ressources trimestrielles" in page
    assert "Prévisualiser avant l'envoi" in page


def test_preview_shows_masked_text_and_stores_nothing(client, world, db):
    _login(client, world.agent)
    response = client.post("/remontees/nouvelle", data=_form(world))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "[NIR masqué]" in page and "[téléphone masqué]" in page
    # The masked block shows no value; the original is only in the hidden copy sent back on confirm.
    shown = page.split("Ce qui sera enregistré")[1].split("<form")[0]
    assert NIR not in shown and PHONE not in shown
    assert "2 éléments personnels masqués" in page
    assert db.session.scalar(db.select(db.func.count(Report.id))) == 0


def test_confirm_stores_only_the_masked_text(client, world, db):
    _login(client, world.agent)
    response = client.post("/remontees/nouvelle/confirmer", data=_form(world))
    assert response.status_code == 302
    report = db.session.scalar(db.select(Report))
    assert re.fullmatch(r"R-\d{4}-\d{6}", report.reference)
    assert response.headers["Location"].endswith(f"/remontees/{report.reference}")
    assert NIR not in report.what_happened and PHONE not in report.what_happened
    assert "[NIR masqué]" in report.what_happened
    assert report.redaction_counts["nir"] == 1 and report.redaction_counts["phone"] == 1
    assert report.redaction_counts["email"] == 0
    assert report.status == "new" and report.people_total == 2 and report.blocked_total == 2
    assert report.organisation_id == world.agent.organisation_id
    assert report.procedure_id == world.caf_procedure.id and report.step_id == world.caf_step.id
    assert report.acknowledge_due_at > report.created_at
    assert db.session.scalar(db.select(ReportFollower.reason).where(ReportFollower.report_id == report.id)) == "author"
    # Nothing of the identifiers anywhere in the row.
    row = " ".join(str(v) for v in db.session.execute(db.select(Report.__table__)).one())
    assert "123 456" not in row and "56 78" not in row
    page = client.get(f"/remontees/{report.reference}").get_data(as_text=True)
    assert report.reference in page and "[NIR masqué]" in page


def test_agent_browser_is_recorded_from_the_request(client, world, db):
    _login(client, world.agent)
    ua = "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0"
    client.post("/remontees/nouvelle/confirmer", data=_form(world), headers={"User-Agent": ua})
    assert db.session.scalar(db.select(Report.agent_browser)) == "Firefox 140 sous Linux"


def test_edit_from_the_preview_keeps_everything_typed(client, world):
    _login(client, world.agent)
    page = client.post("/remontees/nouvelle", data={**_form(world), "edit": "1"}).get_data(as_text=True)
    assert "Bouton Valider grisé à la déclaration trimestrielle" in page
    assert "Prévisualiser avant l'envoi" in page


def test_on_behalf_needs_consent_and_errors_are_french(client, world, db):
    _login(client, world.agent)
    response = client.post("/remontees/nouvelle", data=_form(world, on_behalf="y", title=""))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "a donné son accord" in page and "Ce champ est obligatoire." in page
    assert "Mme X" in page  # what was typed is kept
    assert db.session.scalar(db.select(db.func.count(Report.id))) == 0


def test_step_must_belong_to_the_procedure(client, world, db):
    from tests.reports.factories import StepFactory

    other_step = StepFactory()
    _login(client, world.agent)
    response = client.post("/remontees/nouvelle/confirmer", data=_form(world, step=str(other_step.id)))
    assert response.status_code == 400
    assert "Cette étape n'appartient pas à la démarche choisie." in html.unescape(response.get_data(as_text=True))
    assert db.session.scalar(db.select(db.func.count(Report.id))) == 0


def test_future_date_is_refused(client, world):
    _login(client, world.agent)
    response = client.post("/remontees/nouvelle", data=_form(world, occurred_at="2999-01-01T10:00"))
    assert response.status_code == 400
    assert "La date ne peut pas être dans le futur." in response.get_data(as_text=True)


def test_citizen_words_are_kept_only_with_on_behalf_and_masked(client, world, db):
    _login(client, world.agent)
    client.post("/remontees/nouvelle/confirmer", data=_form(
        world, on_behalf="y", consent="y", citizen_words="Écrivez-moi à jean.dupont@example.org"))
    report = db.session.scalar(db.select(Report))
    assert report.on_behalf and report.consent
    assert report.citizen_words == "Écrivez-moi à [e-mail masqué]"
    assert report.redaction_counts["email"] == 1


def test_only_agents_file_reports(client, world, login):
    login("hr")
    assert client.get("/remontees/nouvelle").status_code == 403


def test_preview_suggests_similar_open_reports(client, world):
    from tests.reports.factories import file_report

    existing = file_report(world.other_agent, world.caf_app, title="Le bouton Valider reste grisé",
                           what_happened="Déclaration trimestrielle : le bouton Valider reste grisé.")
    _login(client, world.agent)
    page = client.post("/remontees/nouvelle", data=_form(world)).get_data(as_text=True)
    assert f"{existing.reference} — Le bouton Valider reste grisé" in page and "caf.fr · 0 « moi aussi »" in page
    assert f'action="/remontees/{existing.reference}/moi-aussi"' in page


def test_a_report_posted_after_session_expiry_is_kept_masked(client, world, db):
    """Issue 21 item 3: the form kept for after the new login holds no identifier of the citizen."""
    import json
    import time

    from app.accounts.models import PendingForm

    _login(client, world.agent)
    with client.session_transaction() as session:
        session["auth_seen"] = int(time.time()) - 45 * 60
    citizen = f"Mme Dupont, NIR {NIR}, écrire à jean.dupont@gmail.com, IBAN FR76 3000 6000 0112 3456 7890 189"
    response = client.post("/remontees/nouvelle/confirmer", data=_form(
        world, on_behalf="y", consent="y", citizen_words=citizen))
    assert response.status_code == 302 and "/connexion" in response.location
    stored = json.dumps(db.session.scalar(db.select(PendingForm)).data, ensure_ascii=False)
    for value in (NIR, PHONE, "jean.dupont@gmail.com", "FR76 3000", "Dupont"):
        assert value not in stored, value
    assert "[NIR masqué]" in stored and "[e-mail masqué]" in stored and "[IBAN masqué]" in stored
    assert "Bouton Valider grisé" in stored  # the rest is kept
    assert db.session.scalar(db.select(db.func.count(Report.id))) == 0


def test_a_double_submission_of_the_same_form_files_one_report(client, world, db):
    """Issue 21: the confirmation posted twice (double click, Back then resend) files one report."""
    _login(client, world.agent)
    preview = client.post("/remontees/nouvelle", data=_form(world)).get_data(as_text=True)
    key = preview.split('name="submission_key" value="')[1].split('"')[0]
    assert len(key) >= 20
    first = client.post("/remontees/nouvelle/confirmer", data=_form(world, submission_key=key))
    second = client.post("/remontees/nouvelle/confirmer", data=_form(world, submission_key=key))
    assert first.status_code == second.status_code == 302
    assert first.location == second.location  # both land on the one report
    assert db.session.scalar(db.select(db.func.count(Report.id))) == 1
    # Another preview of the same text gets another key: a second, deliberate report is filed.
    again = client.post("/remontees/nouvelle", data=_form(world)).get_data(as_text=True)
    other_key = again.split('name="submission_key" value="')[1].split('"')[0]
    assert other_key != key
    client.post("/remontees/nouvelle/confirmer", data=_form(world, submission_key=other_key))
    assert db.session.scalar(db.select(db.func.count(Report.id))) == 2
