"""HR follow-up: scope, team view, assignment, CSV export, query counts."""
import csv
import io
from datetime import date, timedelta

from app.training import learning
from app.training.models import Enrolment
from tests.factories import UserFactory
from tests.query_counter import count_queries
from tests.training.conftest import RIGHT


def _complete_accueil(agent, curricula):
    module = curricula["accueil-base"]
    for lesson in module.current_version.lessons:
        learning.mark_lesson_done(agent, module, lesson)
    learning.submit_attempt(agent, module, RIGHT)


def test_hr_sees_own_agents_and_404_elsewhere(app, client, login, curricula, test_path, db):
    hr = login(role="hr")
    mine = UserFactory(role="agent", organisation=hr.organisation, full_name="Agent Maison")
    elsewhere = UserFactory(role="agent", full_name="Agent Ailleurs")
    learning.enrol(mine, test_path)
    learning.enrol(elsewhere, test_path)
    html = client.get("/rh/formation/").get_data(as_text=True)
    assert "Agent Maison" in html and "Agent Ailleurs" not in html
    assert client.get(f"/rh/formation/agents/{mine.id}").status_code == 200
    assert client.get(f"/rh/formation/agents/{elsewhere.id}").status_code == 404


def test_demo_hr_fs_gets_404_on_caf_agent(app, client, db):
    from app.accounts.models import find_user_by_email
    from tests import db_states

    db_states.enter("demo")  # what seed_demo() gives, kept per session
    client.post("/connexion", data={"email": "rh.fs@passerelle.example", "password": "passerelle-demo"})
    fs_agent = find_user_by_email("agent.fs@passerelle.example")
    caf_agent = find_user_by_email("agent.caf@passerelle.example")
    assert client.get(f"/rh/formation/agents/{fs_agent.id}").status_code == 200
    assert client.get(f"/rh/formation/agents/{caf_agent.id}").status_code == 404
    assert "Amina Agent" in client.get("/rh/formation/").get_data(as_text=True)
    assert "Bruno Agent" not in client.get("/rh/formation/").get_data(as_text=True)


def test_only_training_done_in_the_organisation_counts(client, login, curricula, test_path, db):
    from app.accounts import services as accounts
    from tests.factories import OrganisationFactory

    hr = login(role="hr")
    mover = UserFactory(role="agent", full_name="Agent Mobile")
    _complete_accueil(mover, curricula)  # done at the previous employer
    admin = UserFactory(role="admin")
    accounts.change_organisation(admin, mover, hr.organisation)
    learning.enrol(mover, test_path)
    html = client.get("/rh/formation/").get_data(as_text=True)
    assert "0/2 modules" in html
    assert OrganisationFactory  # the previous organisation came from the factory
    # the status filters count the same way
    assert "Agent Mobile" in client.get("/rh/formation/?statut=not_started").get_data(as_text=True)
    assert "Agent Mobile" not in client.get("/rh/formation/?statut=in_progress").get_data(as_text=True)


def test_assign_path_with_due_date(client, login, curricula, test_path, db, outbox):
    hr = login(role="hr")
    a = UserFactory(role="agent", organisation=hr.organisation)
    b = UserFactory(role="agent", organisation=hr.organisation)
    due = date.today() + timedelta(days=30)
    response = client.post("/rh/formation/affecter",
                           data={"path": str(test_path.id), "agents": [str(a.id), str(b.id)], "due_on": due.isoformat()})
    assert response.status_code == 302
    rows = db.session.scalars(db.select(Enrolment).order_by(Enrolment.user_id)).all()
    assert [(r.user_id, r.due_on, r.assigned_by_id) for r in rows] == [(a.id, due, hr.id), (b.id, due, hr.id)]


def test_assign_refuses_agents_of_other_organisations(client, login, curricula, test_path, db):
    login(role="hr")
    other = UserFactory(role="agent")
    response = client.post("/rh/formation/affecter", data={"path": str(test_path.id), "agents": [str(other.id)]})
    assert response.status_code == 200
    assert db.session.scalar(db.select(db.func.count(Enrolment.id))) == 0


