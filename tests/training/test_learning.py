"""Lessons, quizzes, scoring, prerequisites, completion, double submission."""
from app.training import learning
from app.training.models import LessonProgress, ModuleCompletion, QuizAttempt
from app.training.signals import module_completed
from tests.training.conftest import LESSON_FRONT_MATTER, RIGHT


def _tags(html):
    """(tag, attributes) of every element actually present in an HTML fragment."""
    from html.parser import HTMLParser

    found = []

    class Collector(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, attrs))

    Collector().feed(html)
    return found


def _read_all(client, slug, lessons):
    for lesson in lessons:
        assert client.post(f"/formation/modules/{slug}/lecons/{lesson}/terminer").status_code == 302


def test_quiz_html_never_contains_correct_answers(client, login, curricula):
    login()
    html = client.get("/formation/modules/accueil-base/quiz").get_data(as_text=True)
    assert "Que dit-on d&#39;abord ?" in html
    assert "correct" not in html.lower()
    assert "bonne réponse" not in html.lower()
    assert "On salue la personne avant tout." not in html  # explanations only after answering
    # Choices are rendered in file order, whatever is right.
    assert html.index('value="a"') < html.index('value="b"')


def test_scoring_single_and_multiple(curricula, make_user):
    questions = learning.quiz_of(curricula["accueil-base"].current_version)
    assert learning.score_answers(questions, RIGHT)[0] == 100
    assert learning.score_answers(questions, {"ab-q01": ["a"], "ab-q02": ["a"]})[0] == 50  # subset: wrong
    assert learning.score_answers(questions, {"ab-q01": ["a"], "ab-q02": ["a", "b", "c"]})[0] == 50  # superset
    assert learning.score_answers(questions, {"ab-q01": ["a", "b"], "ab-q02": ["b", "a"]})[0] == 50
    assert learning.score_answers(questions, {})[0] == 0


def test_fail_then_pass_then_completion(client, login, curricula, db):
    agent = login()
    received = []
    module_completed.connect(
        lambda sender, **kw: received.append((kw["user"].id, kw["module"].slug, kw["version"].number,
                                              kw["completion"].id)),
        weak=False,
    )
    try:
        _read_all(client, "accueil-base", ["bonjour", "ecouter"])
        failed = client.post("/formation/modules/accueil-base/quiz",
                             data={"submission_key": "k1", "q-ab-q01": "b", "q-ab-q02": "a"})
        assert failed.status_code == 302
        result = client.get(failed.location).get_data(as_text=True)
        # Before the quiz is passed, the explanation that names the answer of a wrong question stays hidden.
        assert "Quiz non réussi" in result and "On salue la personne avant tout." not in result
        assert db.session.scalar(db.select(ModuleCompletion).where(ModuleCompletion.user_id == agent.id)) is None
        passed = client.post("/formation/modules/accueil-base/quiz",
                             data={"submission_key": "k2", "q-ab-q01": "a", "q-ab-q02": ["a", "b"]})
        passed_page = client.get(passed.location).get_data(as_text=True)
        assert "Quiz réussi" in passed_page and "On salue la personne avant tout." in passed_page
    finally:
        module_completed.receivers.clear()
    completion = db.session.scalar(db.select(ModuleCompletion).where(ModuleCompletion.user_id == agent.id))
    assert completion.version_id == curricula["accueil-base"].current_version_id
    assert completion.score == 100 and completion.organisation_id == agent.organisation_id
    assert received == [(agent.id, "accueil-base", 1, completion.id)]
    attempts = db.session.scalars(db.select(QuizAttempt).where(QuizAttempt.user_id == agent.id)
                                  .order_by(QuizAttempt.id)).all()
    assert [(a.score, a.passed) for a in attempts] == [(0, False), (100, True)]
    assert attempts[0].answers == {"ab-q01": ["b"], "ab-q02": ["a"]}


def test_passing_quiz_before_reading_completes_on_last_lesson(client, login, curricula, db):
    agent = login()
    client.post("/formation/modules/accueil-base/quiz", data={"q-ab-q01": "a", "q-ab-q02": ["a", "b"]})
    assert db.session.scalar(db.select(ModuleCompletion.id).where(ModuleCompletion.user_id == agent.id)) is None
    _read_all(client, "accueil-base", ["bonjour", "ecouter"])
    assert db.session.scalar(db.select(ModuleCompletion.id).where(ModuleCompletion.user_id == agent.id))


def test_double_submission_records_one_attempt(client, login, curricula, db):
    agent = login()
    data = {"submission_key": "same-key", "q-ab-q01": "a", "q-ab-q02": "a"}
    first = client.post("/formation/modules/accueil-base/quiz", data=data)
    second = client.post("/formation/modules/accueil-base/quiz", data=data)
    assert first.location == second.location
    count = db.session.scalar(db.select(db.func.count(QuizAttempt.id)).where(QuizAttempt.user_id == agent.id))
    assert count == 1


