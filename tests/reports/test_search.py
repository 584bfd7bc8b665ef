"""Similar-report search (acceptance 7): French stemming, accents ignored, same answers on SQLite and
PostgreSQL (this module runs in both passes of the suite)."""
from sqlalchemy import event

from app.reports import search, similar, triage
from app.reports.models import Report
from app.reports.rows import SimilarReport
from tests.reports.factories import file_report

ORIGINAL = {
    "title": "Impossible de valider la déclaration trimestrielle",
    "what_happened": "Le bouton Valider reste grisé quand l'usager déclare ses ressources trimestrielles.",
}
REWORDED = [
    # Other word forms of the same words: déclarer/déclaration, validation/valider, grisé/grisés...
    "Déclarations trimestrielles : la validation est impossible, boutons grisés",
    # Without accents, upper case, plural and conjugated verbs.
    "DECLARER SES RESSOURCES TRIMESTRIELLES : LE BOUTON RESTE GRISE, ON NE PEUT PAS VALIDER",
]
UNRELATED = {
    "title": "Attestation de paiement introuvable",
    "what_happened": "L'attestation de paiement n'apparaît pas dans l'espace personnel depuis mars.",
    "expected": "Télécharger le document.",
}


def test_normalisation_stems_and_strips_accents():
    assert search.stems("Déclarations trimestrielles") == search.stems("declarer trimestriel")
    assert search.stems("validation validé VALIDER") == ["valid", "valid", "valid"]
    assert search.stems("Le bouton est grisé, [NIR masqué] 2026") == ["bouton", "gris"]
    assert search.normalise("Cœur", "Élève") == "coeur elev"


def test_reworded_reports_are_found_on_this_database(world, db):
    target = file_report(world.agent, world.caf_app, **ORIGINAL)
    other = file_report(world.agent, world.caf_app, **UNRELATED)
    file_report(world.agent, world.ants_app, **ORIGINAL)  # same text, another service
    for text in REWORDED:
        found = similar.similar_reports(world.caf_app.id, text)
        assert [r.id for r in found] == [target.id], (db.engine.dialect.name, text)
    assert [r.id for r in similar.similar_reports(world.caf_app.id, "attestations de paiements")] == [other.id]
    assert similar.similar_reports(world.caf_app.id, "rendez-vous en préfecture annulé") == []
    # The application itself, or only its id.
    assert [r.id for r in similar.similar_reports(world.caf_app, REWORDED[0])] == [target.id]


def test_closed_reports_are_not_suggested(world):
    report = file_report(world.agent, world.caf_app, **ORIGINAL)
    assert similar.similar_reports(world.caf_app.id, REWORDED[0])
    triage.change_status(world.dev_caf, report, "wont_fix", reason="Comportement voulu.")
    assert similar.similar_reports(world.caf_app.id, REWORDED[0]) == []


def test_the_database_index_is_used(app, world, db):
    """SQLite goes through the FTS5 table, PostgreSQL through the stored search_vector column."""
    file_report(world.agent, world.caf_app, **ORIGINAL)
    statements = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        similar.similar_reports(world.caf_app.id, REWORDED[0])
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    sql = " ".join(statements)
    if db.engine.dialect.name == "postgresql":
        # The stored vector (GIN-indexed), never to_tsvector() recomputed for each report scanned.
        assert "reports.search_vector @@ to_tsquery" in sql and "to_tsvector" not in sql
    else:
        assert f"{search.FTS_TABLE} MATCH" in sql


