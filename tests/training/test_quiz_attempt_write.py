"""What a quiz submission writes: the attempt and its audit line, committed (on PostgreSQL one statement,
audit.insert_audited; on SQLite the unit of work); a passing attempt that completes the module still records it."""
import pytest

from app.audit.models import AuditLog
from app.training import learning
from app.training.models import ModuleCompletion, QuizAttempt
from tests.training.conftest import RIGHT, WRONG


def _audit_lines(db, user):
    return db.session.scalars(db.select(AuditLog).where(AuditLog.actor_id == user.id,
                                                        AuditLog.action == "training.quiz_attempt")
                              .order_by(AuditLog.id)).all()


def test_a_failed_attempt_is_written_with_its_audit_line(curricula, make_user, db):
    agent = make_user()
    module = curricula["accueil-base"]
    outcome = learning.submit_attempt(agent, module, WRONG, submission_key="write-1")
    assert outcome.is_new and outcome.completion is None
    assert (outcome.attempt.id, outcome.attempt.score, outcome.attempt.passed) == (outcome.attempt_id, 0, False)
    db.session.rollback()  # nothing left uncommitted: what follows reads what was committed
    attempt = db.session.get(QuizAttempt, outcome.attempt_id)
    assert (attempt.user_id, attempt.version_id, attempt.score, attempt.passed, attempt.submission_key) == (
        agent.id, module.current_version_id, 0, False, "write-1")
    assert attempt.answers == WRONG and attempt.created_at is not None
    [line] = _audit_lines(db, agent)
    assert (line.target_type, line.target_id) == ("quiz_attempts", str(attempt.id))
    assert line.details == {"module": "accueil-base", "passed": False}
    # The same submission again records nothing new.
    again = learning.submit_attempt(agent, module, WRONG, submission_key="write-1")
    assert not again.is_new and again.attempt_id == attempt.id
    assert len(_audit_lines(db, agent)) == 1


def test_a_passing_attempt_before_reading_is_written_without_completion(curricula, make_user, db):
    agent = make_user()
    outcome = learning.submit_attempt(agent, curricula["accueil-base"], RIGHT)
    db.session.rollback()
    assert db.session.get(QuizAttempt, outcome.attempt_id).passed
    assert [line.target_id for line in _audit_lines(db, agent)] == [str(outcome.attempt_id)]
    assert db.session.scalar(db.select(ModuleCompletion.id).where(ModuleCompletion.user_id == agent.id)) is None


@pytest.mark.postgres
def test_the_same_submission_arriving_twice_at_once_keeps_the_first(curricula, make_user, db):
    """The one-statement write refused by the (user, submission_key) constraint: the first attempt is returned."""
    agent = make_user()
    module = curricula["accueil-base"]
    first = learning.submit_attempt(agent, module, WRONG, submission_key="race")
    # What the second request does when its own look-up ran before the first one's write was committed.
    values = {"user_id": agent.id, "version_id": module.current_version_id, "answers": WRONG, "score": 0,
              "passed": False, "submission_key": "race"}
    second = learning._insert_attempt(agent, module, values, [], "race")
    assert not second.is_new and second.attempt_id == first.attempt_id
    assert db.session.scalar(db.select(db.func.count(QuizAttempt.id)).where(QuizAttempt.user_id == agent.id)) == 1
    assert len(_audit_lines(db, agent)) == 1


def test_an_outcome_given_by_its_columns_makes_its_attempt_once_when_read(db):
    written = {"user_id": 1, "version_id": 2, "answers": {"q": ["a"]}, "score": 0, "passed": False,
               "submission_key": None}
    outcome = learning.AttemptOutcome(None, [], None, True, 7, written=written)
    assert outcome.attempt_id == 7 and outcome._attempt is None  # nothing built until read
    attempt = outcome.attempt
    assert outcome.attempt is attempt and attempt not in db.session
    assert (attempt.id, attempt.user_id, attempt.answers, attempt.passed) == (7, 1, {"q": ["a"]}, False)
    stored = QuizAttempt(id=9, **written)
    assert learning.AttemptOutcome(stored, [], None, False).attempt_id == 9  # an ORM attempt gives its id
