"""The triage board: filters, sorting, CSV export, statistics, and a fixed number of queries."""
import csv
import io

from app.reports import board, services, triage
from tests.factories import PASSWORD, UserFactory
from tests.query_counter import count_queries
from tests.reports.factories import ProcedureFactory, file_report

# The signed-in user; the page's rows with their assignee, labels and capped total, with the services, the team's
# labels and members and the reader's shortcut preference (board.read_board), once this process has read the
# team's services. The first read of a team's board in a process reads the options first: one more.
BOARD_QUERIES = 2


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
    assert many == BOARD_QUERIES


def test_board_counts_only_up_to_a_cap(app, world, monkeypatch):
    """Past the cap the board says "plus de N" and still offers the next page, without counting them all."""
    from app.reports import triage_views

    monkeypatch.setitem(app.config, "PER_PAGE", 2)
    monkeypatch.setattr(triage_views, "BOARD_COUNT_CAP", 3)
    client = _client(app, world.dev_caf)
    for i in range(3):
        file_report(world.agent, world.caf_app, title=f"R{i}")
    page = client.get("/equipe/remontees").get_data(as_text=True)
    assert "3 remontées." in page and "<caption>Remontées (3)</caption>" in page and "plus de 3" not in page
    file_report(world.agent, world.caf_app, title="R3")
    page = client.get("/equipe/remontees").get_data(as_text=True)
    assert "plus de 3 remontées." in page and "<caption>Remontées (plus de 3)</caption>" in page
    assert "1 / 2 et plus" in page and "page=2" in page
    last = client.get("/equipe/remontees?page=2").get_data(as_text=True)
    assert "4 remontées." in last and len(_references(last)) == 2


def test_board_rows_leave_long_texts_in_the_database(app, world):
    file_report(world.agent, world.caf_app, title="Sans texte chargé")
    client = _client(app, world.dev_caf)
    page = client.get("/equipe/remontees?sort=deadline").get_data(as_text=True)
    assert "Sans texte chargé" in page
    rows = board.board_page(world.dev_caf, board.BoardFilters(sort="deadline"), None, 25, 1000)
    [row] = [row for row in rows.items if row.title == "Sans texte chargé"]
    # plain columns, not a loaded report: no long texts, no operator
    assert not {"what_happened", "search_text", "citizen_words", "operator"} & set(vars(row))


def test_board_keeps_the_reports_of_a_retired_application(app, world, db):
    """The board lists every report of the team's applications, retired ones too (not offered as a filter)."""
    kept = file_report(world.agent, world.caf_app, title="Service retiré")
    other = file_report(world.agent, world.ants_app, title="Autre équipe")
    world.caf_app.is_active = False
    db.session.commit()
    page = _client(app, world.dev_caf).get("/equipe/remontees").get_data(as_text=True)
    assert _references(page) == [kept.reference] and other.reference not in page
    assert 'value="caf-fr"' not in page
    assert _references(_client(app, world.dev_caf).get("/equipe/remontees?application=caf-fr")
                       .get_data(as_text=True)) == [kept.reference]


def test_each_board_sort_has_its_index(app, db):
    """The sorts read the team's reports in index order (PostgreSQL and SQLite alike)."""
    import warnings

    from sqlalchemy import inspect

    with warnings.catch_warnings():  # SQLite does not reflect the next-due expression index: named below
        warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based index")
        indexes = {ix["name"]: ix for ix in inspect(db.engine).get_indexes("reports")}
    assert indexes["ix_reports_people_total_id"]["column_names"] == ["people_total", "id"]
    assert indexes["ix_reports_blocked_people_id"]["column_names"] == ["blocked_total", "people_total", "id"]
    assert indexes["ix_reports_me_too_count_id"]["column_names"] == ["me_too_count", "id"]
    if db.engine.dialect.name == "postgresql":
        assert "ix_reports_next_due_id" in indexes
    else:
        names = db.session.scalars(db.text("SELECT name FROM sqlite_master WHERE type = 'index'")).all()
        assert "ix_reports_next_due_id" in names


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