def test_assign_refuses_past_due_date(client, login, curricula, test_path, db):
    hr = login(role="hr")
    a = UserFactory(role="agent", organisation=hr.organisation)
    response = client.post("/rh/formation/affecter", data={
        "path": str(test_path.id), "agents": [str(a.id)], "due_on": (date.today() - timedelta(days=1)).isoformat()})
    assert "aujourd&#39;hui ou plus tard" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Enrolment.id))) == 0


def test_filters_overdue_and_completed(client, login, curricula, test_path, db):
    hr = login(role="hr")
    late = UserFactory(role="agent", organisation=hr.organisation, full_name="Agent Retard")
    done = UserFactory(role="agent", organisation=hr.organisation, full_name="Agent Fini")
    learning.enrol(late, test_path)
    learning.enrol(done, test_path)
    db.session.execute(db.update(Enrolment).where(Enrolment.user_id == late.id)
                       .values(due_on=date.today() - timedelta(days=2)))
    db.session.commit()
    _complete_accueil(done, curricula)
    caf = curricula["caf-essentiel"]
    learning.mark_lesson_done(done, caf, caf.current_version.lessons[0])
    learning.submit_attempt(done, caf, {"caf-t-q01": ["a"]})
    overdue = client.get("/rh/formation/?statut=overdue").get_data(as_text=True)
    assert "Agent Retard" in overdue and "Agent Fini" not in overdue
    assert "Accueil de base, L&#39;essentiel de la CAF" in overdue
    completed = client.get("/rh/formation/?statut=completed").get_data(as_text=True)
    assert "Agent Fini" in completed and "Agent Retard" not in completed


def test_csv_export_one_row_per_agent_and_module(client, login, curricula, test_path, db):
    hr = login(role="hr")
    agents = [UserFactory(role="agent", organisation=hr.organisation, full_name=f"=Agent {i}") for i in range(3)]
    for agent in agents:
        learning.enrol(agent, test_path)
    _complete_accueil(agents[0], curricula)
    UserFactory(role="agent", full_name="Hors structure")
    response = client.get("/rh/formation/export.csv")
    assert response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:5] == ["Agent", "Adresse e-mail", "Parcours", "Module", "Statut"]
    body = rows[1:]
    assert len(body) == 3 * 2
    assert {(r[0], r[3]) for r in body} == {(f"'=Agent {i}", m) for i in range(3)
                                            for m in ("Accueil de base", "L'essentiel de la CAF")}
    assert [r[4] for r in body if r[0] == "'=Agent 0" and r[3] == "Accueil de base"] == ["Terminé"]
    assert "Hors structure" not in text


def test_team_view_query_count_does_not_grow(app, client, login, curricula, test_path, db):
    hr = login(role="hr")

    def add_late_agent():
        agent = UserFactory(role="agent", organisation=hr.organisation)
        learning.enrol(agent, test_path)
        db.session.execute(db.update(Enrolment).where(Enrolment.user_id == agent.id)
                           .values(due_on=date.today() - timedelta(days=1)))
        db.session.commit()

    add_late_agent()
    with count_queries(app) as small:
        assert client.get("/rh/formation/").status_code == 200
    for _ in range(15):
        add_late_agent()
    for _ in range(10):
        UserFactory(role="agent", organisation=hr.organisation)  # agents without a path
    with count_queries(app) as large:
        html = client.get("/rh/formation/").get_data(as_text=True)
    assert html.count("pas-overdue") == 16
    assert small.count == large.count


