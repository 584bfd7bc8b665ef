"""Desk log: the home-page entry, the full form, « saisie rapide », own-row correction, HR import."""
import io
from datetime import timedelta

from app.extensions import db
from app.reception import services, summary
from app.reception.models import QualityMonth, Visit
from app.reception.summary import month_of
from tests.factories import UserFactory
from tests.reports.factories import ProcedureFactory


def visits():
    return db.session.scalars(db.select(Visit).order_by(Visit.id)).all()


def org_counts(organisation):
    rows = db.session.scalars(db.select(QualityMonth).where(QualityMonth.scope == summary.org_scope(organisation.id)))
    total = {}
    for row in rows:
        for k, v in row.counts.items():
            total[k] = total.get(k, 0) + v
    return total


def test_home_page_records_in_three_clicks(client, login):
    agent = login("agent")
    home = client.get("/agent").get_data(as_text=True)
    assert "Registre d'accueil" in home and 'action="/accueil/registre/rapide"' in home
    # Click 1: the operator; click 2: « Enregistrer » (channel, outcome, duration keep their defaults).
    response = client.post("/accueil/registre/rapide", data={"operators": "caf", "channel": "in_person",
                                                             "outcome": "resolved", "duration": "5_15"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/agent")
    [visit] = visits()
    assert (visit.agent_id, visit.organisation_id, visit.operators, visit.outcome) == (
        agent.id, agent.organisation_id, "caf", "resolved")
    counts = org_counts(agent.organisation)
    assert counts["visits"] == 1 and counts["operator:caf"] == 1 and counts["channel:in_person"] == 1


def test_home_entry_without_operator_shows_french_error(client, login):
    login("agent")
    response = client.post("/accueil/registre/rapide", data={"operators": "", "channel": "in_person",
                                                             "outcome": "resolved", "duration": "5_15"})
    assert response.status_code == 400
    assert "Choisissez l&#39;opérateur concerné." in response.get_data(as_text=True)
    assert visits() == []


def test_full_form_with_procedure_needs_and_escalation(client, login):
    agent = login("agent")
    procedure = ProcedureFactory()
    response = client.post("/accueil/registre/nouveau", data={
        "channel": "phone", "operators": ["cpam", "caf"], "procedure_id": str(procedure.id), "outcome": "escalated",
        "support_request": "AE-2026-12", "duration": "15_30", "waiting": "gt30", "needs": ["language", "disability"]})
    assert response.status_code == 302
    [visit] = visits()
    assert visit.operators == "caf,cpam" and visit.needs == "disability,language"
    assert visit.procedure_id == procedure.id and visit.support_request == "AE-2026-12"
    counts = org_counts(agent.organisation)
    assert counts["waiting_over_15"] == 1 and counts["operator:cpam"] == 1 and counts["need:language"] == 1
    from app.reception.enums import operator_label

    page = client.get("/accueil/registre").get_data(as_text=True)
    assert f"<td>{operator_label('caf')}, {operator_label('cpam')}</td>" in page  # the operators' labels, joined


def test_support_request_only_with_escalation(client, login):
    login("agent")
    response = client.post("/accueil/registre/nouveau", data={
        "channel": "phone", "operators": ["caf"], "outcome": "resolved", "support_request": "AE-1",
        "duration": "lt5"})
    assert response.status_code == 200
    assert "Appui expert demandé" in response.get_data(as_text=True)
    assert visits() == []


def test_quick_mode_records_filled_rows_only(client, login):
    login("agent")
    data = {"rows-0-operators": "caf", "rows-0-channel": "in_person", "rows-0-outcome": "resolved",
            "rows-0-duration": "lt5", "rows-1-operators": "", "rows-1-channel": "phone",
            "rows-1-outcome": "resolved", "rows-1-duration": "lt5", "rows-2-operators": "dgfip",
            "rows-2-channel": "phone", "rows-2-outcome": "referred", "rows-2-duration": "5_15",
            "rows-2-waiting": "15_30"}
    response = client.post("/accueil/registre/saisie-rapide", data=data)
    assert response.status_code == 302
    assert [(v.operators, v.channel, v.waiting) for v in visits()] == [("caf", "in_person", None),
                                                                        ("dgfip", "phone", "15_30")]


def test_quick_mode_is_all_or_nothing(client, login):
    login("agent")
    data = {"rows-0-operators": "caf", "rows-0-channel": "in_person", "rows-0-outcome": "resolved",
            "rows-0-duration": "lt5", "rows-1-operators": "msa", "rows-1-channel": "pigeon",
            "rows-1-outcome": "resolved", "rows-1-duration": "lt5"}
    response = client.post("/accueil/registre/saisie-rapide", data=data)
    assert response.status_code == 400
    assert visits() == []


def _record(agent, **changes):
    data = {"channel": "in_person", "operators": ["caf"], "outcome": "resolved", "duration": "lt5", **changes}
    return services.record_visit(agent, services.clean_visit(data))


def test_own_row_correction_moves_the_summaries(client, login):
    agent = login("agent")
    visit = _record(agent)
    form = client.get(f"/accueil/registre/{visit.id}/modifier").get_data(as_text=True)
    assert 'id="operators-caf" name="operators" value="caf" checked' in form
    assert 'id="operators-msa" name="operators" value="msa">' in form
    response = client.post(f"/accueil/registre/{visit.id}/modifier", data={
        "channel": "phone", "operators": ["msa"], "outcome": "unresolved", "duration": "lt5"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Visit, visit.id).operators == "msa"
    counts = org_counts(agent.organisation)
    assert counts.get("operator:caf") is None and counts["operator:msa"] == 1 and counts["visits"] == 1
    assert counts["outcome:unresolved"] == 1 and "outcome:resolved" not in counts


def test_correction_moving_to_another_month(client, login):
    agent = login("agent")
    visit = _record(agent)
    original_month = month_of(visit.visited_on)
    earlier = visit.visited_on.replace(day=1) - timedelta(days=1)
    client.post(f"/accueil/registre/{visit.id}/modifier", data={
        "channel": "in_person", "operators": ["caf"], "outcome": "resolved", "duration": "lt5",
        "visited_on": earlier.isoformat()})
    rows = {r.month: r.counts for r in db.session.scalars(db.select(QualityMonth).where(
        QualityMonth.scope == summary.org_scope(agent.organisation_id)))}
    assert rows[month_of(earlier)]["visits"] == 1
    assert rows.get(original_month, {}).get("visits") is None


def test_others_rows_and_old_rows_cannot_be_corrected(client, login):
    owner = UserFactory(role="agent")
    visit = _record(owner)
    colleague = login("agent", organisation=owner.organisation)
    assert client.get(f"/accueil/registre/{visit.id}/modifier").status_code == 404
    mine = _record(colleague)
    mine.created_at = mine.created_at - timedelta(days=8)
    db.session.commit()
    response = client.post(f"/accueil/registre/{mine.id}/modifier", data={
        "channel": "phone", "operators": ["msa"], "outcome": "resolved", "duration": "lt5"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Visit, mine.id).operators == "caf"


def test_the_list_offers_a_correction_only_within_the_edit_window(client, login):
    agent = login("agent")
    fresh, old = _record(agent), _record(agent)
    old.created_at = old.created_at - timedelta(days=8)
    db.session.commit()
    page = client.get("/accueil/registre").get_data(as_text=True)
    assert f"/accueil/registre/{fresh.id}/modifier" in page
    assert f"/accueil/registre/{old.id}/modifier" not in page
    assert page.count("Corriger") == 1


def test_no_desk_log_column_is_named_after_personal_data():
    forbidden = ("name", "nom", "email", "mail", "phone", "telephone", "nir", "birth", "naissance", "address",
                 "adresse", "first", "last")
    for column in Visit.__table__.columns:
        assert not any(word in column.key for word in forbidden), column.key


CSV_OK = "date;canal;operateurs;issue;duree;attente;besoins\n" \
         "2026-10-02;Téléphone;CAF|cpam;resolved;lt5;;langue\n" \
         "2026-10-03;in_person;msa;Orienté vers un partenaire;5_15;gt30;\n"


def _upload(client, text):
    return client.post("/rh/accueil/import", data={"file": (io.BytesIO(text.encode()), "registre.csv")},
                       content_type="multipart/form-data")


def test_hr_import_preview_then_apply(client, login):
    hr = login("hr")
    preview = _upload(client, CSV_OK)
    assert preview.status_code == 200 and "Importer les 2 lignes" in preview.get_data(as_text=True)
    assert visits() == []
    response = client.post("/rh/accueil/import/appliquer", data={"content": CSV_OK})
    assert response.status_code == 302
    rows = visits()
    assert [(v.channel, v.operators, v.outcome, v.organisation_id, v.agent_id) for v in rows] == [
        ("phone", "caf,cpam", "resolved", hr.organisation_id, hr.id),
        ("in_person", "msa", "referred", hr.organisation_id, hr.id)]
    assert rows[0].needs == "language" or rows[0].needs == ""


def test_hr_import_errors_in_french_and_nothing_written(client, login):
    login("hr")
    bad = CSV_OK + "2026-10-04;fax;caf;resolved;lt5;;\n2099-01-01;phone;caf;resolved;lt5;;\n"
    preview = _upload(client, bad).get_data(as_text=True)
    assert "Ligne 4 : Valeur inconnue pour le canal : fax." in preview
    assert "Ligne 5 : La date ne peut pas être dans le futur." in preview
    response = client.post("/rh/accueil/import/appliquer", data={"content": bad})
    assert response.status_code == 400
    assert visits() == []
    missing = _upload(client, "date;canal\n2026-10-02;phone\n").get_data(as_text=True)
    assert "Colonnes manquantes : operateurs, issue, duree." in missing
