"""Quizzes that measure: choices shuffled per attempt, empty submissions refused, review options."""
import re

from app.accounts import services as accounts
from app.training import learning
from app.training.models import QuizAttempt
from app.training.reference import ChoiceRef, QuestionRef
from app.training.services import module_by_slug
from tests.training.conftest import RIGHT, WRONG
from tests.training.learning_helpers import read_all_lessons

QUIZ = "/formation/modules/accueil-base/quiz"
API_QUIZ = "/api/v1/modules/accueil-base/quiz"


def _read_all(client):
    for lesson in ("bonjour", "ecouter"):
        assert client.post(f"/formation/modules/accueil-base/lecons/{lesson}/terminer").status_code == 302


def _order(html):
    """Choice ids per question, in the order the page shows them."""
    order = {}
    for qid, cid in re.findall(r'id="q-([a-z0-9-]+?)-([a-z0-9]+)" name=', html):
        order.setdefault(qid, []).append(cid)
    return order


def _headers(user):
    _t, raw = accounts.create_api_token(user, user)
    return {"Authorization": f"Bearer {raw}"}


def _synthetic_quiz():
    return tuple(
        QuestionRef(i, f"q{i}", "single", f"Question {i}", "", tuple(
            ChoiceRef(10 * i + j, chr(ord("a") + j), f"choix {j}", j == 0) for j in range(4)))
        for i in range(10)
    )


def test_shuffle_is_stable_per_learner_and_attempt_and_differs_otherwise():
    quiz = _synthetic_quiz()

    def order(user_id, number):
        return [[c.cid for c in q.choices] for q in learning.shuffled(quiz, user_id, 7, number)]

    assert order(1, 1) == order(1, 1)  # a reload or the result page: the same order
    assert order(1, 2) != order(1, 1)  # the next attempt
    assert order(2, 1) != order(1, 1)  # another learner
    assert order(1, 1) != [[c.cid for c in q.choices] for q in quiz]  # not the file order
    for shuffled, original in zip(learning.shuffled(quiz, 1, 7, 1), quiz, strict=True):
        assert sorted(shuffled.choices, key=lambda c: c.cid) == list(original.choices)  # same choices, same ids


def test_two_web_attempts_show_different_orders_and_score_by_id(client, login, curricula, db):
    agent = login()
    _read_all(client)
    orders, scores = [], []
    for number in range(1, 5):
        page = client.get(QUIZ).get_data(as_text=True)
        assert _order(client.get(QUIZ).get_data(as_text=True)) == _order(page)  # reload keeps the order
        orders.append(_order(page))
        answers = RIGHT if number % 2 == 0 else WRONG
        data = {"submission_key": f"k{number}", **{f"q-{qid}": cids for qid, cids in answers.items()}}
        response = client.post(QUIZ, data=data)
        assert response.status_code == 302
        result = client.get(response.location).get_data(as_text=True)
        shown = re.findall(r'id="res-(ab-q0\d)"', result)
        assert shown == ["ab-q01", "ab-q02"]
        scores.append(db.session.scalar(
            db.select(QuizAttempt.score).where(QuizAttempt.user_id == agent.id).order_by(QuizAttempt.id.desc())))
    assert len({repr(o) for o in orders}) > 1  # attempts do not all show the same order
    assert scores == [0, 100, 0, 100]  # scoring reads ids, not positions


def test_result_page_lists_choices_in_the_attempt_order(client, login, curricula, db):
    login()
    _read_all(client)
    order = _order(client.get(QUIZ).get_data(as_text=True))
    response = client.post(QUIZ, data={"submission_key": "k1", "q-ab-q01": "b", "q-ab-q02": "a"})
    result = client.get(response.location).get_data(as_text=True)
    section = result.split('id="review-ab-q02"')[1].split("</section>")[0]
    texts = {"a": "Reformuler", "b": "Laisser parler", "c": "Couper la parole"}
    positions = [section.index(texts[cid]) for cid in order["ab-q02"]]
    assert positions == sorted(positions)


def test_api_quiz_returns_the_order_of_the_next_attempt(client, make_user, curricula, db):
    agent = make_user()
    read_all_lessons(agent, "accueil-base")
    headers = _headers(agent)
    orders, scores = [], []
    for number in range(1, 5):
        body = client.get(API_QUIZ, headers=headers).get_json()
        again = client.get(API_QUIZ, headers=headers).get_json()
        assert again == body
        orders.append([[c["id"] for c in q["choices"]] for q in body["questions"]])
        web_version = learning.quiz_for_attempt(agent, module_by_slug("accueil-base").current_version)
        assert orders[-1] == [[c.cid for c in q.choices] for q in web_version]  # the same order as the web page
        answers = RIGHT if number % 2 == 0 else WRONG
        response = client.post(f"{API_QUIZ}/attempts", json={"answers": answers}, headers=headers)
        assert response.status_code == 201
        scores.append(response.get_json()["score"])
    assert len({repr(o) for o in orders}) > 1
    assert scores == [0, 100, 0, 100]