def test_candidates_are_ranked_without_being_loaded(world, db):
    """Hundreds of candidates are ranked from their stems and impact; only the reports shown are read in full.

    PostgreSQL ranks them in the query that finds them (one query: nothing but the rows shown leaves the
    database); SQLite reads (id, people_total, search_text), ranks them in Python, then reads the few shown.
    """
    for i in range(8):
        file_report(world.agent, world.caf_app, title=f"{ORIGINAL['title']} {i}", what_happened=ORIGINAL["what_happened"])
    application_id = world.caf_app.id
    statements, parameters = [], []

    def record(conn, cursor, statement, params, *args):
        statements.append(statement)
        parameters.append(params)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        found = similar.similar_reports(application_id, REWORDED[0], limit=3)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert len(found) == 3 and all(isinstance(r, SimilarReport) for r in found)
    assert found[0].application_name == "caf.fr" and found[0].status_label == "Nouvelle"
    assert not any("catalog_applications" in s and "reports" not in s for s in statements)  # no lookup
    reading = [s for s in statements if "FROM reports" in s]
    if db.engine.dialect.name == "postgresql":
        assert len(reading) == 1, statements
        # Values in the SQL text, none as parameters: a prepared statement's generic plan would not
        # know how common the words are (and read every match through the GIN index).
        assert not parameters[statements.index(reading[0])]
        assert "to_tsquery('simple', '" in reading[0] and "ts_delete(" in reading[0]
        assert "search_text" not in reading[0]
    else:
        candidates = [s for s in reading if "ORDER BY reports.id DESC" in s]
        assert len(candidates) == 1
        assert candidates[0].split("FROM")[0].split() == [
            "SELECT", "reports.id,", "reports.people_total,", "reports.search_text"]
        assert len(reading) == 2, statements


def test_ties_are_broken_by_impact_then_newest_on_this_database(world, db):
    """Same score: more people first, then the newest; the reports come back in that order."""
    older = file_report(world.agent, world.caf_app, **ORIGINAL)
    newer = file_report(world.agent, world.caf_app, **ORIGINAL)
    wider = file_report(world.agent, world.caf_app, people_affected=4, **ORIGINAL)
    newest = file_report(world.agent, world.caf_app, **ORIGINAL)
    found = similar.similar_reports(world.caf_app.id, REWORDED[0])
    assert [r.id for r in found] == [wider.id, newest.id, newer.id, older.id], db.engine.dialect.name
    assert [r.id for r in similar.similar_reports(world.caf_app.id, REWORDED[0], limit=2)] == [wider.id, newest.id]
    assert [r.id for r in similar.similar_reports(world.caf_app.id, REWORDED[0], exclude_ids=[wider.id])] == [
        newest.id, newer.id, older.id]


def test_index_follows_updates(world, db):
    report = file_report(world.agent, world.caf_app, **UNRELATED)
    report.title = ORIGINAL["title"]
    report.what_happened = ORIGINAL["what_happened"]
    report.search_text = search.report_search_text(report)
    db.session.commit()
    assert [r.id for r in similar.similar_reports(world.caf_app.id, REWORDED[1])] == [report.id]
    assert db.session.get(Report, report.id).search_text.startswith("impossibl valid declar")


def test_board_search_uses_the_same_stems(app, world):
    from tests.factories import PASSWORD

    report = file_report(world.agent, world.caf_app, **ORIGINAL)
    file_report(world.agent, world.caf_app, **UNRELATED)
    client = app.test_client()
    client.post("/connexion", data={"email": world.dev_caf.email, "password": PASSWORD})
    page = client.get("/equipe/remontees?q=déclarations+grisées").get_data(as_text=True)
    assert f'href="/remontees/{report.reference}"' in page and "Attestation de paiement" not in page


VARIED = [
    ("Impossible de valider la déclaration", "Le bouton Valider reste grisé.", 1),
    ("Déclaration trimestrielle bloquée", "La page reste blanche après la validation de la déclaration.", 3),
    ("Bouton grisé", "Impossible de cliquer sur valider, le bouton reste grisé sur la déclaration trimestrielle.", 1),
    ("Page blanche", "Après la connexion la page reste blanche.", 2),
    ("Ressources trimestrielles", "Le montant des ressources trimestrielles est refusé à la validation.", 1),
    ("Attestation introuvable", "L'attestation de paiement n'apparaît pas.", 5),
    ("Validation refusée", "La validation est refusée sans message, le bouton reste grisé.", 1),
    ("Déclaration impossible", "Déclarer est impossible : bouton grisé, page blanche, ressources refusées.", 1),
]
QUERIES = [
    REWORDED[0], REWORDED[1], "page blanche après connexion", "bouton valider grisé",
    "attestation de paiement introuvable", "ressources trimestrielles refusées à la validation",
]