def test_a_statement_built_once_serves_each_team_with_its_own_values(app, world):
    """The board's statements are kept per combination of filters: the next reader's values go in, never the
    previous reader's (same filters, two teams, in turn)."""
    caf = file_report(world.agent, world.caf_app, title="Paiement bloqué caf")
    ants = file_report(world.agent, world.ants_app, title="Paiement bloqué titres")
    clients = {"caf": _client(app, world.dev_caf), "ants": _client(app, world.dev_ants)}
    for path in ("/equipe/remontees", "/equipe/remontees?status=all&q=paiement", f"/equipe/remontees?q={caf.reference}"):
        for _ in range(2):
            assert f'data-report="{caf.reference}"' in clients["caf"].get(path).get_data(as_text=True)
            page = clients["ants"].get(path).get_data(as_text=True)
            assert f'data-report="{caf.reference}"' not in page
            assert (f'data-report="{ants.reference}"' in page) == (caf.reference not in path)


def test_the_page_and_the_export_select_agree_for_a_team_without_services_and_an_administrator(app, world, db):
    from tests.factories import TeamFactory

    file_report(world.agent, world.caf_app, title="Paiement bloqué")
    lonely = UserFactory(role="triager", team=TeamFactory(code="T-EMPTY", name="Vide"))
    for user, listed in ((lonely, 0), (UserFactory(role="admin"), 1)):
        for filters, expected in ((board.BoardFilters(), listed), (board.BoardFilters(status="all", q="paiement"), listed),
                                  (board.BoardFilters(status="overdue", age="older", assignee="me", label="3"), 0)):
            page = board.board_page(user, filters, None, 25, 1000)
            assert page.total == len(page.items) == expected
            assert len(db.session.scalars(board.board_select(user, filters)).all()) == expected


def _overdue(report, db):
    from datetime import timedelta

    from app.common.timezones import utcnow

    report.acknowledge_due_at = utcnow() - timedelta(days=2)
    db.session.commit()
    return report


def test_board_rows_answer_like_the_reports(app, world, db):
    """The board's lean rows give the labels, deadlines and overdue state the Report model gives."""
    from app.reports.models import Report
    from app.reports.rows import BoardRow

    late = _overdue(file_report(world.agent, world.caf_app, procedure_id=world.caf_procedure.id, title="En retard"), db)
    answered = file_report(world.agent, world.caf_app, title="Répondue", problem_type="accessibility")
    triage.change_status(world.dev_caf, answered, "acknowledged", reason="Vu.")
    fresh = file_report(world.agent, world.caf_app, title="Nouvelle")
    page = board.board_page(world.dev_caf, board.BoardFilters(status="all"), None, 25, 1000)
    assert [r.id for r in page.items] == [fresh.id, answered.id, late.id] and page.total == 3 and not page.capped
    for row in page.items:
        assert isinstance(row, BoardRow)
        report = db.session.get(Report, row.id)
        for name in ("status_label", "problem_type_label", "is_open", "is_overdue", "next_due_at"):
            assert getattr(row, name) == getattr(report, name), (report.title, name)
        assert row.overdue == report.is_overdue  # as the page shows it, worked out with the page's time
        assert row.application_name == report.application.name
        assert row.procedure_title == (report.procedure.title if report.procedure else None)
    assert [r.is_overdue for r in page.items] == [False, False, True]


def test_board_page_shows_the_rows_columns(app, world, db):
    late = _overdue(file_report(world.agent, world.caf_app, procedure_id=world.caf_procedure.id, title="Avec démarche"), db)
    plain = file_report(world.agent, world.caf_app, title="Sans démarche")
    page = _client(app, world.dev_caf).get("/equipe/remontees").get_data(as_text=True)
    assert _references(page) == [plain.reference, late.reference]
    assert f'<a href="/remontees/{late.reference}">{late.reference}</a>' in page
    assert page.count('<span class="fr-text--xs">Déclarer ses ressources trimestrielles</span>') == 1
    assert page.count("caf.fr<br>") == 1 and "caf.fr</td>" in page
    assert page.count("fr-badge--error\">En retard</p>") == 1
    assert page.count('fr-badge--new fr-badge--no-icon">Nouvelle</p>') == 2