def test_empty_web_submission_is_refused_with_the_error_summary(client, login, curricula, db):
    login()
    _read_all(client)
    response = client.post(QUIZ, data={"submission_key": "k1"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Le formulaire contient 1 erreur" in html and "Aucune réponse cochée" in html
    assert 'href="#question-ab-q01"' in html and 'id="question-ab-q01"' in html
    assert db.session.scalar(db.select(db.func.count(QuizAttempt.id))) == 0
    partial = client.post(QUIZ, data={"submission_key": "k1", "q-ab-q01": "a"})  # one answer: recorded
    assert partial.status_code == 302
    assert db.session.scalar(db.select(db.func.count(QuizAttempt.id))) == 1


def test_empty_api_submission_is_a_400_and_not_recorded(client, make_user, curricula, db):
    headers = _headers(make_user())
    for answers in ({}, {"ab-q01": [], "ab-q02": []}):
        response = client.post(f"{API_QUIZ}/attempts", json={"answers": answers}, headers=headers)
        assert response.status_code == 400
        error = response.get_json()["error"]
        assert error["code"] == "empty_answers" and "Aucune réponse" in error["message"]
    assert db.session.scalar(db.select(db.func.count(QuizAttempt.id))) == 0


def test_failed_attempt_shows_wrong_questions_and_picked_explanations_only(client, login, curricula):
    login()
    _read_all(client)
    response = client.post(QUIZ, data={"submission_key": "k1", "q-ab-q01": "b", "q-ab-q02": "a"})
    html = client.get(response.location).get_data(as_text=True)
    assert "Quiz non réussi" in html and "2 questions sur 2 sont incorrectes" in html
    first = html.split('id="review-ab-q01"')[1].split("</section>")[0]
    assert "Réponse incorrecte" in first
    assert "« Suivant » appelle la personne sans la saluer." in first  # the picked choice's own explanation
    second = html.split('id="review-ab-q02"')[1].split("</section>")[0]
    assert "Réponse incorrecte" in second and "Juste : reformuler vérifie la compréhension." in second
    assert "Juste : on laisse la personne" not in second  # a choice not picked: no explanation before passing
    # Never the correct choice: neither its marker, its explanation, nor a question explanation naming it.
    assert "Juste : saluer ouvre" not in html and "On salue la personne avant tout." not in html
    assert "Reformuler et laisser parler." not in html and "bonne réponse</strong>" not in html
    assert re.search(r'<a class="fr-btn" id="retry" href="/formation/modules/accueil-base/quiz">Réessayer</a>', html)
    assert 'id="score-label">Votre score : 0 % — seuil de réussite : 50 %' in html
    assert '<progress max="100" value="0" aria-labelledby="score-label">' in html


def test_once_passed_every_explanation_and_the_correct_answers_are_shown(client, login, curricula):
    login()
    _read_all(client)
    failed = client.post(QUIZ, data={"submission_key": "k1", "q-ab-q01": "b", "q-ab-q02": "c"})
    passed = client.post(QUIZ, data={"submission_key": "k2", "q-ab-q01": "a", "q-ab-q02": ["a", "b"]})
    for location in (failed.location, passed.location):  # the earlier failed attempt too, now the quiz is passed
        html = client.get(location).get_data(as_text=True)
        assert "Corrigé" in html
        assert "Juste : saluer ouvre l&#39;échange." in html and "« Suivant » appelle la personne" in html
        assert "On salue la personne avant tout." in html and "Reformuler et laisser parler." in html
        assert html.count('<strong class="pas-correct">bonne réponse</strong>') == 3  # ab-q01: a; ab-q02: a and b


def test_api_review_hides_answers_until_the_quiz_is_passed(client, make_user, curricula):
    headers = _headers(make_user())
    failed = client.post(f"{API_QUIZ}/attempts", json={"answers": {"ab-q01": ["b"], "ab-q02": ["a"]}},
                         headers=headers).get_json()
    q1 = next(q for q in failed["review"] if q["id"] == "ab-q01")
    assert q1["right"] is False and q1["explanation"] is None
    assert {c["id"]: (c["chosen"], c["correct"], c["explanation"]) for c in q1["choices"]} == {
        "a": (False, None, None), "b": (True, None, "« Suivant » appelle la personne sans la saluer.")}
    passed = client.post(f"{API_QUIZ}/attempts", json={"answers": RIGHT}, headers=headers).get_json()
    q1 = next(q for q in passed["review"] if q["id"] == "ab-q01")
    assert q1["explanation"] == "On salue la personne avant tout."
    assert {c["id"]: (c["correct"], c["explanation"]) for c in q1["choices"]} == {
        "a": (True, "Juste : saluer ouvre l'échange."), "b": (False, "« Suivant » appelle la personne sans la saluer.")}
