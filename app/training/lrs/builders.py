"""The training domain's statements for the LRS queue: quiz attempts, lessons read, package results,
completions. Same actor and ids as /api/v1/me/xapi, so the LRS and the API agree."""
from types import SimpleNamespace

from flask import current_app

from app.extensions import db
from app.training import xapi
from app.training.lrs.queue import register_statement_builder, statement_id
from app.training.models import Lesson, LessonProgress, ModuleCompletion, ModuleVersion, QuizAttempt
from app.training.packages.models import PackageAttempt

EXTRA_VERBS = {
    "experienced": ("http://adlnet.gov/expapi/verbs/experienced", "a consulté", "experienced"),
    "achieved": ("https://w3id.org/xapi/dod-isd/verbs/achieved", "a acquis", "achieved"),
}


def actor_for(user_id):
    """The opaque account of today's statements (an HMAC of the user id; never an e-mail)."""
    return xapi._actor(SimpleNamespace(id=user_id))


def verb(key):
    iri, french, english = EXTRA_VERBS.get(key) or xapi.VERBS[key]
    return {"id": iri, "display": {"fr-FR": french, "en-US": english}}


def simple_statement(statement_id_, user_id, verb_key, activity, at, result=None, context=None):
    statement = {
        "id": statement_id_,
        "actor": actor_for(user_id),
        "verb": verb(verb_key),
        "object": activity,
        "context": {"platform": "Passerelle", "language": "fr-FR", **(context or {})},
        "timestamp": xapi._timestamp(at),
        "version": xapi.XAPI_VERSION,
    }
    if result is not None:
        statement["result"] = result
    return statement


def _with_version(row, *fields):
    """The row's fields and its module version (a row just flushed has not loaded its relationship yet)."""
    version = row.version or db.session.get(ModuleVersion, row.version_id)
    return SimpleNamespace(version=version, **{name: getattr(row, name) for name in fields})


def _quiz_attempt(attempt):
    if attempt.id is None or attempt not in db.session.new:
        return None
    return xapi.attempt_statement(actor_for(attempt.user_id),
                                  _with_version(attempt, "id", "passed", "score", "created_at"))


def _completion(completion):
    if completion.id is None or completion not in db.session.new:
        return None
    return xapi.completion_statement(actor_for(completion.user_id),
                                     _with_version(completion, "id", "score", "completed_at"))


def _lesson_read(progress):
    if progress.id is None or progress not in db.session.new:
        return None
    lesson = db.session.get(Lesson, progress.lesson_id)
    version = lesson.version
    base = current_app.config["BASE_URL"].rstrip("/")
    activity = {
        "objectType": "Activity",
        "id": f"{base}/formation/modules/{version.module.slug}/lecons/{lesson.slug}",
        "definition": {"type": "http://adlnet.gov/expapi/activities/lesson", "name": {"fr-FR": lesson.title}},
    }
    return simple_statement(statement_id("lesson-read", progress.id), progress.user_id, "experienced", activity,
                            progress.completed_at, context={"revision": str(version.number)})


def _package_result(attempt):
    if attempt.id is None or attempt.success_status not in ("passed", "failed"):
        return None
    result = {"success": attempt.success_status == "passed", "completion": attempt.completion_status == "completed"}
    if attempt.score is not None:
        result["score"] = {"scaled": round(attempt.score / 100, 4), "raw": attempt.score, "min": 0, "max": 100}
    version = attempt.version or db.session.get(ModuleVersion, attempt.version_id)
    return simple_statement(
        statement_id("package-attempt", attempt.id, attempt.success_status, attempt.score), attempt.user_id,
        attempt.success_status, xapi._activity(version), attempt.updated_at, result=result,
        context={"revision": str(version.number)})


def register():
    register_statement_builder(QuizAttempt, _quiz_attempt)
    register_statement_builder(ModuleCompletion, _completion)
    register_statement_builder(LessonProgress, _lesson_read)
    register_statement_builder(PackageAttempt, _package_result)
