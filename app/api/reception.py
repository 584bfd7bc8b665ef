"""Desk-log API: POST /api/v1/visits, one row (an object) or up to 500 (an array).

An agent's token records for the agent's organisation; a site token (created by HR for a
queue-management system) records for its site. With an `Idempotency-Key` header, the same key
replays the same answer and records nothing twice, for single and bulk posts alike.
"""
import hashlib
import json

import marshmallow as ma
from flask import g, jsonify, request
from sqlalchemy.exc import IntegrityError

from app.accounts.models import Role
from app.api import Blueprint
from app.api.auth import register_token_resolver
from app.api.errors import api_abort
from app.common.access import api_token
from app.common.timezones import as_utc
from app.extensions import db
from app.reception import services
from app.reception.enums import OPERATOR_VALUES, Channel, Duration, Need, Outcome, Waiting

blp = Blueprint("api_reception", __name__, url_prefix="/api/v1", description="Registre d'accueil")

SITE_ROLE = "site"
MAX_KEY = 200


class SitePrincipal:
    """Who calls with a site token: the site's queue-management system, not a person."""

    role = SITE_ROLE
    id = None
    email = None
    active = True
    is_site_token = True

    def __init__(self, token):
        self.token = token
        self.organisation = token.organisation
        self.organisation_id = token.organisation_id
        self.full_name = f"Jeton de site {token.organisation.code}"


def _resolve_site_token(raw):
    # Site tokens open this endpoint only: everywhere else they are unknown tokens (401).
    if request.endpoint != "api_reception.create_visits":
        return None
    token = services.site_token_for(raw)
    return SitePrincipal(token) if token is not None else None


class VisitInput(ma.Schema):
    """One accompaniment: what kind of help, never who was helped (no personal data field)."""

    visited_on = ma.fields.Date(metadata={"description": "Jour de l'accompagnement (aujourd'hui si absent)."})
    channel = ma.fields.String(required=True, validate=ma.validate.OneOf(Channel.values()))
    operators = ma.fields.List(ma.fields.String(validate=ma.validate.OneOf(sorted(OPERATOR_VALUES))),
                               required=True, metadata={"description": "Types de structure concernés."})
    procedure_id = ma.fields.Integer(allow_none=True, metadata={"description": "Démarche du catalogue."})
    outcome = ma.fields.String(required=True, validate=ma.validate.OneOf(Outcome.values()))
    support_request = ma.fields.String(allow_none=True, metadata={"description": "Demande d'appui liée."})
    duration = ma.fields.String(required=True, validate=ma.validate.OneOf(Duration.values()))
    waiting = ma.fields.String(allow_none=True, validate=ma.validate.OneOf(Waiting.values()))
    needs = ma.fields.List(ma.fields.String(validate=ma.validate.OneOf(Need.values())))


class VisitOutput(VisitInput):
    id = ma.fields.Integer()
    created_at = ma.fields.DateTime()


class VisitCreated(ma.Schema):
    visit = ma.fields.Nested(VisitOutput)


class VisitsCreated(ma.Schema):
    count = ma.fields.Integer()
    visits = ma.fields.List(ma.fields.Nested(VisitOutput))


def visit_dict(visit):
    return {"id": visit.id, "visited_on": visit.visited_on.isoformat(), "channel": visit.channel,
            "operators": visit.operator_list, "procedure_id": visit.procedure_id, "outcome": visit.outcome,
            "support_request": visit.support_request, "duration": visit.duration, "waiting": visit.waiting,
            "needs": visit.need_list, "created_at": as_utc(visit.created_at).isoformat()}


def _principal_key(principal):
    return f"site:{principal.token.id}" if getattr(principal, "is_site_token", False) else f"user:{principal.id}"


def _reply(status, body, replayed=False):
    response = jsonify(body)
    response.status_code = status
    if replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return response


