"""Similar-report search (acceptance 7): French stemming, accents ignored, same answers on SQLite and
PostgreSQL (this module runs in both passes of the suite)."""
from sqlalchemy import event

from app.reports import search, services, triage
from app.reports.models import Report
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
        found = services.similar_reports(world.caf_app, text)
        assert [r.id for r in found] == [target.id], (db.engine.dialect.name, text)
    assert [r.id for r in services.similar_reports(world.caf_app, "attestations de paiements")] == [other.id]
    assert services.similar_reports(world.caf_app, "rendez-vous en préfecture annulé") == []


def test_closed_reports_are_not_suggested(world):
    report = file_report(world.agent, world.caf_app, **ORIGINAL)
    assert services.similar_reports(world.caf_app, REWORDED[0])
    triage.change_status(world.dev_caf, report, "wont_fix", reason="Comportement voulu.")
    assert services.similar_reports(world.caf_app, REWORDED[0]) == []


def test_the_database_index_is_used(app, world, db):
    """SQLite goes through the FTS5 table, PostgreSQL through the stored search_vector column."""
    file_report(world.agent, world.caf_app, **ORIGINAL)
    statements = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        services.similar_reports(world.caf_app, REWORDED[0])
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    sql = " ".join(statements)
    if db.engine.dialect.name == "postgresql":
        # The stored vector (GIN-indexed), never to_tsvector() recomputed for each report scanned.
        assert "reports.search_vector @@ to_tsquery" in sql and "to_tsvector" not in sql
    else:
        assert f"{search.FTS_TABLE} MATCH" in sql


def test_candidates_are_ranked_from_plain_columns(world, db):
    """Hundreds of candidates are ranked from (id, search_text, people_total); only those shown are loaded."""
    for i in range(8):
        file_report(world.agent, world.caf_app, title=f"{ORIGINAL['title']} {i}", what_happened=ORIGINAL["what_happened"])
    statements, parameters = [], []

    def record(conn, cursor, statement, params, *args):
        statements.append(statement)
        parameters.append(params)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        found = services.similar_reports(world.caf_app, REWORDED[0], limit=3)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert len(found) == 3
    candidates = [s for s in statements if "ORDER BY reports.id DESC" in s]
    assert len(candidates) == 1
    assert candidates[0].split("FROM")[0].split() == [
        "SELECT", "reports.id,", "reports.search_text,", "reports.people_total"]
    if db.engine.dialect.name == "postgresql":
        # Values in the SQL text, none as parameters: a prepared statement's generic plan would not
        # know how common the words are (and read every match through the GIN index).
        assert not parameters[statements.index(candidates[0])]
        assert "to_tsquery('simple', '" in candidates[0]
    # The candidates, then the reports shown (the application's own refresh aside).
    assert len([s for s in statements if "FROM reports" in s]) == 2, statements


def test_ties_are_broken_by_impact_then_newest_on_this_database(world, db):
    """Same score: more people first, then the newest; the reports come back in that order."""
    older = file_report(world.agent, world.caf_app, **ORIGINAL)
    newer = file_report(world.agent, world.caf_app, **ORIGINAL)
    wider = file_report(world.agent, world.caf_app, people_affected=4, **ORIGINAL)
    newest = file_report(world.agent, world.caf_app, **ORIGINAL)
    found = services.similar_reports(world.caf_app, REWORDED[0])
    assert [r.id for r in found] == [wider.id, newest.id, newer.id, older.id], db.engine.dialect.name
    assert [r.id for r in services.similar_reports(world.caf_app, REWORDED[0], limit=2)] == [wider.id, newest.id]
    assert [r.id for r in services.similar_reports(world.caf_app, REWORDED[0], exclude_ids=[wider.id])] == [
        newest.id, newer.id, older.id]


def test_index_follows_updates(world, db):
    report = file_report(world.agent, world.caf_app, **UNRELATED)
    report.title = ORIGINAL["title"]
    report.what_happened = ORIGINAL["what_happened"]
    report.search_text = search.report_search_text(report)
    db.session.commit()
    assert [r.id for r in services.similar_reports(world.caf_app, REWORDED[1])] == [report.id]
    assert db.session.get(Report, report.id).search_text.startswith("impossibl valid declar")


def test_board_search_uses_the_same_stems(app, world):
    from tests.factories import PASSWORD

    report = file_report(world.agent, world.caf_app, **ORIGINAL)
    file_report(world.agent, world.caf_app, **UNRELATED)
    client = app.test_client()
    client.post("/connexion", data={"email": world.dev_caf.email, "password": PASSWORD})
    page = client.get("/equipe/remontees?q=déclarations+grisées").get_data(as_text=True)
    assert f'href="/remontees/{report.reference}"' in page and "Attestation de paiement" not in page
