"""Learning use cases: enrol, assign, read lessons, take quizzes, complete modules."""
import random
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy.exc import IntegrityError

from app.accounts import queries
from app.accounts.models import User
from app.audit.services import audit, insert_audited
from app.common.models import utcnow
from app.common.sql import commit_keeping_loaded
from app.common.urls import local_path
from app.extensions import db
from app.notifications.services import notify
from app.training import reference
from app.training.lrs.queue import is_enabled as lrs_enabled
from app.training.models import (
    Enrolment,
    Lesson,
    LessonProgress,
    Module,
    ModuleCompletion,
    Question,
    QuizAttempt,
    TrainingPath,
)
from app.training.progress import module_state
from app.training.services import record_completion
from app.training.signals import module_completed


class TrainingError(ValueError):
    """Refused input, with a French message."""


class ModuleLocked(TrainingError):
    """The module's prerequisites are not completed (HTTP 403)."""


class InvalidAnswers(TrainingError):
    """Answers name questions or choices that are not in this quiz (HTTP 400)."""


class EmptyAnswers(InvalidAnswers):
    """No choice ticked at all: refused, not recorded as a 0 % attempt (HTTP 400)."""


@dataclass
class QuestionResult:
    question: Question
    chosen: list
    correct: list
    is_right: bool


class AttemptOutcome:
    """What submit_attempt did: the attempt (new, or the one recorded first with the same submission key), its
    per-question results, the module's completion it brought (or None), whether it is new, and its id (read
    before the commit, so that using it costs no query).

    An attempt written without the ORM (_insert_attempt) comes as its columns, `written`: it is made a QuizAttempt
    (not added to the session) when `attempt` is first read; the quiz page's POST reads only `attempt_id`."""

    def __init__(self, attempt, results, completion, is_new, attempt_id=None, written=None):
        self._attempt, self._written = attempt, written
        self.results, self.completion, self.is_new = results, completion, is_new
        self.attempt_id = attempt.id if attempt_id is None and attempt is not None else attempt_id

    @property
    def attempt(self):
        if self._attempt is None and self._written is not None:
            self._attempt = QuizAttempt(id=self.attempt_id, **self._written)
        return self._attempt


# --- enrolments ------------------------------------------------------------------------------


def enrol(user, path):
    """An agent joins a path (no due date); enrolling twice changes nothing."""
    existing = db.session.scalar(
        db.select(Enrolment).where(Enrolment.user_id == user.id, Enrolment.path_id == path.id)
    )
    if existing is not None:
        return existing
    enrolment = Enrolment(user_id=user.id, path_id=path.id, is_private=path.owner_id is not None)
    db.session.add(enrolment)
    db.session.flush()
    audit(user, "training.enrol", enrolment, {"path": path.code})
    db.session.commit()
    return enrolment


def share_enrolment(user, enrolment, shared):
    """The agent shows (or hides again) their personal path and its progress to their organisation's HR."""
    if enrolment.user_id != user.id or enrolment.path.owner_id != user.id:
        raise TrainingError("Seul un parcours personnel peut être partagé ou gardé pour soi.")
    enrolment.is_private = not shared
    audit(user, "training.enrolment_share", enrolment, {"path": enrolment.path.code, "shared": bool(shared)})
    db.session.commit()
    return enrolment


def assign_path(actor, agents, path, due_on):
    """HR assign a path with a due date to agents of their own organisation."""
    if due_on is not None and due_on < date.today():
        raise TrainingError("La date d'échéance doit être aujourd'hui ou plus tard.")
    if not agents:
        raise TrainingError("Choisissez au moins un agent.")
    for agent in agents:
        if not actor.can_manage(agent):
            raise TrainingError("Vous ne pouvez affecter un parcours qu'aux agents de votre structure.")
    existing = {
        e.user_id: e
        for e in db.session.scalars(
            db.select(Enrolment).where(
                Enrolment.path_id == path.id, Enrolment.user_id.in_([a.id for a in agents])
            )
        )
    }
    link = local_path("training.path_detail", code=path.code)
    for agent in agents:
        enrolment = existing.get(agent.id)
        if enrolment is None:
            enrolment = Enrolment(user_id=agent.id, path_id=path.id)
            db.session.add(enrolment)
        enrolment.assigned_by_id = actor.id
        enrolment.due_on = due_on
        when = f" à terminer avant le {due_on.strftime('%d/%m/%Y')}" if due_on else ""
        notify(agent, "training.assigned", f"Un parcours vous a été affecté : {path.title}{when}.", link)
    db.session.flush()
    audit(actor, "training.assign", path, {"agents": len(agents), "due_on": str(due_on) if due_on else None})
    db.session.commit()
    return len(agents)