def test_done_counts_only_the_modules_of_the_enrolment_path(client, login, curricula, test_path, db):
    from app.extensions import db as _db
    from app.training.models import PathModule, TrainingPath

    hr = login(role="hr")
    caf_only = TrainingPath(code="PARCOURS-CAF", title="CAF seule", description="La CAF.")
    _db.session.add(caf_only)
    _db.session.flush()
    _db.session.add(PathModule(path_id=caf_only.id, module_id=curricula["caf-essentiel"].id, position=1))
    _db.session.commit()
    agent = UserFactory(role="agent", organisation=hr.organisation, full_name="Agent CAF")
    other = UserFactory(role="agent", organisation=hr.organisation, full_name="Agent Socle")
    learning.enrol(other, test_path)  # accueil-base belongs to another enrolment's path
    learning.enrol(agent, caf_only)
    _complete_accueil(agent, curricula)
    html = client.get("/rh/formation/").get_data(as_text=True)
    assert "0/1 modules" in html and "1/1 modules" not in html
    assert "Agent CAF" not in client.get("/rh/formation/?statut=completed").get_data(as_text=True)
    assert "Agent CAF" in client.get("/rh/formation/?statut=not_started").get_data(as_text=True)


def _add_enrolled_agents(db, organisation, path, count, start=0):
    """Bulk-insert agents of an organisation enrolled in a path (no password hashing: fast for hundreds)."""
    from app.accounts.models import User

    users = [{"email": f"agent.vrac.{start + i}@example.org", "full_name": f"Agent Vrac {start + i:04d}",
              "role": "agent", "organisation_id": organisation.id} for i in range(count)]
    ids = db.session.scalars(db.insert(User).returning(User.id), users).all()
    db.session.execute(db.insert(Enrolment), [{"user_id": user_id, "path_id": path.id} for user_id in ids])
    db.session.commit()


def _export_peak(client, db):
    """(peak traced bytes, CSV lines) while downloading the export chunk by chunk, as a server would.

    The suite's client reads whole bodies; here the plain Flask client hands back the application's
    iterator, read in an empty context as the suite's client does.
    """
    import contextvars
    import tracemalloc

    from flask.testing import FlaskClient

    db.session.commit()

    def download():
        response = FlaskClient.open(client, "/rh/formation/export.csv", buffered=False)
        assert not response.is_sequence  # a streamed body, not a list built beforehand
        lines = sum(chunk.count(b"\n") for chunk in response.response)
        response.close()
        return lines

    tracemalloc.start()
    try:
        lines = contextvars.Context().run(download)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak, lines


def test_csv_export_memory_stays_flat_with_ten_times_the_agents(client, login, curricula, test_path, db,
                                                                 monkeypatch):
    from app.training import team

    monkeypatch.setattr(team, "EXPORT_BATCH", 20)  # many batches even for a test-sized organisation
    hr = login(role="hr")
    _add_enrolled_agents(db, hr.organisation, test_path, 40)
    _export_peak(client, db)  # warm-up: compiled SQL and other one-time caches are not the export's memory
    small_peak, small_lines = _export_peak(client, db)
    _add_enrolled_agents(db, hr.organisation, test_path, 360, start=40)
    large_peak, large_lines = _export_peak(client, db)
    assert (small_lines, large_lines) == (1 + 40 * 2, 1 + 400 * 2)
    # Loading the rows (or remembering them) would add hundreds of bytes per row: 720 more rows here.
    assert large_peak < small_peak + 48 * 1024, (small_peak, large_peak)


def test_csv_export_reads_its_rows_through_a_streaming_cursor(app, client, login, curricula, test_path, db):
    from sqlalchemy import event

    hr = login(role="hr")
    _add_enrolled_agents(db, hr.organisation, test_path, 3)
    streamed = []

    def spy(conn, cursor, statement, parameters, context, executemany):
        if "module_versions" in statement:
            streamed.append(bool(context.execution_options.get("stream_results")))

    event.listen(db.engine, "before_cursor_execute", spy)
    try:
        assert client.get("/rh/formation/export.csv").get_data(as_text=True).count("Agent Vrac") == 6
    finally:
        event.remove(db.engine, "before_cursor_execute", spy)
    # one query, with a server-side cursor on PostgreSQL: the driver does not hold every row either
    assert streamed == [True]