def test_prerequisites_enforced(client, login, curricula, db):
    login()
    page = client.get("/formation/modules/caf-essentiel").get_data(as_text=True)
    assert "Module verrouillé" in page and "Terminez d&#39;abord : Accueil de base." in page
    assert client.get("/formation/modules/caf-essentiel/quiz").status_code == 403
    assert client.get("/formation/modules/caf-essentiel/lecons/missions").status_code == 403
    response = client.post("/formation/modules/caf-essentiel/quiz", data={"q-caf-t-q01": "a"})
    assert response.status_code == 403
    assert db.session.scalar(db.select(db.func.count(QuizAttempt.id))) == 0
    _read_all(client, "accueil-base", ["bonjour", "ecouter"])
    client.post("/formation/modules/accueil-base/quiz", data={"q-ab-q01": "a", "q-ab-q02": ["a", "b"]})
    assert client.get("/formation/modules/caf-essentiel/quiz").status_code == 200


def test_foreign_ids_give_400_and_no_attempt(curricula, make_user, db):
    agent = make_user()
    module = curricula["accueil-base"]
    for answers in ({"caf-t-q01": ["a"]}, {"ab-q01": ["z"]}, {"ab-q01": "a"}):
        try:
            learning.submit_attempt(agent, module, answers)
        except learning.InvalidAnswers as exc:
            assert str(exc)
        else:
            raise AssertionError(f"accepted {answers}")
    assert db.session.scalar(db.select(db.func.count(QuizAttempt.id))) == 0


def test_unknown_module_or_lesson_is_404(client, login, curricula):
    login()
    assert client.get("/formation/modules/inconnu").status_code == 404
    assert client.get("/formation/modules/accueil-base/lecons/inconnue").status_code == 404
    assert client.post("/formation/modules/accueil-base/lecons/inconnue/terminer").status_code == 404
    assert client.get("/formation/modules/inconnu/quiz").status_code == 404


def test_lesson_markdown_is_sanitised(client, login, fixture_tree, db):
    from app.training.curricula.importer import import_curricula

    lesson = fixture_tree / "modules" / "accueil-base" / "lessons" / "01-bonjour.md"
    lesson.write_text(
        LESSON_FRONT_MATTER + "## Titre\n\n<script>alert('x')</script>\n\n<img src=x onerror=alert(1)>\n\n"
        "[clic](javascript:alert(1)) [ok](https://www.service-public.fr/)\n\n"
        '<a href="javascript:alert(2)" onclick="alert(3)">lien</a>\n', encoding="utf-8")
    import_curricula(fixture_tree)
    login()
    html = client.get("/formation/modules/accueil-base/lecons/bonjour").get_data(as_text=True)
    body = html.split('<article class="pas-lesson">')[1].split("</article>")[0]
    tags = _tags(body)
    assert {name for name, _attrs in tags} <= {"h2", "p", "a"}
    for _name, attrs in tags:
        assert not any(key.startswith("on") for key, _value in attrs)
        assert not any(key == "href" and not value.startswith("https://") for key, value in attrs)
    assert '<a href="https://www.service-public.fr/" rel="noopener noreferrer">ok</a>' in body


def test_resume_where_one_left_off(client, login, curricula):
    login()
    client.post("/formation/modules/accueil-base/lecons/bonjour/terminer")
    page = client.get("/formation/modules/accueil-base").get_data(as_text=True)
    assert "Reprendre : Écouter" in page


def test_lesson_done_twice_records_once(client, login, curricula, db):
    agent = login()
    for _ in range(2):
        client.post("/formation/modules/accueil-base/lecons/bonjour/terminer")
    count = db.session.scalar(db.select(db.func.count(LessonProgress.id)).where(LessonProgress.user_id == agent.id))
    assert count == 1


def test_catalogue_filters_and_search(client, login, curricula):
    login()
    everything = client.get("/formation/").get_data(as_text=True)
    assert "Accueil de base" in everything and "L&#39;essentiel de la CAF" in everything
    core = client.get("/formation/?type=core").get_data(as_text=True)
    assert "Accueil de base" in core and "essentiel de la CAF" not in core
    caf = client.get("/formation/?partenaire=caf").get_data(as_text=True)
    assert "essentiel de la CAF" in caf and "Accueil de base" not in caf
    comp = client.get("/formation/?competence=A2.1").get_data(as_text=True)
    assert "essentiel de la CAF" in comp and "Accueil de base" not in comp
    # The filter reads the self-study time: 1 min for caf-essentiel, 2 min for accueil-base (the rest is group work).
    short = client.get("/formation/?duree=1").get_data(as_text=True)
    assert "essentiel de la CAF" in short and "Accueil de base" not in short
    search = client.get("/formation/?q=allocataires").get_data(as_text=True)
    assert "essentiel de la CAF" in search and "Accueil de base" not in search