# --- lessons ---------------------------------------------------------------------------------


def _require_unlocked(user, module):
    state = module_state(user, module)
    if state.locked:
        raise ModuleLocked(state.lock_reason)
    return state


def lesson_of(module, lesson_slug):
    """The lesson of the module's current version (its lessons are loaded once and reused by the page)."""
    if module.current_version is None:
        return None
    return next((item for item in module.current_version.lessons if item.slug == lesson_slug), None)


def mark_lesson_done(user, module, lesson):
    """Record a lesson as read; completes the module if the quiz is already passed."""
    _require_unlocked(user, module)
    exists = db.session.scalar(
        db.select(LessonProgress.id).where(LessonProgress.user_id == user.id, LessonProgress.lesson_id == lesson.id)
    )
    if exists is None:
        db.session.add(LessonProgress(user_id=user.id, lesson_id=lesson.id))
        try:
            db.session.flush()
        except IntegrityError:  # a double click raced us: the lesson is done either way
            db.session.rollback()
            return None
    completion = _complete_if_done(user, module, module.current_version)
    db.session.commit()
    _announce(user, module, completion)
    return completion


def done_lesson_ids(user, version):
    return set(db.session.scalars(
        db.select(LessonProgress.lesson_id)
        .join(Lesson, LessonProgress.lesson_id == Lesson.id)
        .where(LessonProgress.user_id == user.id, Lesson.version_id == version.id)
    ))


# --- quizzes ---------------------------------------------------------------------------------


def quiz_of(version):
    """The version's questions with their choices, in order (cached: at most one query)."""
    return list(reference.quiz(version.id))


def next_attempt_number(user, version_id):
    """The number of the user's next attempt at this version (1 for the first)."""
    done = db.session.scalar(
        db.select(db.func.count(QuizAttempt.id))
        .where(QuizAttempt.user_id == user.id, QuizAttempt.version_id == version_id)
    )
    return done + 1


def attempt_number(attempt):
    """The rank of a stored attempt among its author's attempts at the same version."""
    return db.session.scalar(
        db.select(db.func.count(QuizAttempt.id)).where(
            QuizAttempt.user_id == attempt.user_id, QuizAttempt.version_id == attempt.version_id,
            QuizAttempt.id <= attempt.id,
        )
    )


def shuffled(questions, user_id, version_id, number):
    """The questions with their choices in the order of this learner's attempt `number`.

    The order is drawn from the learner, the version and the attempt number: a reload or the result page
    shows the same order, another attempt or another learner a different one. Ids never change, so
    scoring does not depend on the order.
    """
    result = []
    for question in questions:
        choices = list(question.choices)
        # Not a secret, a stable draw: a string seed gives the same order in every process.
        random.Random(f"{user_id}:{version_id}:{number}:{question.qid}").shuffle(choices)  # noqa: S311  # nosec B311
        result.append(replace(question, choices=tuple(choices)))
    return result


def quiz_for_attempt(user, version, number=None):
    """The version's quiz in the order of the user's attempt `number` (by default their next one)."""
    number = next_attempt_number(user, version.id) if number is None else number
    return shuffled(quiz_of(version), user.id, version.id, number)


def score_answers(questions, answers):
    """Check that answers only name this quiz's ids, then score them (0-100)."""
    by_qid = {q.qid: q for q in questions}
    unknown_questions = [qid for qid in answers if qid not in by_qid]
    if unknown_questions:
        raise InvalidAnswers("Question(s) inconnue(s) dans ce quiz : " + ", ".join(sorted(map(str, unknown_questions))) + ".")
    results = []
    for question in questions:
        chosen = answers.get(question.qid) or []
        if not isinstance(chosen, list) or not all(isinstance(c, str) for c in chosen):
            raise InvalidAnswers(f"Les réponses à la question {question.qid} doivent être une liste d'identifiants.")
        valid = {c.cid for c in question.choices}
        foreign = [c for c in chosen if c not in valid]
        if foreign:
            raise InvalidAnswers(
                f"Choix inconnu(s) pour la question {question.qid} : " + ", ".join(sorted(foreign)) + "."
            )
        correct = sorted(c.cid for c in question.choices if c.is_correct)
        chosen_set = sorted(set(chosen))
        results.append(QuestionResult(question, chosen_set, correct, chosen_set == correct))
    right = sum(1 for r in results if r.is_right)
    score = round(100 * right / len(results)) if results else 0
    return score, results