def test_csv_export_keeps_one_row_per_module_completed_in_two_versions(client, login, curricula, test_path, db):
    from datetime import UTC, datetime

    from app.training.models import ModuleCompletion, ModuleVersion

    hr = login(role="hr")
    agent = UserFactory(role="agent", organisation=hr.organisation, full_name="Agent Refait")
    learning.enrol(agent, test_path)
    _complete_accueil(agent, curricula)
    module = curricula["accueil-base"]
    first = db.session.scalar(db.select(ModuleCompletion).where(ModuleCompletion.user_id == agent.id))
    first.completed_at = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    current = module.current_version
    second = ModuleVersion(module_id=module.id, number=current.number + 1, content_hash="b" * 64, title=current.title,
                           summary=current.summary, duration_minutes=current.duration_minutes,
                           pass_mark=current.pass_mark)
    db.session.add(second)
    db.session.flush()
    db.session.add(ModuleCompletion(user_id=agent.id, module_id=module.id, version_id=second.id,
                                    organisation_id=hr.organisation_id, score=100,
                                    completed_at=datetime(2026, 9, 1, 9, 0, tzinfo=UTC)))
    db.session.commit()
    text = client.get("/rh/formation/export.csv").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))[1:]
    accueil = [r for r in rows if r[3] == "Accueil de base"]
    assert [(r[4], r[5]) for r in accueil] == [("Terminé", "02/03/2026")]  # one row, the first completion
    assert len(rows) == 2


def test_team_view_caps_the_count_past_the_page(client, login, curricula, test_path, db, monkeypatch):
    from app.training import hr_views, team

    monkeypatch.setattr(hr_views, "PER_PAGE", 2)
    monkeypatch.setattr(team, "COUNT_CAP", 3)
    hr = login(role="hr")
    _add_enrolled_agents(db, hr.organisation, test_path, 5)
    first = client.get("/rh/formation/").get_data(as_text=True)
    assert "plus de 3 lignes, une par agent et par parcours suivi" in first
    assert "Agent Vrac 0000" in first and "Agent Vrac 0002" not in first
    assert 'href="/rh/formation/?page=2' in first.replace("&amp;", "&")
    second = client.get("/rh/formation/?page=2").get_data(as_text=True)
    assert "5 lignes, une par agent et par parcours suivi" in second  # the window past page 2 reaches the end: exact
    last = client.get("/rh/formation/?page=3").get_data(as_text=True)
    assert "Agent Vrac 0004" in last and "Page suivante</a>" in last and 'aria-disabled="true" role="link">Page suivante' in last


def test_progress_of_rows_beyond_the_first_page(client, login, curricula, test_path, db, monkeypatch):
    from app.training import hr_views

    monkeypatch.setattr(hr_views, "PER_PAGE", 1)
    hr = login(role="hr")
    first = UserFactory(role="agent", organisation=hr.organisation, full_name="Agent A")
    second = UserFactory(role="agent", organisation=hr.organisation, full_name="Agent B")
    learning.enrol(first, test_path)
    learning.enrol(second, test_path)
    _complete_accueil(second, curricula)
    assert "0/2 modules" in client.get("/rh/formation/").get_data(as_text=True)
    page_two = client.get("/rh/formation/?page=2").get_data(as_text=True)
    assert "Agent B" in page_two and "1/2 modules" in page_two
    detail = client.get(f"/rh/formation/agents/{second.id}").get_data(as_text=True)
    assert "1/2 modules" in detail


def _team_statements(app, client, url):
    with count_queries(app) as counter:
        response = client.get(url)
    assert response.status_code == 200
    return [s for s in counter.statements if "enrolments" in s], response.get_data(as_text=True)