def test_board_reads_rows_and_capped_count_in_one_query(app, world):
    """The count is a subquery of the rows' query; it runs alone only for an empty page past the first."""
    for i in range(2):
        file_report(world.agent, world.caf_app, title=f"R{i}")
    client = _client(app, world.dev_caf)
    client.get("/equipe/remontees")
    with count_queries(app) as first:
        page = client.get("/equipe/remontees").get_data(as_text=True)
    assert "2 remontées." in page
    # The user; the rows with their labels and total, and the services, labels, members and the reader's shortcuts.
    assert first.count == BOARD_QUERIES, first.statements
    with count_queries(app) as past_end:
        past = client.get("/equipe/remontees?page=4").get_data(as_text=True)
    assert "2 remontées." in past and "Aucune remontée ne correspond à ces filtres." in past
    assert past_end.count == first.count  # the count comes with the (empty) page
    with count_queries(app) as searched:
        client.get("/equipe/remontees?q=paiement&page=4")
    assert searched.count == first.count + 2  # a search: the options, the page, then the count alone
    with count_queries(app) as no_rows:
        empty = client.get("/equipe/remontees?status=fixed").get_data(as_text=True)
    assert no_rows.count == first.count  # an empty first page needs no count
    assert ": 0 remontée." in empty and "Aucune remontée ne correspond à ces filtres." in empty
    # Counted with the filter on an application's code, and over every team for an administrator.
    assert ": 2 remontées." in client.get("/equipe/remontees?application=caf-fr").get_data(as_text=True)
    assert ": 0 remontée." in client.get("/equipe/remontees?application=ants-identite").get_data(as_text=True)
    file_report(world.agent, world.ants_app, title="Autre équipe")
    everything = board.board_page(UserFactory(role="admin"), board.BoardFilters(status="all"), None, 2, 1000)
    assert everything.total == 3 and len(everything.items) == 2 and everything.has_next
    capped = board.board_page(UserFactory(role="admin"), board.BoardFilters(status="all"), "1", 1, 1)
    assert capped.capped and capped.total == 1 and capped.total_text == "plus de 1"


def test_board_page_number_goes_through_the_shared_parser(app, world):
    """Issue 21 item 13: a huge ?page= answers the (empty) page, never a 500 from an overflowing offset."""
    file_report(world.agent, world.caf_app, title="Seule")
    client = _client(app, world.dev_caf)
    for huge in ("99999999999999999999", str(2**31), str(2**63), "1e9", "-5"):
        response = client.get(f"/equipe/remontees?page={huge}")
        assert response.status_code == 200, huge
        assert "1 remontées." in response.get_data(as_text=True) or "1 remontée." in response.get_data(as_text=True)
    page = board.board_page(world.dev_caf, board.BoardFilters(), str(2**63), 50, 1000)
    assert page.number * 50 + 1000 < 2**31