def results_for(attempt):
    """Per-question results of a stored attempt (for the result page)."""
    _score, results = score_answers(list(reference.quiz(attempt.version_id)), attempt.answers)
    return results


def submit_attempt(user, module, answers, submission_key=None, state=None, questions=None):
    """Score and record one attempt; a resent submission (same key) records nothing new.

    `module` is a Module or the cached reference.ModuleRef (id, slug, current_version).
    A caller that has already read the user's module state or the version's questions for this request
    passes them, so that they are not read twice.
    """
    if submission_key:
        previous = db.session.scalar(
            db.select(QuizAttempt).where(QuizAttempt.user_id == user.id, QuizAttempt.submission_key == submission_key)
        )
        if previous is not None:
            return AttemptOutcome(previous, results_for(previous), None, False)
    if state is None and not never_locked(module):
        state = _require_unlocked(user, module)
    if state is not None and state.locked:
        raise ModuleLocked(state.lock_reason)
    version = module.current_version
    questions = quiz_of(version) if questions is None else questions
    score, results = score_answers(questions, answers)
    if not any(r.chosen for r in results):
        raise EmptyAnswers("Aucune réponse cochée : répondez au moins à une question avant de valider.")
    values = {"user_id": user.id, "version_id": version.id, "answers": {r.question.qid: r.chosen for r in results},
              "score": score, "passed": score >= version.pass_mark, "submission_key": submission_key}
    if values["passed"] and state is None:
        state = module_state(user, module)  # whether this attempt completes the module
    if _records_alone(values["passed"], version, state):
        return _insert_attempt(user, module, values, results, submission_key)
    attempt = QuizAttempt(**values)
    db.session.add(attempt)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()  # the same submission arrived twice at once: keep the first
        previous = db.session.scalar(
            db.select(QuizAttempt).where(QuizAttempt.user_id == user.id, QuizAttempt.submission_key == submission_key)
        )
        return AttemptOutcome(previous, results_for(previous), None, False)
    audit(user, "training.quiz_attempt", attempt, {"module": module.slug, "passed": attempt.passed})
    completion = _complete_if_done(user, module, version, state) if attempt.passed else None
    attempt_id = attempt.id
    db.session.commit()
    _announce(user, module, completion)
    return AttemptOutcome(attempt, results, completion, True, attempt_id)


def never_locked(module):
    """Whether `module` (the cached catalogue's reference.ModuleRef) has no prerequisite: it is never locked, and a
    failed attempt at it needs nothing of the learner's state (submit_attempt then reads none)."""
    return getattr(module, "prerequisite_ids", None) == ()


def _records_alone(passed, version, state):
    """Whether the attempt is the request's only write: on PostgreSQL, no completion to record (a failed
    attempt, or the module's state read this request says none is due) and no xAPI statement to queue."""
    if db.session.get_bind().dialect.name != "postgresql" or lrs_enabled():
        return False
    if not passed:
        return True
    return (state is not None and state.module.current_version_id == version.id
            and (state.completed or state.lessons_done < state.lessons_total))


def _insert_attempt(user, module, values, results, submission_key):
    """The attempt and its audit line in one statement, then the commit (see audit.insert_audited)."""
    values = dict(values, created_at=utcnow())
    try:
        attempt_id = insert_audited(QuizAttempt.__table__, values, user, "training.quiz_attempt",
                                    {"module": module.slug, "passed": values["passed"]})
    except IntegrityError:
        db.session.rollback()  # the same submission arrived twice at once: keep the first
        previous = db.session.scalar(
            db.select(QuizAttempt).where(QuizAttempt.user_id == user.id, QuizAttempt.submission_key == submission_key)
        )
        return AttemptOutcome(previous, results_for(previous), None, False)
    commit_keeping_loaded(db.session())  # the attempt is the request's only write: nothing loaded has changed
    # Not added to the session: what the callers read of it (id, score, answers...) is what was written.
    return AttemptOutcome(None, results, None, True, attempt_id, written=values)