def test_ranking_in_the_database_is_the_python_ranking(world, db):
    """Whatever ranks (PostgreSQL's query, or Python on SQLite), the answer is `search.rank` over the candidates."""
    reports = [file_report(world.agent, world.caf_app, title=t, what_happened=w, people_affected=p)
               for t, w, p in VARIED * 2]
    triage.change_status(world.dev_caf, reports[3], "wont_fix", reason="Non.")
    file_report(world.agent, world.ants_app, title=VARIED[0][0], what_happened=VARIED[0][1])
    candidates = [r for r in db.session.scalars(db.select(Report).order_by(Report.id.desc()))
                  if r.application_id == world.caf_app.id and r.is_open]
    assert len(candidates) == 15
    for text in QUERIES:
        words = search.stems(text)
        matching = [r for r in candidates if set(words) & set(r.search_text.split())]
        for limit, excluded in ((5, []), (30, []), (3, [reports[1].id, reports[9].id])):
            kept = [r for r in matching if r.id not in excluded]
            expected = [r.id for r in search.rank(kept, words, limit)]
            found = similar.similar_reports(world.caf_app.id, text, limit=limit, exclude_ids=excluded)
            assert [r.id for r in found] == expected, (db.engine.dialect.name, text, limit)
            assert all(r.application_name == "caf.fr" for r in found)
        assert expected, text  # each query finds something: the comparison proves something


def test_stems_keep_only_words_postgresql_keeps_whole():
    """PostgreSQL's parser reads "1e1x" as two words and ignores words over 2047 characters: they are left
    out of the stems, so the stored vector has exactly the words of search_text on both databases."""
    assert search.stems(f"erreur 1e1x code 12e3abc 1e10 {'b' * 2048} page") == ["erreur", "cod", "1e10", "pag"]
    assert search.stems("b" * 2047) == ["b" * 2047]


def test_stored_vector_counts_the_words_of_search_text(world, db):
    from sqlalchemy import text

    report = file_report(world.agent, world.caf_app, title="Erreur 1e1x et 1e10 au code AB12",
                         what_happened=f"Erreur erreur : page blanche, 2eme essai, {'b' * 2100} {'c' * 2047}")
    if db.engine.dialect.name != "postgresql":
        assert "1e1x" not in report.search_text.split()
        return
    length = db.session.execute(text("SELECT length(search_vector) FROM reports WHERE id = :id"),
                                {"id": report.id}).scalar()
    assert length == len(set(report.search_text.split()))


def test_similar_page_shows_the_reduced_view(app, world, db):
    from tests.factories import PASSWORD
    from tests.query_counter import count_queries

    report = file_report(world.agent, world.caf_app, **ORIGINAL)

    def similar(user, application):
        client = app.test_client()
        client.post("/connexion", data={"email": user.email, "password": PASSWORD})
        with count_queries(app) as counter:
            response = client.post("/remontees/similaires", data={
                "application": application, "title": REWORDED[0], "what_happened": ""})
        assert response.status_code == 200
        return response.get_data(as_text=True), counter.statements

    page, statements = similar(world.other_agent, str(world.caf_app.id))
    assert f"{report.reference} — {ORIGINAL['title']}" in page and "caf.fr · 0 « moi aussi »" in page
    assert f'action="/remontees/{report.reference}/moi-aussi"' in page and "Nouvelle" in page
    assert not any("catalog_applications" in s and "reports" not in s for s in statements)  # no lookup
    own, _ = similar(world.agent, str(world.caf_app.id))
    assert report.reference in own and "moi-aussi" not in own  # the author does not join their own report
    for application in (str(world.ants_app.id), "999999", "caf-fr", ""):
        page, _ = similar(world.other_agent, application)
        assert "Aucune remontée ouverte ne ressemble à la vôtre pour l'instant." in page, application