def test_board_options_and_row_labels_come_by_name_for_a_team_and_for_an_administrator(app, world, db):
    from app.reports import bulk, labels

    report = file_report(world.agent, world.caf_app, title="Étiquetée")
    zeta = labels.create_label(world.dev_caf, world.caf_team, "Zêta", "pink-tuile")
    alpha = labels.create_label(world.dev_caf, world.caf_team, "Alpha", "green-menthe")
    for label in (zeta, alpha):
        bulk.apply(world.dev_caf, [str(report.id)], "label", label_id=label.id)
    labels.set_keyboard_shortcuts(world.dev_caf, False)
    report_id, _team = report.id, world.dev_caf.team_id  # loaded again after the commits, before counting
    with count_queries(app) as counter:
        options = board.board_options(world.dev_caf)
    assert counter.count == 1
    assert [a.code for a in options.applications] == [world.caf_app.code]
    assert [(label.name, label.colour) for label in options.labels] == [("Alpha", "green-menthe"), ("Zêta", "pink-tuile")]
    assert world.dev_caf.id in [m.id for m in options.members] and options.keyboard_shortcuts is False
    page = board.board_page(world.dev_caf, board.BoardFilters(status="all"), None, 25, 1000,
                            applications=options.applications, team_labels=options.labels)
    [row] = [r for r in page.items if r.id == report_id]
    assert [label.name for label in row.labels] == ["Alpha", "Zêta"]
    # An administrator's board has no team labels to start from: the rows' labels take one more query.
    admin = UserFactory(role="admin")
    admin_options = board.board_options(admin)
    assert admin_options.labels == [] and admin_options.keyboard_shortcuts is True
    assert {a.code for a in admin_options.applications} >= {world.caf_app.code, world.ants_app.code}
    with count_queries(app) as counter:
        page = board.board_page(admin, board.BoardFilters(status="all"), None, 25, 1000,
                                applications=admin_options.applications, team_labels=admin_options.labels)
    assert counter.count == 2
    [row] = [r for r in page.items if r.id == report_id]
    assert [(label.name, label.colour) for label in row.labels] == [("Alpha", "green-menthe"), ("Zêta", "pink-tuile")]


# The board's markup as the template wrote it before it moved to Python (app.reports.rows.BoardRow.table_row,
# app.reports.board_html): the Python side must write the same HTML, texts escaped the same way.
TEMPLATE_ROWS = """{% for r in rows %}
    <tr data-report="{{ r.reference }}">
      {% if bulk_form %}<td><div class="fr-checkbox-group fr-checkbox-group--sm pas-row-select">
        <input type="checkbox" id="sel-{{ r.id }}" name="ids" value="{{ r.id }}">
        <label class="fr-label" for="sel-{{ r.id }}"><span class="fr-sr-only">Sélectionner {{ r.reference }}</span></label>
      </div></td>{% endif %}
      <td class="pas-nowrap"><a href="{{ report_url_prefix ~ r.reference }}">{{ r.reference }}</a></td>
      <td>{{ r.title }}{% if r.labels %}<ul class="fr-badges-group fr-mt-1v">{% for label in r.labels %}<li><p class="fr-badge fr-badge--sm fr-badge--no-icon fr-badge--{{ label.colour }}">{{ label.name }}</p></li>{% endfor %}</ul>{% endif %}</td>
      <td>{{ r.application_name }}{% if r.procedure_title is not none %}<br><span class="fr-text--xs">{{ r.procedure_title }}</span>{% endif %}</td>
      <td>{{ r.problem_type_label }}</td>
      {%- set kind = report_status_badge_kinds.get(r.status) %}
      <td><p class="fr-badge fr-badge--sm{% if kind %} fr-badge--{{ kind }}{% endif %} fr-badge--no-icon">{{ r.status_label }}</p></td>
      <td>{% if r.assignee_name %}{{ r.assignee_name }}{% else %}<span class="fr-text--sm">—</span>{% endif %}</td>
      <td>{{ r.people_total }}</td>
      <td>{{ r.blocked_total }}</td>
      <td>{{ r.me_too_count }}</td>
      <td>{{ r.due_on or "—" }} {% if r.overdue %}<p class="fr-badge fr-badge--sm fr-badge--error">En retard</p>{% endif %}</td>
      <td>{{ r.created_on }}</td>
    </tr>
  {% endfor %}"""
TEMPLATE_SELECT = """{% macro select(name, label, options, current, empty=None) -%}
<div class="fr-select-group">
  <label class="fr-label" for="f-{{ name }}">{{ label }}</label>
  <select class="fr-select" id="f-{{ name }}" name="{{ name }}">
    {% if empty %}<option value="">{{ empty }}</option>{% endif %}
    {% for value, text in options %}<option value="{{ value }}"{% if value == current %} selected{% endif %}>{{ text }}</option>{% endfor %}
  </select>
</div>
{%- endmacro %}{{ select(name, label, options, current, empty) }}"""


