"""Appui expert API (/api/v1): support requests, their messages, taking and closing, groups, fiches.

Thin: the same services and scopes as the HTML pages (a request out of scope is a 404). Admins see
metadata only; the citizen file block never leaves through the API.
"""
import marshmallow as ma
from flask import g

from app.accounts.models import Role
from app.api import Blueprint
from app.api.errors import api_abort
from app.backoffice import conversation, fiches, groups, queries, requests
from app.backoffice.enums import ConsentKind, Operator, Urgency, Usefulness
from app.backoffice.workflow import WorkflowError
from app.common.access import api_token
from app.common.timezones import as_utc
from app.common.urls import external_url

blp = Blueprint("api_support", __name__, url_prefix="/api/v1", description="Appui expert (back office)")

ROLES = (Role.AGENT, Role.EXPERT, Role.ADMIN)


def _choice(enum, **kwargs):
    return ma.fields.String(validate=ma.validate.OneOf(enum.values()), **kwargs)


class ConsentSchema(ma.Schema):
    kind = _choice(ConsentKind, required=True)
    date = ma.fields.Date(required=True, metadata={"description": "Date du consentement (AAAA-MM-JJ)."})


class CitizenSchema(ma.Schema):
    last_name = ma.fields.String(validate=ma.validate.Length(max=100))
    first_name = ma.fields.String(validate=ma.validate.Length(max=100))
    birth_date = ma.fields.String(validate=ma.validate.Length(max=10))
    caf_number = ma.fields.String(validate=ma.validate.Length(max=20))
    nir = ma.fields.String(validate=ma.validate.Length(max=21))
    tax_number = ma.fields.String(validate=ma.validate.Length(max=20))
    france_travail_id = ma.fields.String(validate=ma.validate.Length(max=20))
    phone = ma.fields.String(validate=ma.validate.Length(max=20))
    consent = ma.fields.Nested(ConsentSchema, load_default=None,
                               metadata={"description": "Obligatoire : un bloc usager sans consentement est refusé (400)."})


class RequestCreateSchema(ma.Schema):
    operator = _choice(Operator, required=True)
    subject = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=150))
    situation = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=5000))
    tried = ma.fields.String(load_default="", validate=ma.validate.Length(max=5000))
    urgency = _choice(Urgency, load_default=Urgency.NONE.value)
    urgency_date = ma.fields.Date(load_default=None, allow_none=True)
    procedure = ma.fields.String(load_default=None, allow_none=True,
                                 metadata={"description": "Code de la démarche du catalogue (GET /applications)."})
    shared_with_site = ma.fields.Boolean(load_default=False)
    citizen = ma.fields.Nested(CitizenSchema, load_default=None, allow_none=True)


class MessageCreateSchema(ma.Schema):
    body = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=5000))
    internal = ma.fields.Boolean(load_default=False, metadata={"description": "Note interne entre experts."})


class CloseSchema(ma.Schema):
    useful = _choice(Usefulness, required=True)


class MessageSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    kind = ma.fields.String(required=True)
    body = ma.fields.String(required=True)
    internal = ma.fields.Boolean(required=True)
    author = ma.fields.String(allow_none=True)
    created_at = ma.fields.DateTime(required=True)


class RequestSchema(ma.Schema):
    reference = ma.fields.String(required=True)
    url = ma.fields.String(required=True)
    status = ma.fields.String(required=True)
    status_label = ma.fields.String(required=True)
    group = ma.fields.String(required=True, metadata={"description": "Code du pôle qui traite la demande."})
    operator = ma.fields.String(required=True)
    procedure = ma.fields.String(allow_none=True)
    department = ma.fields.String(allow_none=True)
    urgency = ma.fields.String(required=True)
    subject = ma.fields.String(allow_none=True, metadata={"description": "Absent (null) pour un administrateur."})
    situation = ma.fields.String(allow_none=True)
    tried = ma.fields.String(allow_none=True)
    handoffs = ma.fields.Integer(required=True)
    late = ma.fields.Boolean(required=True)
    useful = ma.fields.String(allow_none=True)
    has_citizen_block = ma.fields.Boolean(required=True)
    created_at = ma.fields.DateTime(required=True)
    answer_expected_on = ma.fields.Date(allow_none=True)
    first_answer_at = ma.fields.DateTime(allow_none=True)
    closed_at = ma.fields.DateTime(allow_none=True)
    messages = ma.fields.List(ma.fields.Nested(MessageSchema), required=True,
                              metadata={"description": "Les messages que l'appelant peut lire."})