def test_open_candidates_index_covers_exactly_the_open_statuses():
    # The partial index of migration a7c4e9d05b13 lists the open statuses: it must follow the workflow.
    import importlib.util
    from pathlib import Path

    from app.reports.similar import OPEN_VALUES

    path = next((Path(__file__).resolve().parents[2] / "migrations" / "versions").glob("*_a7c4e9d05b13_*.py"))
    spec = importlib.util.spec_from_file_location("open_index_migration", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert sorted(module.OPEN) == OPEN_VALUES


# The similar reports' cards as reports/_similar.html wrote them before they moved to Python (rows.similar_cards).
TEMPLATE_CARDS = """{% from "reports/_macros.html" import status_badge %}{% for r in similar %}
  <li class="fr-mb-3w">
    <div class="fr-card fr-card--sm fr-card--no-arrow">
      <div class="fr-card__body"><div class="fr-card__content">
        <h3 class="fr-card__title fr-h6">{{ r.reference }} — {{ r.title }}</h3>
        <p class="fr-card__desc">{{ r.summary }}</p>
        <div class="fr-card__start">
          <ul class="fr-badges-group"><li>{{ status_badge(r.status, r.status_label) }}</li></ul>
          <p class="fr-card__detail">{{ r.application_name }} · {{ r.me_too_count }} « moi aussi »</p>
        </div>
        <div class="fr-card__end">
          {% if current_user.role == "agent" and r.author_id != current_user.id %}
          <form method="post" action="{{ url_for('reports.me_too', reference=r.reference) }}">
            <input type="hidden" name="csrf_token" value="{{ csrf_token() }}">
            <input type="hidden" name="offer" value="{{ offer(r.id) }}">
            <div class="fr-input-group">
              <label class="fr-label" for="metoo-people-{{ r.id }}">Personnes concernées de votre côté</label>
              <input class="fr-input" type="number" min="1" max="100000" id="metoo-people-{{ r.id }}" name="people_affected" value="1">
            </div>
            <div class="fr-checkbox-group fr-mb-2w">
              <input type="checkbox" id="metoo-blocked-{{ r.id }}" name="citizen_blocked" value="y">
              <label class="fr-label" for="metoo-blocked-{{ r.id }}">La personne est bloquée</label>
            </div>
            <button class="fr-btn fr-btn--sm fr-btn--secondary" type="submit">Moi aussi<span class="fr-sr-only"> : {{ r.reference }}</span></button>
          </form>
          {% endif %}
        </div>
      </div></div>
    </div>
  </li>
{% endfor %}"""


def test_similar_cards_written_in_python_are_the_templates_markup(app, world, db):
    from flask import render_template_string
    from flask_login import login_user

    from app.common.urls import segment_url_builder
    from app.reports.rows import similar_cards

    hostile = '<script>alert("x")</script> & \'y\''
    world.caf_app.name = f"caf.fr {hostile}"
    db.session.commit()
    reports = [file_report(world.agent, world.caf_app, title=f"{ORIGINAL['title']} {hostile}",
                           what_happened=f"{ORIGINAL['what_happened']} {hostile} " + "long " * 60),
               file_report(world.other_agent, world.caf_app, **ORIGINAL)]
    triage.change_status(world.dev_caf, reports[1], "acknowledged", reason="Vu.")
    found = similar.similar_reports(world.caf_app.id, REWORDED[0])
    assert {r.id for r in found} == {r.id for r in reports}

    def offer(report_id):
        return f"offre-{report_id}&<>"

    for viewer in (world.agent, world.other_agent, world.dev_caf):
        with app.test_request_context("/"):
            login_user(viewer)
            expected = render_template_string(TEMPLATE_CARDS, similar=found, offer=offer)
            written = similar_cards(found, viewer, app.jinja_env.globals["csrf_token"](), offer,
                                    segment_url_builder("reports.me_too", "reference"))
            assert str(written) == expected, viewer.role
    assert "&lt;script&gt;" in expected and "<script>" not in expected