def test_board_rows_and_filters_written_in_python_are_the_templates_markup(app, world, db):
    from datetime import timedelta

    from app.common.timezones import utcnow
    from app.reports import board_html, bulk, labels
    from app.reports.rows import board_table_rows

    hostile = '<script>alert("x")</script> & \'y\''
    world.caf_app.name = f"caf.fr {hostile}"
    world.caf_procedure.title = f"Démarche {hostile}"
    world.dev_caf.full_name = f"Dév {hostile}"
    db.session.commit()
    labelled = file_report(world.agent, world.caf_app, procedure_id=world.caf_procedure.id, title=f"Titre {hostile}")
    label = labels.create_label(world.dev_caf, world.caf_team, f"Étiquette {hostile}", "pink-tuile")
    bulk.apply(world.dev_caf, [str(labelled.id)], "label", label_id=label.id)
    bulk.apply(world.dev_caf, [str(labelled.id)], "assign", assignee_id=world.dev_caf.id)
    late = _overdue(file_report(world.agent, world.caf_app, title="En retard"), db)
    answered = file_report(world.agent, world.caf_app, title="Répondue", problem_type="accessibility")
    triage.change_status(world.dev_caf, answered, "acknowledged", reason="Vu.")
    closed = file_report(world.agent, world.caf_app, title="Fermée")
    triage.change_status(world.dev_caf, closed, "wont_fix", reason="Non.")
    late.answer_due_at = utcnow() + timedelta(days=3)
    db.session.commit()
    options = board.board_options(world.dev_caf)
    page = board.board_page(world.dev_caf, board.BoardFilters(status="all"), None, 25, 1000,
                            applications=options.applications, team_labels=options.labels)
    assert len(page.items) == 4 and any(row.labels for row in page.items) and any(row.overdue for row in page.items)
    with app.test_request_context("/"):
        template = app.jinja_env.from_string(TEMPLATE_ROWS)
        for selectable in (True, False):
            expected = template.render(rows=page.items, bulk_form=selectable, report_url_prefix="/remontees/")
            assert str(board_table_rows(page.items, "/remontees/", selectable)) == expected
        assert "<script>" not in expected and "&lt;script&gt;" in expected
        select = app.jinja_env.from_string(TEMPLATE_SELECT)
        choices = (("a", "Un"), ("b&c", hostile), ("", "Vide"))
        for current in ("a", "b&c", "", "z"):
            for empty in (None, "", "Tous"):
                assert str(board_html.filter_select("f<", hostile, choices, current, empty)) == select.render(
                    name="f<", label=hostile, options=choices, current=current, empty=empty)


def test_board_row_dates_and_lateness_follow_the_reports_rules(app):
    """BoardRow works its dates and lateness out inline: the same answers as ReportState's rules, as_utc and
    day_text, for naive (SQLite) and aware timestamps, in the reader's zone, open or closed."""
    from datetime import UTC, datetime, timedelta
    from itertools import product

    from app.common.timezones import as_utc, day_text, timezone_for_department
    from app.reports.rows import BoardRow

    now = datetime(2026, 3, 1, 12, tzinfo=UTC)
    zone = timezone_for_department("974")
    late, soon, midnight = now - timedelta(hours=1), now + timedelta(hours=1), datetime(2026, 2, 28, 22, tzinfo=UTC)
    stamps = (None, late, soon, midnight, now)
    checked = 0
    for status, ack_due, answer_due, acknowledged, answered, naive in product(
            ("new", "fixed", "wont_fix"), stamps, stamps, (None, late), (None, late), (False, True)):
        stored = [value.replace(tzinfo=None) if naive and value is not None else value
                  for value in (midnight, ack_due, answer_due, acknowledged, answered)]
        row = BoardRow(1, "R-2026-000001", "t", "app", None, "bug", status, 1, 0, 0, *stored, now=now, zone=zone)
        due = row.next_due_at
        assert row.created_on == day_text(as_utc(row.created_at).astimezone(zone)) == "01/03/2026"
        assert row.due_on == (day_text(as_utc(due).astimezone(zone)) if due and row.is_open else "")
        assert row.overdue == (row.is_acknowledge_overdue(now) or row.is_answer_overdue(now))
        checked += row.overdue
    assert checked  # some rows were late
    assert BoardRow(1, "R", "t", "a", None, "bug", "new", 1, 0, 0, None, None, None, None, None,
                    now=now, zone=zone).created_on == ""