class RequestList(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(RequestSchema), required=True)


class GroupSchema(ma.Schema):
    code = ma.fields.String(required=True)
    name = ma.fields.String(required=True)
    operator = ma.fields.String(required=True)
    national = ma.fields.Boolean(required=True)
    departments = ma.fields.List(ma.fields.String(), required=True)
    public_note = ma.fields.String(required=True)
    target_days = ma.fields.Integer(required=True)


class GroupList(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(GroupSchema), required=True)


class FicheArgs(ma.Schema):
    q = ma.fields.String(load_default="", validate=ma.validate.Length(max=200))


class FicheSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    title = ma.fields.String(required=True)
    body = ma.fields.String(required=True)
    operator = ma.fields.String(required=True)
    procedure = ma.fields.String(allow_none=True)
    url = ma.fields.String(required=True)
    created_at = ma.fields.DateTime(required=True)


class FicheList(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(FicheSchema), required=True)


def _iso(value):
    return as_utc(value) if value else None


def request_dict(row, user):
    """The request as this user may see it: admins get metadata only."""
    full = user.role != Role.ADMIN
    return {
        "reference": row.reference, "url": external_url("backoffice.detail", reference=row.reference),
        "status": row.status, "status_label": row.status_label, "group": row.group.code, "operator": row.operator,
        "procedure": row.procedure.code if row.procedure else None, "department": row.department,
        "urgency": row.urgency, "subject": row.subject if full else None,
        "situation": row.situation if full else None, "tried": row.tried if full else None,
        "handoffs": row.handoffs, "late": row.is_late(), "useful": row.useful,
        "has_citizen_block": row.has_citizen_block, "created_at": _iso(row.created_at),
        "answer_expected_on": row.answer_expected_on, "first_answer_at": _iso(row.first_answer_at),
        "closed_at": _iso(row.closed_at),
        "messages": [{"id": m.id, "kind": m.kind, "body": m.body, "internal": m.hidden_from_agent,
                      "author": m.author.full_name if m.author else None, "created_at": _iso(m.created_at)}
                     for m in queries.messages_for(row, user)],
    }


def _request_or_404(reference):
    row = queries.find_request(g.api_user, reference)
    if row is None:
        api_abort(404, "not_found", "Demande d'appui introuvable.")
    return row


def _fail(exc):
    if isinstance(exc, requests.RequestError) and exc.field:
        api_abort(400, "invalid_request", str(exc), {exc.field: [str(exc)]})
    api_abort(409, "conflict", str(exc))


@blp.route("/support-requests")
@blp.response(200, RequestList)
@blp.alt_response(401, response="UNAUTHORIZED")
@blp.alt_response(403, response="FORBIDDEN")
@api_token(*ROLES)
def list_requests():
    """Requests in the caller's scope: an agent's own (and shared), an expert's groups', all for admins (metadata)."""
    return {"items": [request_dict(r, g.api_user) for r in queries.latest_requests(g.api_user)]}


@blp.route("/support-requests", methods=["POST"])
@blp.arguments(RequestCreateSchema)
@blp.response(201, RequestSchema)
@blp.alt_response(400, response="BAD_REQUEST")
@blp.alt_response(401, response="UNAUTHORIZED")
@blp.alt_response(403, response="FORBIDDEN")
@api_token(Role.AGENT)
def create_request(payload):
    """Ask for expert support; texts masked before saving; a `citizen` block needs its `consent`."""
    citizen = payload.pop("citizen", None)
    consent = citizen.pop("consent", None) if citizen else None
    if citizen and consent is None:
        api_abort(400, "invalid_request", "Le bloc usager exige le consentement enregistré de l'usager.",
                  {"citizen": ["Objet consent obligatoire."]})
    procedure_id = None
    if payload.get("procedure"):
        procedure_id = queries.procedure_id_by_code(payload["procedure"])
        if procedure_id is None:
            api_abort(400, "invalid_request", "Démarche inconnue.", {"procedure": ["Démarche inconnue du catalogue."]})
    values = {**payload, "procedure_id": procedure_id}
    try:
        row = requests.create_request(g.api_user, values, citizen, consent)
    except requests.RequestError as exc:
        api_abort(400, "invalid_request", str(exc), {exc.field or "request": [str(exc)]})
    return request_dict(row, g.api_user)


