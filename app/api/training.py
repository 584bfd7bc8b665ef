"""Training API: quiz, lessons done, quiz attempts, the agent's progress."""
import marshmallow as ma
from flask import g, request

from app.accounts.models import Role
from app.api import Blueprint
from app.api.errors import api_abort
from app.common.access import api_token
from app.training import learning
from app.training.progress import dashboard, module_state
from app.training.services import module_by_slug

blp = Blueprint("api_training", __name__, url_prefix="/api/v1", description="Formation")


class ChoiceSchema(ma.Schema):
    id = ma.fields.String(attribute="cid", required=True)
    text = ma.fields.String(required=True)


class QuestionSchema(ma.Schema):
    id = ma.fields.String(attribute="qid", required=True)
    type = ma.fields.String(required=True, validate=ma.validate.OneOf(["single", "multiple"]))
    text = ma.fields.String(required=True)
    choices = ma.fields.List(ma.fields.Nested(ChoiceSchema), required=True)


class QuizSchema(ma.Schema):
    module = ma.fields.String(required=True)
    version = ma.fields.Integer(required=True)
    pass_mark = ma.fields.Integer(required=True)
    questions = ma.fields.List(ma.fields.Nested(QuestionSchema), required=True)


class LessonDoneSchema(ma.Schema):
    lesson = ma.fields.String(required=True)
    done = ma.fields.Boolean(required=True)
    module_completed = ma.fields.Boolean(required=True)


class AttemptRequest(ma.Schema):
    answers = ma.fields.Dict(
        keys=ma.fields.String(), values=ma.fields.List(ma.fields.String()), required=True,
        metadata={"description": "Identifiants de question → identifiants des choix cochés"},
    )


class ChoiceReviewSchema(ma.Schema):
    id = ma.fields.String(required=True)
    chosen = ma.fields.Boolean(required=True)
    correct = ma.fields.Boolean(allow_none=True, metadata={
        "description": "Bonne réponse ou non ; null tant que le quiz du module n'est pas réussi"})
    explanation = ma.fields.String(allow_none=True, metadata={
        "description": "Pourquoi ce choix est juste ou faux : pour les choix cochés, et pour tous une fois "
                       "le quiz réussi"})


class QuestionReviewSchema(ma.Schema):
    id = ma.fields.String(required=True)
    right = ma.fields.Boolean(required=True)
    explanation = ma.fields.String(allow_none=True)
    choices = ma.fields.List(ma.fields.Nested(ChoiceReviewSchema), required=True)


class AttemptResponse(ma.Schema):
    attempt_id = ma.fields.Integer(required=True)
    score = ma.fields.Integer(required=True)
    passed = ma.fields.Boolean(required=True)
    module_completed = ma.fields.Boolean(required=True)
    review = ma.fields.List(ma.fields.Nested(QuestionReviewSchema), required=True, metadata={
        "description": "Questions justes ou fausses et explications des choix, comme sur la page de résultat"})


class ModuleProgressSchema(ma.Schema):
    slug = ma.fields.String(required=True)
    title = ma.fields.String(required=True)
    status = ma.fields.String(required=True)
    percent = ma.fields.Integer(required=True)


class PathProgressSchema(ma.Schema):
    code = ma.fields.String(required=True)
    title = ma.fields.String(required=True)
    percent = ma.fields.Integer(required=True)
    due_on = ma.fields.Date(allow_none=True)
    overdue = ma.fields.Boolean(required=True)
    modules = ma.fields.List(ma.fields.Nested(ModuleProgressSchema), required=True)


class ProgressSchema(ma.Schema):
    paths = ma.fields.List(ma.fields.Nested(PathProgressSchema), required=True)


def _module(slug):
    module = module_by_slug(slug)
    if module is None:
        api_abort(404, "not_found", f"Module inconnu : {slug}.")
    return module


def _unlocked(module):
    state = module_state(g.api_user, module)
    if state.locked:
        api_abort(403, "module_locked", state.lock_reason)
    return state


@blp.route("/modules/<slug>/quiz")
@blp.response(200, QuizSchema)
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
@api_token(Role.AGENT)
def get_quiz(slug):
    """The module's quiz in the order of the caller's next attempt (choices shuffled per attempt; ids stable),
    never the correct answers."""
    module = _module(slug)
    _unlocked(module)
    version = module.current_version
    return {"module": module.slug, "version": version.number, "pass_mark": version.pass_mark,
            "questions": learning.quiz_for_attempt(g.api_user, version)}


@blp.route("/modules/<slug>/lessons/<lesson>/done", methods=["POST"])
@blp.response(200, LessonDoneSchema)
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
@api_token(Role.AGENT)
def lesson_done(slug, lesson):
    """Mark a lesson (by its slug) as read."""
    module = _module(slug)
    row = learning.lesson_of(module, lesson)
    if row is None:
        api_abort(404, "not_found", f"Leçon inconnue : {lesson}.")
    _unlocked(module)
    try:
        completion = learning.mark_lesson_done(g.api_user, module, row)
    except learning.ModuleLocked as exc:
        api_abort(403, "module_locked", str(exc))
    return {"lesson": lesson, "done": True, "module_completed": completion is not None}


@blp.route("/modules/<slug>/quiz/attempts", methods=["POST"])
@blp.arguments(AttemptRequest)
@blp.response(201, AttemptResponse)
@blp.alt_response(200, schema=AttemptResponse, description="Tentative déjà enregistrée avec cette Idempotency-Key")
@blp.alt_response(400, response="BAD_REQUEST")
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
@api_token(Role.AGENT)
def submit_attempt(payload, slug):
    """Submit answers; send an Idempotency-Key header so that a retried request records one attempt."""
    module = _module(slug)
    _unlocked(module)
    key = (request.headers.get("Idempotency-Key") or "").strip()[:80] or None
    try:
        outcome = learning.submit_attempt(g.api_user, module, payload["answers"], key)
    except learning.EmptyAnswers as exc:
        api_abort(400, "empty_answers", str(exc), {"answers": [str(exc)]})
    except learning.InvalidAnswers as exc:
        api_abort(400, "invalid_answers", str(exc), {"answers": [str(exc)]})
    except learning.ModuleLocked as exc:
        api_abort(403, "module_locked", str(exc))
    attempt = outcome.attempt
    full = attempt.passed or learning.has_passed_quiz(g.api_user, attempt.version_id)
    body = {
        "attempt_id": attempt.id, "score": attempt.score, "passed": attempt.passed,
        "module_completed": learning.completion_of(g.api_user, module) is not None,
        "review": [
            {"id": r.question.qid, "right": r.is_right, "explanation": r.explanation,
             "choices": [{"id": c.choice.cid, "chosen": c.is_chosen, "correct": c.is_correct,
                          "explanation": c.explanation} for c in r.choices]}
            for r in learning.review_attempt(attempt, full)
        ],
    }
    return body, (201 if outcome.is_new else 200)


@blp.route("/me/progress")
@blp.response(200, ProgressSchema)
@api_token(Role.AGENT)
def my_progress():
    """The agent's paths and modules with status and percent."""
    paths = []
    for state in dashboard(g.api_user):
        paths.append({
            "code": state.path.code, "title": state.path.title, "percent": state.percent,
            "due_on": state.enrolment.due_on, "overdue": state.is_overdue,
            "modules": [{"slug": m.module.slug, "title": m.version.title, "status": m.status,
                         "percent": m.percent} for m in state.modules],
        })
    return {"paths": paths}
