"""Passport API: the agent's entries, declaring and submitting, HR decisions (409 on conflicts)."""
import marshmallow as ma
from flask import abort, g, jsonify, make_response

from app.accounts.models import Role
from app.api import Blueprint
from app.api.errors import api_abort
from app.api.pagination import PageArgs, decode_cursor, keyset_page
from app.common.access import api_token
from app.common.sql import MAX_ID, is_id
from app.passports import scope, services
from app.passports.models import EntrySource, EntryStatus, PassportEntry, Provenance
from app.passports.workflow import DECISIONS, TransitionRefused

blp = Blueprint("api_passport", __name__, url_prefix="/api/v1", description="Passeport de compétences")

# Service field names -> API field names.
API_FIELDS = {"description": "evidence"}


class ValidatingOrganisation(ma.Schema):
    code = ma.fields.String(required=True)
    name = ma.fields.String(required=True)


class EntrySchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    competency = ma.fields.Function(lambda e: e.competency.code, required=True,
                                    metadata={"description": "Code de la compétence du référentiel"})
    competency_title = ma.fields.Function(lambda e: e.competency.title)
    level = ma.fields.Integer(required=True)
    source = ma.fields.String(required=True, validate=ma.validate.OneOf(EntrySource.values()))
    status = ma.fields.String(required=True, validate=ma.validate.OneOf(EntryStatus.values()))
    provenance = ma.fields.String(required=True, validate=ma.validate.OneOf(Provenance.values()))
    validated_by_org = ma.fields.Nested(ValidatingOrganisation, allow_none=True)
    validated_at = ma.fields.AwareDateTime(allow_none=True)
    valid_until = ma.fields.Date(allow_none=True)
    expired = ma.fields.Boolean(required=True)
    evidence = ma.fields.String(attribute="description", allow_none=True)
    version = ma.fields.Integer(required=True)


class EntryList(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(EntrySchema), required=True)
    next_cursor = ma.fields.String(allow_none=True)


REQUIRED = {"required": "Champ obligatoire."}


class EntryCreateSchema(ma.Schema):
    competency = ma.fields.String(required=True, error_messages=REQUIRED, validate=ma.validate.Length(max=20),
                                  metadata={"description": "Code de compétence, par exemple A3.2"})
    level = ma.fields.Integer(
        required=True, strict=True, validate=ma.validate.Range(min=1, max=4, error="Le niveau doit être compris entre 1 et 4."),
        error_messages={**REQUIRED, "invalid": "Le niveau doit être un nombre entier de 1 à 4."},
    )
    source = ma.fields.String(load_default=EntrySource.EXPERIENCE.value, validate=ma.validate.OneOf(
        [EntrySource.EXPERIENCE.value], error="Seules les expériences se déclarent : source « experience »."))
    evidence = ma.fields.String(required=True, error_messages=REQUIRED, validate=ma.validate.Length(
                                    min=1, max=services.MAX_TEXT, error="Décrivez au moins une situation réelle."),
                                metadata={"description": "Situations réelles qui montrent la compétence"})


VERSION_RANGE = ma.validate.Range(min=1, max=MAX_ID, error="Version invalide.")


class SubmitSchema(ma.Schema):
    version = ma.fields.Integer(load_default=None, validate=VERSION_RANGE,
                                metadata={"description": "Version vue ; 409 si elle a changé"})


class DecisionSchema(ma.Schema):
    decision = ma.fields.String(required=True, error_messages=REQUIRED, validate=ma.validate.OneOf(
        DECISIONS, error="Décision inconnue : validate, reject ou request_changes."))
    comment = ma.fields.String(load_default="", validate=ma.validate.Length(max=services.MAX_TEXT),
                               metadata={"description": "Obligatoire pour reject et request_changes"})
    version = ma.fields.Integer(required=True, validate=VERSION_RANGE,
                                error_messages={**REQUIRED, "invalid": "Version invalide."},
                                metadata={"description": "Version de la ligne vue par la RH"})