@blp.route("/support-requests/<reference>")
@blp.response(200, RequestSchema)
@blp.alt_response(401, response="UNAUTHORIZED")
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
@api_token(*ROLES)
def get_request(reference):
    """One request by reference (A-2026-000042)."""
    return request_dict(_request_or_404(reference), g.api_user)


@blp.route("/support-requests/<reference>/messages", methods=["POST"])
@blp.arguments(MessageCreateSchema)
@blp.response(201, RequestSchema)
@blp.alt_response(400, response="BAD_REQUEST")
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT")
@api_token(Role.AGENT, Role.EXPERT)
def add_message(payload, reference):
    """Agent: a message (reopens an answered or closed request). Expert: an answer, or an internal note."""
    row = _request_or_404(reference)
    user = g.api_user
    try:
        if user.role == Role.AGENT:
            if payload["internal"]:
                api_abort(400, "invalid_request", "Les notes internes sont réservées aux experts.",
                          {"internal": ["Réservé aux experts."]})
            conversation.agent_message(user, row, payload["body"])
        elif payload["internal"]:
            conversation.note(user, row, payload["body"])
        else:
            conversation.answer(user, row, payload["body"])
    except (requests.RequestError, WorkflowError) as exc:
        _fail(exc)
    return request_dict(row, user)


@blp.route("/support-requests/<reference>/take", methods=["POST"])
@blp.response(200, RequestSchema)
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT")
@api_token(Role.EXPERT)
def take(reference):
    """« Je m'en occupe »: the calling expert becomes the assignee."""
    row = _request_or_404(reference)
    try:
        conversation.take(g.api_user, row)
    except (requests.RequestError, WorkflowError) as exc:
        _fail(exc)
    return request_dict(row, g.api_user)


@blp.route("/support-requests/<reference>/close", methods=["POST"])
@blp.arguments(CloseSchema)
@blp.response(200, RequestSchema)
@blp.alt_response(400, response="BAD_REQUEST")
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT")
@api_token(Role.AGENT)
def close(payload, reference):
    """The asking agent closes the request with the usefulness answer (yes, unsure, no)."""
    row = _request_or_404(reference)
    try:
        conversation.close(g.api_user, row, payload["useful"])
    except (requests.RequestError, WorkflowError) as exc:
        _fail(exc)
    return request_dict(row, g.api_user)


@blp.route("/support-groups")
@blp.response(200, GroupList)
@blp.alt_response(401, response="UNAUTHORIZED")
@blp.alt_response(403, response="FORBIDDEN")
@api_token(*ROLES)
def list_groups():
    """Active expert groups, with the note telling agents when to ask them."""
    return {"items": [{"code": x.code, "name": x.name, "operator": x.operator, "national": x.is_national,
                       "departments": x.department_list, "public_note": x.public_note, "target_days": x.target_days}
                      for x in groups.active_groups()]}


@blp.route("/fiches")
@blp.arguments(FicheArgs, location="query")
@blp.response(200, FicheList)
@blp.alt_response(401, response="UNAUTHORIZED")
@blp.alt_response(403, response="FORBIDDEN")
@api_token(*ROLES)
def list_fiches(args):
    """Fiches réflexes matching `q` (stemmed search); without `q`, the latest ones."""
    rows = fiches.search(args["q"], limit=20) if args["q"].strip() else fiches.latest(20)
    return {"items": [{"id": f.id, "title": f.title, "body": f.body, "operator": f.operator,
                       "procedure": f.procedure.code if f.procedure else None,
                       "url": external_url("backoffice.fiche", fiche_id=f.id), "created_at": _iso(f.created_at)}
                      for f in rows]}