def test_enrol_and_dashboard_progress_moves(client, login, curricula, test_path):
    login()
    client.post("/formation/parcours/PARCOURS-TEST/inscription")
    dashboard = client.get("/agent").get_data(as_text=True)
    assert "Parcours de test" in dashboard and 'value="0"' in dashboard
    assert "Prochaine étape" in dashboard and "Accueil de base" in dashboard
    assert "Continuer la formation : Accueil de base" in dashboard  # in the « à faire » list too
    _read_all(client, "accueil-base", ["bonjour"])
    after = client.get("/agent").get_data(as_text=True)
    # The path counts completed modules (« 0 module terminé sur 2 »): a half-read module is not progress
    # of the path yet; the module itself shows 33 % (1 of its 3 steps).
    assert 'value="0"' in after and "0 module terminé sur 2" in after
    assert "(33 %)" in after


def test_module_page_lists_the_latest_twenty_attempts(client, login, curricula, db):
    login()
    for i in range(23):
        client.post("/formation/modules/accueil-base/quiz",
                    data={"submission_key": f"k{i}", "q-ab-q01": "b", "q-ab-q02": "a"})
    page = client.get("/formation/modules/accueil-base").get_data(as_text=True)
    assert page.count("/quiz/tentatives/") == 20
    assert "Vos tentatives (20 plus récentes)" in page


def test_dashboard_lists_dated_paths_first_with_due_date_and_overdue(client, login, curricula, db):
    from datetime import date, timedelta

    from app.training.models import Enrolment, TrainingPath

    agent = login()
    db.session.add(TrainingPath(code="PARCOURS-DATE", title="Parcours à échéance", description=""))
    db.session.flush()
    paths = db.session.scalars(db.select(TrainingPath).order_by(TrainingPath.id)).all()
    overdue = date.today() - timedelta(days=3)
    db.session.add(Enrolment(user_id=agent.id, path_id=paths[0].id))
    db.session.add(Enrolment(user_id=agent.id, path_id=paths[1].id, due_on=overdue))
    db.session.commit()
    page = client.get("/agent").get_data(as_text=True)
    assert page.index(paths[1].title) < page.index(paths[0].title)  # the dated path first
    assert f"Échéance : {overdue.strftime('%d/%m/%Y')}." in page


def test_completion_signal_carries_the_models_when_the_quiz_page_used_the_cache(client, login, curricula, db):
    from app.training.models import Module, ModuleVersion

    login()
    _read_all(client, "accueil-base", ["bonjour", "ecouter"])
    received = []
    module_completed.connect(lambda sender, **kw: received.append((kw["module"], kw["version"])), weak=False)
    try:
        response = client.post("/formation/modules/accueil-base/quiz",
                               data={"submission_key": "cache", "q-ab-q01": "a", "q-ab-q02": ["a", "b"]})
        assert response.status_code == 302
    finally:
        module_completed.receivers.clear()
    (module, version), = received
    assert isinstance(module, Module) and module.slug == "accueil-base"
    assert isinstance(version, ModuleVersion) and version.id == curricula["accueil-base"].current_version_id


def test_quiz_submission_checks_the_csrf_token_and_shows_the_form_again_with_it(app, client, login, curricula, db):
    """The POST builds no form: the token is CSRFProtect's check, before the view; the form is built again only
    to show the quiz with its error (its CSRF input and the submission key sent)."""
    from tests.conftest import csrf_token_from

    agent = login()
    app.config["WTF_CSRF_ENABLED"] = True  # the db fixture turns it off again after the test
    token = csrf_token_from(client.get("/formation/modules/accueil-base/quiz").get_data(as_text=True))
    answers = {"submission_key": "csrf-1", "q-ab-q01": "a", "q-ab-q02": "a"}
    for refused in ({}, {"csrf_token": "not-a-token"}):
        response = client.post("/formation/modules/accueil-base/quiz", data={**answers, **refused})
        assert response.status_code == 400 and "Rechargez la page" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(QuizAttempt.id))) == 0
    empty = client.post("/formation/modules/accueil-base/quiz", data={"csrf_token": token, "submission_key": "csrf-2"})
    html = empty.get_data(as_text=True)
    assert empty.status_code == 400 and "Aucune réponse cochée" in html
    assert csrf_token_from(html) and '<input name="submission_key" type="hidden" value="csrf-2">' in html
    accepted = client.post("/formation/modules/accueil-base/quiz", data={**answers, "csrf_token": token})
    [attempt] = db.session.scalars(db.select(QuizAttempt).where(QuizAttempt.user_id == agent.id)).all()
    assert accepted.status_code == 302 and accepted.location.endswith(f"/quiz/tentatives/{attempt.id}")
    assert (attempt.submission_key, attempt.score) == ("csrf-1", 50)