def test_team_page_rows_progress_and_count_in_one_query(app, client, login, curricula, test_path, db, monkeypatch):
    from app.training import hr_views, team

    monkeypatch.setattr(hr_views, "PER_PAGE", 2)
    monkeypatch.setattr(team, "COUNT_CAP", 3)
    hr = login(role="hr")
    _add_enrolled_agents(db, hr.organisation, test_path, 3)
    first, html = _team_statements(app, client, "/rh/formation/")
    assert len(first) == 1 and "3 lignes, une par agent et par parcours suivi" in html
    # past the last page no row carries the count: one more query, and the total is still right
    past, html = _team_statements(app, client, "/rh/formation/?page=9")
    assert len(past) == 2
    assert "3 lignes, une par agent et par parcours suivi" in html and "Aucun agent ne correspond." in html
    # an empty first page needs no count
    empty, html = _team_statements(app, client, "/rh/formation/?statut=overdue")
    assert len(empty) == 1
    assert "0 ligne, une par agent et par parcours suivi" in html and "Aucun agent ne correspond." in html


def test_team_count_exact_when_few_agents_have_many_rows(client, login, curricula, test_path, db, monkeypatch):
    from app.extensions import db as _db
    from app.training import hr_views, team
    from app.training.models import TrainingPath

    monkeypatch.setattr(hr_views, "PER_PAGE", 2)
    monkeypatch.setattr(team, "COUNT_CAP", 3)
    hr = login(role="hr")
    other = TrainingPath(code="PARCOURS-AUTRE", title="Autre parcours", description="Un autre.")
    _db.session.add(other)
    _db.session.commit()
    first = UserFactory(role="agent", organisation=hr.organisation, full_name="Agent Un")
    second = UserFactory(role="agent", organisation=hr.organisation, full_name="Agent Deux")
    UserFactory(role="agent", organisation=hr.organisation, full_name="Agent Trois")  # no path: one row
    for agent in (first, second):
        learning.enrol(agent, test_path)
        learning.enrol(agent, other)
    # 3 agents, 5 rows: fewer agents than the rows counted, so the rows themselves are counted
    monkeypatch.setattr(team, "COUNT_CAP", 5)
    exact = client.get("/rh/formation/").get_data(as_text=True)
    assert "5 lignes, une par agent et par parcours suivi" in exact and "plus de" not in exact
    for cap in (3, 4):  # rows past the window of the first page (2 + cap), agents not
        monkeypatch.setattr(team, "COUNT_CAP", cap)
        assert f"plus de {cap} lignes, une par agent et par parcours suivi" in client.get("/rh/formation/").get_data(as_text=True)
    monkeypatch.setattr(team, "COUNT_CAP", 2)  # agents past the window too
    assert "plus de 2 lignes, une par agent et par parcours suivi" in client.get("/rh/formation/").get_data(as_text=True)
    # page 2: window 2 + 2 rows, 5 counted up to 5 (the agents, 3, do not reach it)
    assert "plus de 4 lignes, une par agent et par parcours suivi" in client.get("/rh/formation/?page=2").get_data(as_text=True)


def test_module_completed_in_two_versions_counts_once(client, login, curricula, test_path, db):
    from app.training.models import ModuleCompletion, ModuleVersion

    hr = login(role="hr")
    agent = UserFactory(role="agent", organisation=hr.organisation, full_name="Agent Refait")
    learning.enrol(agent, test_path)
    _complete_accueil(agent, curricula)
    module = curricula["accueil-base"]
    current = module.current_version
    second = ModuleVersion(module_id=module.id, number=current.number + 1, content_hash="c" * 64, title=current.title,
                           summary=current.summary, duration_minutes=current.duration_minutes,
                           pass_mark=current.pass_mark)
    db.session.add(second)
    db.session.flush()
    db.session.add(ModuleCompletion(user_id=agent.id, module_id=module.id, version_id=second.id,
                                    organisation_id=hr.organisation_id, score=100))
    db.session.commit()
    assert "1/2 modules" in client.get("/rh/formation/").get_data(as_text=True)
    assert "1/2 modules" in client.get(f"/rh/formation/agents/{agent.id}").get_data(as_text=True)
    assert "Agent Refait" in client.get("/rh/formation/?statut=in_progress").get_data(as_text=True)
    assert "Agent Refait" not in client.get("/rh/formation/?statut=completed").get_data(as_text=True)


