"""Learning records as xAPI 1.0.3 statements (quiz attempts: passed/failed; completions: completed).

The actor is an opaque account, never the agent's e-mail or name: statements leave Passerelle
for learning record stores that have no business knowing who the agent is.
"""
import base64
import binascii
import hashlib
import hmac
import uuid
from datetime import UTC, datetime
from urllib.parse import quote

from flask import current_app
from sqlalchemy.orm import joinedload

from app.common.timezones import as_utc
from app.extensions import db
from app.training.models import ModuleCompletion, ModuleVersion, QuizAttempt

XAPI_VERSION = "1.0.3"
VERBS = {
    "passed": ("http://adlnet.gov/expapi/verbs/passed", "a réussi", "passed"),
    "failed": ("http://adlnet.gov/expapi/verbs/failed", "a échoué à", "failed"),
    "completed": ("http://adlnet.gov/expapi/verbs/completed", "a terminé", "completed"),
}
MODULE_ACTIVITY_TYPE = "http://adlnet.gov/expapi/activities/module"
# Rows of both kinds are merged in (timestamp, kind, id) order; attempts sort first.
ATTEMPT, COMPLETION = 0, 1


class InvalidCursor(ValueError):
    """The pagination cursor was not produced by statements_page()."""


def actor_name(user):
    """A stable opaque identifier of the user (HMAC of the id), unlinkable without the secret key."""
    key = current_app.config["SECRET_KEY"]
    key = key.encode() if isinstance(key, str) else key
    return hmac.new(key, f"xapi-actor:{user.id}".encode(), hashlib.sha256).hexdigest()[:32]


def _base_url():
    return current_app.config["BASE_URL"].rstrip("/")


def _timestamp(value):
    return as_utc(value).astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _statement_id(kind, row_id):
    # uuid5 over the row's own IRI: the same row always gives the same statement id.
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{_base_url()}/xapi/{kind}/{row_id}"))


def _verb(key):
    iri, french, english = VERBS[key]
    return {"id": iri, "display": {"fr-FR": french, "en-US": english}}


def _activity(version):
    slug = version.module.slug
    return {
        "objectType": "Activity",
        "id": f"{_base_url()}/formation/modules/{quote(slug, safe='')}",
        "definition": {
            "type": MODULE_ACTIVITY_TYPE,
            "name": {"fr-FR": version.title},
            "description": {"fr-FR": version.summary},
        },
    }


def _statement(actor, statement_id, verb, version, result, at):
    return {
        "id": statement_id,
        "actor": actor,
        "verb": _verb(verb),
        "object": _activity(version),
        "result": result,
        # The module version the agent took: xAPI's own field for an activity's revision.
        "context": {"platform": "Passerelle", "language": "fr-FR", "revision": str(version.number)},
        "timestamp": _timestamp(at),
        "version": XAPI_VERSION,
    }


def _actor(user):
    return {"objectType": "Agent", "account": {"homePage": _base_url(), "name": actor_name(user)}}


def _score(value):
    return {"scaled": round(value / 100, 4), "raw": value, "min": 0, "max": 100}


def attempt_statement(actor, attempt):
    return _statement(
        actor, _statement_id("quiz-attempt", attempt.id), "passed" if attempt.passed else "failed",
        attempt.version, {"score": _score(attempt.score), "success": bool(attempt.passed)}, attempt.created_at,
    )


def completion_statement(actor, completion):
    return _statement(
        actor, _statement_id("module-completion", completion.id), "completed", completion.version,
        {"completion": True, "score": _score(completion.score), "success": True}, completion.completed_at,
    )


# --- listing -------------------------------------------------------------------------------


def encode_cursor(key):
    at, kind, row_id = key
    raw = f"{as_utc(at).astimezone(UTC).isoformat()}|{kind}|{row_id}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor):
    try:
        raw = base64.urlsafe_b64decode((cursor + "=" * (-len(cursor) % 4)).encode()).decode()
        at, kind, row_id = raw.split("|")
        key = (datetime.fromisoformat(at), int(kind), int(row_id))
    except (ValueError, UnicodeDecodeError, binascii.Error) as exc:
        raise InvalidCursor("Le paramètre cursor est invalide.") from exc
    if key[1] not in (ATTEMPT, COMPLETION) or key[0].tzinfo is None:
        raise InvalidCursor("Le paramètre cursor est invalide.")
    return key


def _after(at_column, id_column, kind, cursor):
    """Rows of `kind` that come after the cursor in (timestamp, kind, id) order."""
    at, cursor_kind, cursor_id = cursor
    if kind > cursor_kind:
        return at_column >= at
    if kind < cursor_kind:
        return at_column > at
    return db.or_(at_column > at, db.and_(at_column == at, id_column > cursor_id))


def statements_page(user, limit=50, cursor=None):
    """(statements, next_cursor): the user's statements, oldest first, in 2 queries whatever the data."""
    key = decode_cursor(cursor) if cursor else None
    attempts = (
        db.select(QuizAttempt)
        .where(QuizAttempt.user_id == user.id)
        .options(joinedload(QuizAttempt.version).joinedload(ModuleVersion.module))
        .order_by(QuizAttempt.created_at, QuizAttempt.id)
        .limit(limit + 1)
    )
    completions = (
        db.select(ModuleCompletion)
        .where(ModuleCompletion.user_id == user.id)
        .options(joinedload(ModuleCompletion.version).joinedload(ModuleVersion.module))
        .order_by(ModuleCompletion.completed_at, ModuleCompletion.id)
        .limit(limit + 1)
    )
    if key is not None:
        attempts = attempts.where(_after(QuizAttempt.created_at, QuizAttempt.id, ATTEMPT, key))
        completions = completions.where(
            _after(ModuleCompletion.completed_at, ModuleCompletion.id, COMPLETION, key)
        )
    rows = [((as_utc(a.created_at), ATTEMPT, a.id), a) for a in db.session.scalars(attempts)]
    rows += [((as_utc(c.completed_at), COMPLETION, c.id), c) for c in db.session.scalars(completions)]
    rows.sort(key=lambda pair: pair[0])
    page = rows[:limit]
    next_cursor = encode_cursor(page[-1][0]) if len(rows) > limit else None
    actor = _actor(user)
    statements = [
        attempt_statement(actor, row) if sort_key[1] == ATTEMPT else completion_statement(actor, row)
        for sort_key, row in page
    ]
    return statements, next_cursor


def statements_for(user):
    """Every xAPI statement of the user's learning records, oldest first."""
    statements, cursor = statements_page(user, limit=200)
    while cursor is not None:
        more, cursor = statements_page(user, limit=200, cursor=cursor)
        statements += more
    return statements