def test_the_board_reads_its_options_with_its_page_once_the_teams_services_are_known(app, world, db):
    """read_board: one query after the first read of a team's board; the page is never shown for services the team
    no longer has (or without one it now has): read again, once."""
    from app.reports.models import Application

    caf = file_report(world.agent, world.caf_app, title="Caf")
    ants = file_report(world.agent, world.ants_app, title="Titres")
    board._team_applications.clear()
    reader = world.dev_caf

    def read():
        _ = reader.organisation  # loaded (after the commits) before counting, as the user loader does
        with count_queries(app) as counter:
            options, page = board.read_board(reader, board.BoardFilters(status="all"), None, 25, 1000)
        return counter.count, [a.code for a in options.applications], [r.id for r in page.items], page.total

    assert read() == (2, [world.caf_app.code], [caf.id], 1)  # the options, then the page
    assert read() == (1, [world.caf_app.code], [caf.id], 1)  # both in one statement
    # The team takes the other service: the page read with the known services is not shown.
    db.session.get(Application, world.ants_app.id).team_id = reader.team_id
    db.session.commit()
    assert read() == (2, sorted([world.caf_app.code, world.ants_app.code], key=lambda code: {
        world.caf_app.code: world.caf_app.name, world.ants_app.code: world.ants_app.name}[code]),
        [ants.id, caf.id], 2)
    assert read()[0] == 1
    # And gives both away: no row of either is shown.
    for application in (world.caf_app, world.ants_app):
        db.session.get(Application, application.id).team_id = world.dev_ants.team_id
    db.session.commit()
    assert read() == (2, [], [], 0)
    assert read() == (1, [], [], 0)


def test_the_boards_one_statement_pages_sorts_and_names_labels_as_the_two_query_read(app, world, db):
    """The page read with the options (read_board) gives the rows, order, labels and totals board_page gives."""
    from app.reports import bulk, labels

    reports = [file_report(world.agent, world.caf_app, title=f"R{i}", people_affected=1 + i % 3,
                           citizen_blocked=bool(i % 2)) for i in range(7)]
    label = labels.create_label(world.dev_caf, world.caf_team, "Urgent", "pink-tuile")
    bulk.apply(world.dev_caf, [str(reports[2].id), str(reports[5].id)], "label", label_id=label.id)
    admin = UserFactory(role="admin")
    for reader in (world.dev_caf, admin):
        board.read_board(reader, board.BoardFilters(), None, 3, 1000)  # the team's services now known
        _ = reader.organisation  # loaded before counting, as the user loader does
        for sort in board.SORTS:
            for page_arg in ("1", "2", "3", "9"):
                filters = board.BoardFilters(status="all", sort=sort)
                with count_queries(app) as counter:
                    options, page = board.read_board(reader, filters, page_arg, 3, 1000)
                # An administrator has no team labels to name the rows' labels from: one more query for those.
                assert counter.count == 1 + (reader is admin and any(r.labels for r in page.items))
                expected = board.board_page(reader, filters, page_arg, 3, 1000, applications=options.applications,
                                            team_labels=options.labels)
                assert [(r.id, r.labels, r.assignee_name) for r in page.items] == [
                    (r.id, r.labels, r.assignee_name) for r in expected.items], (reader.role, sort, page_arg)
                assert (page.total, page.number, page.capped) == (expected.total, expected.number, expected.capped)