def test_filters_in_progress_and_not_started_with_a_path(client, login, curricula, test_path, db):
    hr = login(role="hr")
    started = UserFactory(role="agent", organisation=hr.organisation, full_name="Agent Commencé")
    waiting = UserFactory(role="agent", organisation=hr.organisation, full_name="Agent Attente")
    UserFactory(role="agent", organisation=hr.organisation, full_name="Agent Sans Parcours")
    learning.enrol(started, test_path)
    learning.enrol(waiting, test_path)
    _complete_accueil(started, curricula)
    base = f"/rh/formation/?parcours={test_path.id}&statut="
    in_progress = client.get(base + "in_progress").get_data(as_text=True)
    assert "Agent Commencé" in in_progress and "Agent Attente" not in in_progress
    not_started = client.get(base + "not_started").get_data(as_text=True)
    assert "Agent Attente" in not_started and "Agent Commencé" not in not_started
    assert "Agent Sans Parcours" not in in_progress + not_started
    by_path = client.get(f"/rh/formation/?parcours={test_path.id}").get_data(as_text=True)
    assert "Agent Commencé" in by_path and "Agent Sans Parcours" not in by_path
    assert "2 lignes, une par agent et par parcours suivi" in by_path


def test_path_filter_lists_shipped_paths_only(client, login, curricula, test_path, db):
    from app.training.models import TrainingPath

    hr = login(role="hr")
    agent = UserFactory(role="agent", organisation=hr.organisation)
    db.session.add(TrainingPath(code="PERSO-1-1", title="Mon parcours personnel", description="", owner_id=agent.id))
    db.session.commit()
    team_html = client.get("/rh/formation/").get_data(as_text=True)
    assign_html = client.get("/rh/formation/affecter").get_data(as_text=True)
    for html in (team_html, assign_html):
        assert f'<option value="{test_path.id}"' in html and "Parcours de test" in html
        assert "Mon parcours personnel" not in html


def test_shipped_paths_read_once_per_cached_catalogue(app, client, login, curricula, test_path, db):
    from app.training import reference

    hr = login(role="hr")
    learning.enrol(UserFactory(role="agent", organisation=hr.organisation), test_path)
    app.config["REFERENCE_CACHE_SECONDS"] = 60
    reference.invalidate()
    try:
        client.get("/rh/formation/")
        with count_queries(app) as warm:
            html = client.get("/rh/formation/").get_data(as_text=True)
        assert "Parcours de test</option>" in html
        reference.invalidate()  # as an import does: the catalogue, shipped paths included, is read again
        with count_queries(app) as cold:
            client.get("/rh/formation/")
        assert cold.count - warm.count == 4  # the catalogue's four queries, and nothing else
    finally:
        app.config["REFERENCE_CACHE_SECONDS"] = 0
        reference.invalidate()


def test_out_of_range_numbers_in_the_url(client, login, curricula, test_path, db):
    hr = login(role="hr")
    agent = UserFactory(role="agent", organisation=hr.organisation, full_name="Agent Présent")
    learning.enrol(agent, test_path)
    assert "Agent Présent" in client.get("/rh/formation/?parcours=99999999999").get_data(as_text=True)
    assert client.get("/rh/formation/?page=99999999999").status_code == 200
    assert client.get("/rh/formation/agents/99999999999").status_code == 404


def test_path_without_modules_matches_completed_and_not_started(client, login, curricula, db):
    from app.training.models import TrainingPath

    hr = login(role="hr")
    empty = TrainingPath(code="PARCOURS-VIDE", title="Parcours vide", description="Aucun module.")
    db.session.add(empty)
    db.session.commit()
    learning.enrol(UserFactory(role="agent", organisation=hr.organisation, full_name="Agent Vide"), empty)
    # nothing done of nothing: done >= total, and done == 0 (as before the filters were rewritten)
    for status, shown in (("completed", True), ("not_started", True), ("in_progress", False), ("overdue", False)):
        html = client.get(f"/rh/formation/?statut={status}").get_data(as_text=True)
        assert ("Agent Vide" in html) is shown, status
