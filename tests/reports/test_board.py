"""The triage board: filters, sorting, CSV export, statistics, and a fixed number of queries."""
import csv
import io

from app.reports import services, triage
from tests.factories import PASSWORD, UserFactory
from tests.query_counter import count_queries
from tests.reports.factories import ProcedureFactory, file_report


def _client(app, user):
    client = app.test_client()
    client.post("/connexion", data={"email": user.email, "password": PASSWORD})
    return client


def _references(page):
    return [line.split('">')[0] for line in page.split('href="/remontees/')[1:]]


def test_filters_and_sorting(app, world, db):
    small = file_report(world.agent, world.caf_app, title="Petit", people_affected=1)
    big = file_report(world.agent, world.caf_app, title="Grand", people_affected=9, problem_type="accessibility")
    blocked = file_report(world.agent, world.caf_app, title="Bloquant", people_affected=2, citizen_blocked=True)
    popular = file_report(world.agent, world.caf_app, title="Populaire", people_affected=1)
    for _ in range(2):
        services.add_me_too(UserFactory(role="agent"), popular, 1)
    triage.change_status(world.dev_caf, small, "wont_fix", reason="Non")
    client = _client(app, world.dev_caf)
    # Default: open reports, newest first.
    assert _references(client.get("/equipe/remontees").get_data(as_text=True)) == [
        popular.reference, blocked.reference, big.reference]
    by_people = client.get("/equipe/remontees?sort=people").get_data(as_text=True)
    assert _references(by_people)[0] == big.reference
    by_blocked = client.get("/equipe/remontees?sort=blocked").get_data(as_text=True)
    assert _references(by_blocked)[0] == blocked.reference
    by_me_too = client.get("/equipe/remontees?sort=me_too").get_data(as_text=True)
    assert _references(by_me_too)[0] == popular.reference
    by_deadline = client.get("/equipe/remontees?sort=deadline").get_data(as_text=True)
    assert _references(by_deadline)[0] == big.reference  # filed first, due first
    assert _references(client.get("/equipe/remontees?type=accessibility").get_data(as_text=True)) == [big.reference]
    assert _references(client.get("/equipe/remontees?impact=blocked").get_data(as_text=True)) == [blocked.reference]
    assert _references(client.get("/equipe/remontees?impact=many").get_data(as_text=True)) == [big.reference]
    assert _references(client.get("/equipe/remontees?status=wont_fix").get_data(as_text=True)) == [small.reference]
    assert len(_references(client.get("/equipe/remontees?status=all&age=7").get_data(as_text=True))) == 4
    assert _references(client.get("/equipe/remontees?status=all&age=older").get_data(as_text=True)) == []
    # Unknown filter values fall back to the defaults instead of failing.
    assert client.get("/equipe/remontees?status=nope&sort=nope&impact=x").status_code == 200


def test_csv_export_with_bom_and_no_formula(app, world):
    file_report(world.agent, world.caf_app, title="=HYPERLINK(\"http://evil\",\"clic\")")
    file_report(world.agent, world.caf_app, title="Normal", problem_type="accessibility")
    client = _client(app, world.dev_caf)
    response = client.get("/equipe/remontees/export.csv?type=technical_error")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "Référence" and len(rows) == 2  # the export applies the board's filters
    title = rows[1][rows[0].index("Titre")]
    assert title.startswith("'=")
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_board_runs_a_fixed_number_of_queries(app, world):
    client = _client(app, world.dev_caf)
    procedure = ProcedureFactory(application=world.caf_app)

    def measure():
        client.get("/equipe/remontees")  # warm-up (session, caches)
        with count_queries(app) as counter:
            response = client.get("/equipe/remontees?sort=people")
        assert response.status_code == 200
        return counter.count

    for i in range(2):
        file_report(world.agent, world.caf_app, procedure_id=procedure.id, title=f"R{i}")
    few = measure()
    for i in range(15):
        other = UserFactory(role="agent")
        file_report(other, world.caf_app, procedure_id=procedure.id, title=f"S{i}")
    many = measure()
    assert few == many, (few, many)
    print("board queries:", many)
    assert many <= 8


def test_statistics(app, world, db):
    procedure = ProcedureFactory(application=world.caf_app, title="Déclarer ses ressources")
    first = file_report(world.agent, world.caf_app, procedure_id=procedure.id, people_affected=3)
    file_report(world.agent, world.caf_app, procedure_id=procedure.id, problem_type="accessibility")
    file_report(world.agent, world.ants_app)  # another team
    triage.change_status(world.dev_caf, first, "qualified")
    triage.change_status(world.dev_caf, first, "acknowledged")
    triage.change_status(world.dev_caf, first, "in_progress")
    triage.change_status(world.dev_caf, first, "fixed")
    from app.reports import stats

    figures = stats.compute(world.dev_caf)
    assert figures.total == 2 and figures.open == 2 and figures.people == 4
    assert dict((s.value, n) for s, n in figures.by_status) == {"new": 1, "fixed": 1}
    assert figures.top_procedures == [("Déclarer ses ressources", "caf.fr", 2)]
    assert figures.median_acknowledge_hours is not None and figures.median_fix_days is not None
    assert figures.months[-1][3] == 2
    page = _client(app, world.dev_caf).get("/equipe/statistiques").get_data(as_text=True)
    assert "<svg" in page and "<progress" in page and "Remontées par mois et par type" in page
    assert "Déclarer ses ressources" in page
    assert _client(app, world.dev_caf).get("/equipe/statistiques?application=caf-fr").status_code == 200


def test_admin_sees_every_team_but_does_not_triage(app, world):
    report = file_report(world.agent, world.ants_app)
    admin = _client(app, UserFactory(role="admin"))
    assert report.reference in admin.get("/equipe/remontees").get_data(as_text=True)
    page = admin.get(f"/remontees/{report.reference}").get_data(as_text=True)
    assert "Traitement par l'équipe" not in page
    assert admin.post(f"/equipe/remontees/{report.reference}/statut", data={"status": "qualified"}).status_code == 403