@dataclass
class ChoiceReview:
    choice: object
    is_chosen: bool
    is_correct: bool | None  # None: not shown (the module is not passed yet)
    explanation: str | None  # shown under the choice, or None


@dataclass
class QuestionReview:
    question: object
    is_right: bool
    choices: list
    explanation: str | None  # the question's own explanation, when it may be shown


def has_passed_quiz(user, version_id):
    return db.session.scalar(
        db.select(QuizAttempt.id).where(QuizAttempt.user_id == user.id, QuizAttempt.version_id == version_id,
                                        QuizAttempt.passed.is_(True)).limit(1)
    ) is not None


def review_attempt(attempt, full):
    """What the result page shows of an attempt (Moodle's « review options »).

    Before the module's quiz is passed (`full` false) the learner sees which questions were wrong and why
    the choices they picked are right or wrong, never which choice is correct: the question's explanation
    names the answer, so it stands in for a missing choice explanation only where the question was
    answered right. Once passed (`full`), every choice's explanation and the correct answers.
    """
    questions = shuffled(reference.quiz(attempt.version_id), attempt.user_id, attempt.version_id,
                         attempt_number(attempt))
    _score, results = score_answers(questions, attempt.answers)
    reviews = []
    for result in results:
        question = result.question
        choices = []
        for choice in question.choices:
            chosen = choice.cid in result.chosen
            if full:
                explanation = choice.explanation
            elif chosen:
                explanation = choice.explanation or (question.explanation if result.is_right else None)
            else:
                explanation = None
            choices.append(ChoiceReview(choice, chosen, choice.is_correct if full else None, explanation))
        shown = question.explanation if (full or result.is_right) else None
        if shown and any(c.explanation == shown for c in choices):
            shown = None  # already under the choice it stands in for
        reviews.append(QuestionReview(question, result.is_right, choices, shown))
    return reviews


# --- completion ------------------------------------------------------------------------------


def _complete_if_done(user, module, version, state=None):
    """Record the completion if every lesson is read and a quiz passed (`state`: read earlier this request)."""
    if state is not None and state.module.current_version_id == version.id:
        if state.completed or state.lessons_done < state.lessons_total:
            return None
    else:
        already = db.session.scalar(
            db.select(ModuleCompletion.id).where(ModuleCompletion.user_id == user.id,
                                                 ModuleCompletion.module_id == module.id)
        )
        if already is not None:
            return None
        lessons = db.session.scalar(db.select(db.func.count(Lesson.id)).where(Lesson.version_id == version.id))
        if len(done_lesson_ids(user, version)) < lessons:
            return None
    best = db.session.scalar(
        db.select(db.func.max(QuizAttempt.score)).where(
            QuizAttempt.user_id == user.id, QuizAttempt.version_id == version.id, QuizAttempt.passed.is_(True)
        )
    )
    if best is None:
        return None
    return record_completion(user, module, version, best)


def _announce(user, module, completion):
    if completion is not None:
        user = getattr(user, "_get_current_object", lambda: user)()  # receivers outlive the request
        if not isinstance(module, Module):  # a cached reference.ModuleRef: receivers get the model
            module = db.session.get(Module, module.id)
        module_completed.send(None, user=user, module=module, version=completion.version, completion=completion)


def completion_of(user, module):
    return db.session.scalar(
        db.select(ModuleCompletion)
        .where(ModuleCompletion.user_id == user.id, ModuleCompletion.module_id == module.id)
        .order_by(ModuleCompletion.completed_at.desc())
        .limit(1)
    )


def agents_of(hr_user, ids):
    return db.session.scalars(queries.agents_of(hr_user).where(User.id.in_(ids))).all()


def path_for(code, user=None):
    """A shipped path, or the user's own personal path."""
    query = db.select(TrainingPath).where(TrainingPath.code == code)
    if user is not None:
        query = query.where(db.or_(TrainingPath.owner_id.is_(None), TrainingPath.owner_id == user.id))
    else:
        query = query.where(TrainingPath.owner_id.is_(None))
    return db.session.scalar(query)


def enrolment_of(user, path):
    """The user's enrolment in the path, or None."""
    return db.session.scalar(db.select(Enrolment).where(Enrolment.user_id == user.id, Enrolment.path_id == path.id))