@blp.route("/visits", methods=["POST"])
@api_token(Role.AGENT, SITE_ROLE)
@blp.doc(
    summary="Enregistrer un ou plusieurs accompagnements",
    description="Corps : un objet (un accompagnement) ou un tableau de 1 à 500 objets (tout ou rien). "
    "En-tête facultatif `Idempotency-Key` : la même clé rejoue la même réponse sans rien enregistrer "
    "deux fois ; une autre requête avec la même clé reçoit 422.",
    parameters=[{"in": "header", "name": "Idempotency-Key", "required": False, "schema": {"type": "string",
                 "maxLength": MAX_KEY}}],
    requestBody={"required": True, "content": {"application/json": {"schema": {"oneOf": [
        {"$ref": "#/components/schemas/VisitInput"},
        {"type": "array", "maxItems": services.MAX_BULK, "items": {"$ref": "#/components/schemas/VisitInput"}},
    ]}}}},
    responses={"201": {"description": "Enregistré (un objet : `visit` ; un tableau : `count` et `visits`).",
                       "content": {"application/json": {"schema": {"oneOf": [
                           {"$ref": "#/components/schemas/VisitCreated"},
                           {"$ref": "#/components/schemas/VisitsCreated"}]}}}},
               "400": {"description": "Requête invalide (lignes en erreur nommées dans `fields`)."},
               "422": {"description": "Clé d'idempotence déjà utilisée pour une autre requête."}},
)
def create_visits():
    principal = g.api_user
    body = request.get_json(silent=True)
    if not isinstance(body, dict | list):
        api_abort(400, "invalid_request", "Le corps doit être un objet JSON ou un tableau d'objets.")
    bulk = isinstance(body, list)
    rows = body if bulk else [body]
    if not rows or len(rows) > services.MAX_BULK:
        api_abort(400, "invalid_request", f"Envoyez de 1 à {services.MAX_BULK} accompagnements.",
                  {"visits": [f"De 1 à {services.MAX_BULK} lignes."]})
    key = (request.headers.get("Idempotency-Key") or "").strip()
    if len(key) > MAX_KEY:
        api_abort(400, "invalid_request", "La clé d'idempotence dépasse 200 caractères.")
    body_hash = hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    principal_key = _principal_key(principal)
    if key:
        replay = _stored(principal_key, key, body_hash)
        if replay is not None:
            return _reply(*replay, replayed=True)
    try:
        values = services.clean_rows(rows)
    except services.BulkError as exc:
        fields = {str(n): msgs for n, msgs in exc.errors.items()} if bulk else exc.errors[1]
        api_abort(400, "invalid_request", str(exc) if bulk else next(iter(exc.errors[1].values())), fields)
    site_token = principal.token if getattr(principal, "is_site_token", False) else None
    outcome = {}

    def keep(visits):
        outcome["body"] = ({"count": len(visits), "visits": [visit_dict(v) for v in visits]} if bulk
                           else {"visit": visit_dict(visits[0])})
        if key:
            services.keep_answer(principal_key, key, body_hash, 201, outcome["body"])

    try:
        services.record_visits(principal if site_token is None else None, principal.organisation, values,
                               site_token=site_token, before_commit=keep)
    except IntegrityError:
        db.session.rollback()  # the same key committed by a concurrent request: replay its answer
        replay = _stored(principal_key, key, body_hash) if key else None
        if replay is None:
            raise
        return _reply(*replay, replayed=True)
    return _reply(201, outcome["body"])


def _stored(principal_key, key, body_hash):
    try:
        return services.stored_answer(principal_key, key, body_hash)
    except services.IdempotencyConflict as exc:
        api_abort(422, "idempotency_key_reused", str(exc))


def init(api):
    """Register the endpoint, its schemas and the site-token resolver (called by init_api)."""
    for name, schema in (("VisitInput", VisitInput), ("VisitCreated", VisitCreated),
                         ("VisitsCreated", VisitsCreated)):
        if name not in api.spec.components.schemas:
            api.spec.components.schema(name, schema=schema)
    api.register_blueprint(blp)
    register_token_resolver(_resolve_site_token)
