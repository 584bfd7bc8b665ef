"""Training API: quiz without answers, lessons done, attempts with Idempotency-Key, progress."""
from app.accounts import services as accounts
from app.training.models import QuizAttempt
from tests.query_counter import count_queries
from tests.training.conftest import RIGHT


def _headers(user):
    _t, raw = accounts.create_api_token(user, user)
    return {"Authorization": f"Bearer {raw}"}


def test_quiz_json_has_no_correct_answers(client, make_user, curricula):
    headers = _headers(make_user())
    body = client.get("/api/v1/modules/accueil-base/quiz", headers=headers).get_json()
    assert body["pass_mark"] == 50
    assert [q["id"] for q in body["questions"]] == ["ab-q01", "ab-q02"]
    # Choices come in the order of the caller's next attempt; ids and texts are unchanged.
    assert sorted(body["questions"][0]["choices"], key=lambda c: c["id"]) == [
        {"id": "a", "text": "Bonjour"}, {"id": "b", "text": "Suivant"}]
    assert "correct" not in str(body).lower() and "explanation" not in str(body)


def test_lesson_done_and_attempt_and_progress(client, make_user, curricula, test_path, db):
    from app.training import learning

    agent = make_user()
    learning.enrol(agent, test_path)
    headers = _headers(agent)
    for lesson in ("bonjour", "ecouter"):
        response = client.post(f"/api/v1/modules/accueil-base/lessons/{lesson}/done", headers=headers)
        assert response.status_code == 200 and response.get_json()["done"] is True
    response = client.post("/api/v1/modules/accueil-base/quiz/attempts", json={"answers": RIGHT},
                           headers={**headers, "Idempotency-Key": "abc-1"})
    assert response.status_code == 201
    body = response.get_json()
    assert body["score"] == 100 and body["passed"] is True and body["module_completed"] is True
    again = client.post("/api/v1/modules/accueil-base/quiz/attempts", json={"answers": RIGHT},
                        headers={**headers, "Idempotency-Key": "abc-1"})
    assert again.status_code == 200 and again.get_json()["attempt_id"] == body["attempt_id"]
    assert db.session.scalar(db.select(db.func.count(QuizAttempt.id))) == 1
    progress = client.get("/api/v1/me/progress", headers=headers).get_json()
    path = progress["paths"][0]
    assert path["code"] == "PARCOURS-TEST" and path["percent"] == 50
    assert [(m["slug"], m["status"], m["percent"]) for m in path["modules"]] == [
        ("accueil-base", "completed", 100), ("caf-essentiel", "not_started", 0)]


def test_api_bad_input(client, make_user, curricula, db):
    headers = _headers(make_user())
    foreign = client.post("/api/v1/modules/accueil-base/quiz/attempts",
                          json={"answers": {"caf-t-q01": ["a"]}}, headers=headers)
    assert foreign.status_code == 400 and foreign.get_json()["error"]["code"] == "invalid_answers"
    bad_choice = client.post("/api/v1/modules/accueil-base/quiz/attempts",
                             json={"answers": {"ab-q01": ["zz"]}}, headers=headers)
    assert bad_choice.status_code == 400 and "zz" in bad_choice.get_json()["error"]["message"]
    missing = client.post("/api/v1/modules/accueil-base/quiz/attempts", json={}, headers=headers)
    assert missing.status_code == 400 and "answers" in missing.get_json()["error"]["fields"]
    assert db.session.scalar(db.select(db.func.count(QuizAttempt.id))) == 0
    locked = client.get("/api/v1/modules/caf-essentiel/quiz", headers=headers)
    assert locked.status_code == 403 and "Accueil de base" in locked.get_json()["error"]["message"]
    locked_post = client.post("/api/v1/modules/caf-essentiel/quiz/attempts",
                              json={"answers": {"caf-t-q01": ["a"]}}, headers=headers)
    assert locked_post.status_code == 403
    assert client.get("/api/v1/modules/nope/quiz", headers=headers).status_code == 404
    assert client.post("/api/v1/modules/accueil-base/lessons/nope/done", headers=headers).status_code == 404


def test_quiz_submission_query_count_does_not_grow(app, client, make_user, curricula, db):
    from app.training import learning

    agent = make_user()
    headers = _headers(agent)
    client.get("/api/v1/me", headers=headers)  # records the token's first use
    with count_queries(app) as first:
        client.post("/api/v1/modules/accueil-base/quiz/attempts", json={"answers": {"ab-q01": ["b"]}},
                    headers=headers)
    for _ in range(5):
        learning.submit_attempt(agent, curricula["accueil-base"], {"ab-q01": ["b"]})
    with count_queries(app) as later:
        client.post("/api/v1/modules/accueil-base/quiz/attempts", json={"answers": {"ab-q01": ["b"]}},
                    headers=headers)
    assert first.count == later.count


def test_dashboard_query_count_does_not_grow_with_modules(app, client, login, curricula, test_path, db):
    from app.training import learning
    from app.training.curricula.importer import import_curricula

    agent = login()
    learning.enrol(agent, test_path)
    client.get("/agent")  # the first view of a session also moves the « last visit » marker (one write)
    with count_queries(app) as small:
        assert client.get("/agent").status_code == 200
    import_curricula("curricula")
    from app.training.models import TrainingPath

    for path in db.session.scalars(db.select(TrainingPath).where(TrainingPath.owner_id.is_(None))):
        learning.enrol(agent, path)
    with count_queries(app) as large:
        html = client.get("/agent").get_data(as_text=True)
    assert "initial" in html.lower()
    assert small.count == large.count