class ConflictDetail(ma.Schema):
    code = ma.fields.String(required=True)
    message = ma.fields.String(required=True)
    current_status = ma.fields.String(required=True, validate=ma.validate.OneOf(EntryStatus.values()))
    current_version = ma.fields.Integer(required=True)


class ConflictSchema(ma.Schema):
    error = ma.fields.Nested(ConflictDetail, required=True)


def _conflict(status, version, message):
    """409 naming the entry's current status and version."""
    body = {"error": {"code": "conflict", "message": message, "current_status": status, "current_version": version}}
    abort(make_response(jsonify(body), 409))


def _fail(exc, entry_id):
    if isinstance(exc, services.StaleEntry):
        _conflict(exc.status, exc.version, str(exc))
    if isinstance(exc, TransitionRefused):
        _conflict(exc.status, scope.entry_version(entry_id), str(exc))
    if isinstance(exc, services.NotAllowed):
        api_abort(403, "forbidden", str(exc))
    field = API_FIELDS.get(exc.field, exc.field)
    api_abort(400, "invalid_request", str(exc), {field: [str(exc)]} if field else None)


@blp.route("/me/passport")
@blp.arguments(PageArgs, location="query")
@blp.response(200, EntryList)
@blp.alt_response(400, response="BAD_REQUEST")
@api_token(Role.AGENT)
def my_passport(args):
    """The agent's passport entries (all statuses), by id."""
    if args.get("cursor") and not is_id(decode_cursor(args["cursor"])):
        api_abort(400, "invalid_cursor", "Le paramètre cursor est invalide.", {"cursor": ["Curseur invalide."]})
    query = scope.holder_entries_query(g.api_user)
    items, next_cursor = keyset_page(query, PassportEntry.id, args)
    return {"items": items, "next_cursor": next_cursor}


@blp.route("/me/passport/entries", methods=["POST"])
@blp.arguments(EntryCreateSchema)
@blp.response(201, EntrySchema)
@blp.alt_response(400, response="BAD_REQUEST")
@api_token(Role.AGENT)
def declare(payload):
    """Declare an experience entry (a draft): 400 naming the field for an unknown competency or a level outside 1-4."""
    try:
        entry = services.declare_entry(g.api_user, payload["competency"], payload["level"], payload["evidence"])
    except services.PassportError as exc:
        _fail(exc, None)
    return scope.entry_of_holder(g.api_user, entry.id)


@blp.route("/me/passport/entries/<int:entry_id>/submit", methods=["POST"])
@blp.arguments(SubmitSchema)
@blp.response(200, EntrySchema)
@blp.alt_response(400, response="BAD_REQUEST")
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, schema=ConflictSchema, description="Statut ou version de la ligne différents")
@api_token(Role.AGENT)
def submit(payload, entry_id):
    """Submit one of your entries to your organisation's HR (409 with the current status if not possible)."""
    entry = scope.entry_of_holder(g.api_user, entry_id)
    if entry is None:
        api_abort(404, "not_found", "Ligne de passeport introuvable.")
    try:
        services.submit_entry(g.api_user, entry, payload.get("version"))
    except (services.PassportError, TransitionRefused) as exc:
        _fail(exc, entry_id)
    return scope.entry_of_holder(g.api_user, entry_id)


@blp.route("/passport-entries/<int:entry_id>/decision", methods=["POST"])
@blp.arguments(DecisionSchema)
@blp.response(200, EntrySchema)
@blp.alt_response(400, response="BAD_REQUEST")
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, schema=ConflictSchema, description="Statut ou version de la ligne différents")
@api_token(Role.HR)
def decide(payload, entry_id):
    """HR decision on a submitted entry: 409 when `version` is stale or the entry is not `submitted`,
    404 outside your organisation's scope."""
    entry = scope.entry_for_hr(g.api_user, entry_id)
    if entry is None:
        api_abort(404, "not_found", "Ligne de passeport introuvable.")
    try:
        services.decide(g.api_user, entry, payload["decision"], payload["comment"], payload["version"])
    except (services.PassportError, TransitionRefused) as exc:
        _fail(exc, entry_id)
    return scope.entry_for_hr(g.api_user, entry_id)
