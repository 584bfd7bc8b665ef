"""The training catalogue cache: read once per period per process, dropped by an import."""
import pytest

from app.common import refcache
from app.training import reference
from app.training.curricula.importer import import_curricula
from tests.query_counter import count_queries

CATALOGUE_QUERIES = 4  # modules with versions, lesson counts, prerequisites, paths with their modules


@pytest.fixture
def cached(app):
    app.config["REFERENCE_CACHE_SECONDS"] = 60
    reference.invalidate()
    yield
    app.config["REFERENCE_CACHE_SECONDS"] = 0
    reference.invalidate()


def _dashboard_queries(app, client):
    with count_queries(app) as counter:
        page = client.get("/agent")
    assert page.status_code == 200
    return counter.count, page.get_data(as_text=True)


def test_second_request_reads_no_catalogue(app, client, login, curricula, cached):
    login()
    client.post("/formation/parcours/PARCOURS-TEST/inscription")
    client.get("/agent")  # the first view of a session also moves the « last visit » marker (one write)
    reference.invalidate()
    first, _ = _dashboard_queries(app, client)
    second, page = _dashboard_queries(app, client)
    assert first - second == CATALOGUE_QUERIES
    assert "Parcours de test" in page and "Accueil de base" in page


def test_without_cache_every_request_reads_the_catalogue(app, client, login, curricula):
    assert app.config["REFERENCE_CACHE_SECONDS"] == 0
    login()
    client.post("/formation/parcours/PARCOURS-TEST/inscription")
    client.get("/agent")  # the first view of a session also moves the « last visit » marker (one write)
    first, _ = _dashboard_queries(app, client)
    second, _ = _dashboard_queries(app, client)
    assert first == second


def test_an_import_drops_the_cache(app, client, login, fixture_tree, db, cached):
    import_curricula(str(fixture_tree))
    login()
    client.post("/formation/parcours/PARCOURS-TEST/inscription")
    assert "Accueil de base" in _dashboard_queries(app, client)[1]
    module_file = fixture_tree / "modules" / "accueil-base" / "module.yaml"
    module_file.write_text(module_file.read_text().replace("title: Accueil de base", "title: Accueil renouvelé"))
    import_curricula(str(fixture_tree))
    page = _dashboard_queries(app, client)[1]
    assert "Accueil renouvelé" in page and "Accueil de base" not in page


def test_cached_catalogue_expires(app, client, login, curricula, cached, monkeypatch):
    login()
    client.post("/formation/parcours/PARCOURS-TEST/inscription")
    _dashboard_queries(app, client)
    clock = refcache.time.monotonic() + 61
    monkeypatch.setattr(refcache.time, "monotonic", lambda: clock)
    with app.test_request_context():
        with count_queries(app) as counter:
            reference.catalogue()
    assert counter.count == CATALOGUE_QUERIES


def test_quiz_is_read_once_per_version(app, client, login, curricula, cached):
    login()
    url = "/formation/modules/accueil-base/quiz"
    with count_queries(app) as first:
        page = client.get(url)
    with count_queries(app) as second:
        again = client.get(url)
    assert page.status_code == again.status_code == 200
    # The first request also read the catalogue (4 queries) and the quiz (1 query).
    assert first.count - second.count == CATALOGUE_QUERIES + 1
    assert page.get_data(as_text=True).count('name="q-ab-q01"') == again.get_data(as_text=True).count(
        'name="q-ab-q01"') > 0


def test_cached_quiz_keeps_order_and_answers(app, curricula, cached):
    from app.training import learning

    version = curricula["accueil-base"].current_version
    with app.test_request_context():
        questions = learning.quiz_of(version)
        assert [q.qid for q in questions] == ["ab-q01", "ab-q02"]
        assert [c.cid for c in questions[1].choices] == sorted(c.cid for c in questions[1].choices)
        assert learning.score_answers(questions, {"ab-q01": ["a"], "ab-q02": ["a", "b"]})[0] == 100
        assert learning.quiz_of(version) == questions


def test_reference_values_are_kept_per_application_and_forgotten_by_prefix(app, cached):
    from app import create_app

    other = create_app("test", SQLALCHEMY_DATABASE_URI="sqlite://", REFERENCE_CACHE_SECONDS=60)
    loads = []
    with app.app_context():
        assert refcache.cached("training.x", lambda: loads.append("a") or "a") == "a"
        assert refcache.cached("training.x", lambda: loads.append("again") or "again") == "a"
        assert refcache.cached(("passports.y", 1), lambda: "y") == "y"
    with other.app_context():  # another app (another database) has its own values
        assert refcache.cached("training.x", lambda: loads.append("b") or "b") == "b"
    with app.app_context():
        refcache.forget("training.")
        assert refcache.cached("training.x", lambda: loads.append("c") or "c") == "c"
        assert refcache.cached(("passports.y", 1), lambda: "reloaded") == "y"  # other prefix kept
    assert loads == ["a", "b", "c"]


def test_lesson_page_reads_only_the_user_and_their_progress(app, client, login, curricula, cached):
    login()
    url = "/formation/modules/accueil-base/lecons/bonjour"
    assert client.get(url).status_code == 200  # fills the caches
    with count_queries(app) as counter:
        page = client.get(url)
    assert page.status_code == 200
    assert counter.count == 2  # the signed-in user, then their progress
    text = page.get_data(as_text=True)
    assert "On dit <strong>bonjour</strong> et on sourit." in text  # the Markdown body, rendered
    assert client.get("/formation/modules/accueil-base/lecons/inconnue").status_code == 404
    assert client.get("/formation/modules/inconnu/lecons/bonjour").status_code == 404
