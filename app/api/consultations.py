"""Consultations API (/api/v1): teams create, read (with aggregated results) and close; agents answer.

Thin: the same services and scopes as the HTML pages. Out of scope is a 404; a refused field is a 400,
a refused state (closing a draft, answering a closed consultation) a 409.
"""
import marshmallow as ma
from flask import g

from app.accounts.models import OrgKind, Role
from app.api import Blueprint
from app.api.errors import api_abort
from app.common.access import api_token
from app.common.timezones import as_utc
from app.common.urls import external_url
from app.consultations import queries, results, services
from app.consultations.enums import ConsultationKind, ConsultationStatus, QuestionKind, Targeting
from app.consultations.workflow import ConsultationError
from app.reports.queries import procedure_by_code
from app.reports.services import application_by_code

blp = Blueprint("api_consultations", __name__, url_prefix="/api/v1",
                description="Consultations des agents par les équipes des services en ligne")
REQUIRED = {"required": "Champ obligatoire."}


class ConsultationQuestionSchema(ma.Schema):
    id = ma.fields.Integer(dump_only=True)
    kind = ma.fields.String(required=True, validate=ma.validate.OneOf(QuestionKind.values()))
    text = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=300))
    choices = ma.fields.List(ma.fields.String(validate=ma.validate.Length(max=200)), load_default=list,
                             metadata={"description": "Choix unique ou multiples : les options, dans l'ordre"})


class ConsultationCreateSchema(ma.Schema):
    application = ma.fields.String(required=True, error_messages=REQUIRED, metadata={"description": "Code du service"})
    procedure = ma.fields.String(load_default=None, metadata={"description": "Code de la démarche (facultatif)"})
    kind = ma.fields.String(required=True, validate=ma.validate.OneOf(ConsultationKind.values()))
    title = ma.fields.String(required=True, validate=ma.validate.Length(max=200))
    purpose = ma.fields.String(required=True, validate=ma.validate.Length(max=5000),
                               metadata={"description": "Ce qui est demandé et pourquoi"})
    prototype_url = ma.fields.String(load_default="", validate=ma.validate.Length(max=500))
    starts_on = ma.fields.Date(load_default=None)
    ends_on = ma.fields.Date(load_default=None)
    capacity = ma.fields.Integer(load_default=None, strict=True, metadata={"description": "Tests et ateliers"})
    event_at = ma.fields.AwareDateTime(load_default=None, metadata={"description": "Atelier : date et heure"})
    place = ma.fields.String(load_default="", validate=ma.validate.Length(max=300))
    targeting = ma.fields.String(load_default=Targeting.ALL.value, validate=ma.validate.OneOf(Targeting.values()))
    org_kinds = ma.fields.List(ma.fields.String(validate=ma.validate.OneOf(OrgKind.values())), load_default=list)
    departments = ma.fields.List(ma.fields.String(validate=ma.validate.Length(max=3)), load_default=list)
    questions = ma.fields.List(ma.fields.Nested(ConsultationQuestionSchema), required=True, validate=ma.validate.Length(min=1))
    status = ma.fields.String(load_default=ConsultationStatus.OPEN.value, validate=ma.validate.OneOf(
        [ConsultationStatus.DRAFT.value, ConsultationStatus.OPEN.value]),
        metadata={"description": "« open » (par défaut) publie aussitôt ; « draft » garde un brouillon"})


class ConsultationCloseSchema(ma.Schema):
    outcome = ma.fields.String(required=True, error_messages=REQUIRED, validate=ma.validate.Length(max=10000),
                               metadata={"description": "Ce que nous avons changé grâce à vous"})
    release_on = ma.fields.Date(load_default=None, metadata={"description": "Date de mise en production"})
    fixed_reports = ma.fields.List(ma.fields.String(), load_default=list,
                                   metadata={"description": "Références des remontées corrigées dans cette version"})


class ConsultationAnswerItemSchema(ma.Schema):
    question = ma.fields.Integer(required=True, strict=True)
    score = ma.fields.Integer(load_default=None, strict=True, metadata={"description": "Échelle : 1 à 5"})
    choices = ma.fields.List(ma.fields.Integer(strict=True), load_default=None,
                             metadata={"description": "Choix : rangs des options retenues, à partir de 0"})
    text = ma.fields.String(load_default=None, validate=ma.validate.Length(max=5000),
                            metadata={"description": "Réponse libre, masquée avant l'enregistrement"})


class ConsultationAnswersSchema(ma.Schema):
    answers = ma.fields.List(ma.fields.Nested(ConsultationAnswerItemSchema), required=True, error_messages=REQUIRED)
    signed = ma.fields.Boolean(load_default=False)
    citizen_view = ma.fields.String(load_default="", validate=ma.validate.Length(max=3000))
    citizen_consent = ma.fields.Boolean(load_default=False)


class ConsultationRowSchema(ma.Schema):
    label = ma.fields.String()
    count = ma.fields.Integer()
    percent = ma.fields.Integer()


class ConsultationGroupSchema(ma.Schema):
    label = ma.fields.String()
    count = ma.fields.String(attribute="shown_count", metadata={"description": "« moins de 5 réponses » si petit"})
    mean = ma.fields.String(attribute="shown_mean")


class ConsultationSchema(ma.Schema):
    id = ma.fields.Integer()
    url = ma.fields.String()
    application = ma.fields.String()
    procedure = ma.fields.String(allow_none=True)
    kind = ma.fields.String()
    status = ma.fields.String()
    title = ma.fields.String()
    purpose = ma.fields.String()
    prototype_url = ma.fields.String()
    starts_on = ma.fields.Date(allow_none=True)
    ends_on = ma.fields.Date(allow_none=True)
    event_at = ma.fields.AwareDateTime(allow_none=True)
    place = ma.fields.String()
    capacity = ma.fields.Integer(allow_none=True)
    targeting = ma.fields.String()
    questions = ma.fields.List(ma.fields.Nested(ConsultationQuestionSchema))
    outcome = ma.fields.String(allow_none=True)
    release_on = ma.fields.Date(allow_none=True)
    fixed_reports = ma.fields.List(ma.fields.String())
    participation = ma.fields.String(allow_none=True, metadata={"description": "Agents : statut de ma participation"})
    results = ma.fields.Dict(allow_none=True, metadata={"description": "Équipe propriétaire : résultats agrégés"})


class ConsultationList(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(ConsultationSchema))


class ConsultationParticipationSchema(ma.Schema):
    consultation = ma.fields.Integer()
    status = ma.fields.String()
    answers = ma.fields.Integer()


def _fail(exc):
    if exc.field and exc.field != "status":
        api_abort(400, "invalid_request", str(exc), {exc.field: [str(exc)]})
    api_abort(409, "conflict", str(exc))


def results_dict(consultation):
    figures = results.results_of(consultation)
    return {
        "answered": figures.answered, "volunteered": figures.volunteered, "waiting": figures.waiting,
        "questions": [
            {"id": q.question.id, "kind": q.question.kind, "text": q.question.text, "respondents": q.respondents,
             "mean": q.mean, "rows": ConsultationRowSchema(many=True).dump(q.rows),
             "by_organisation_kind": ConsultationGroupSchema(many=True).dump(q.by_kind),
             "texts": [{"text": t.text, "signed_by": t.signed_by} for t in q.texts]}
            for q in figures.questions
        ],
        "by_organisation_kind": ConsultationGroupSchema(many=True).dump(figures.by_kind),
        "by_department": ConsultationGroupSchema(many=True).dump(figures.by_department),
    }


_LOOK_UP = object()


def consultation_dict(consultation, user, with_results=False, participation=_LOOK_UP):
    if participation is _LOOK_UP:
        participation = queries.participation_of(user, consultation) if user.role == Role.AGENT else None
    return {
        "id": consultation.id, "url": external_url(
            "consultations.team_detail" if consultation.can_manage(user) else "consultations.agent_detail",
            consultation_id=consultation.id),
        "application": consultation.application.code,
        "procedure": consultation.procedure.code if consultation.procedure else None,
        "kind": consultation.kind, "status": consultation.status, "title": consultation.title,
        "purpose": consultation.purpose, "prototype_url": consultation.prototype_url,
        "starts_on": consultation.starts_on, "ends_on": consultation.ends_on,
        "event_at": as_utc(consultation.event_at), "place": consultation.place, "capacity": consultation.capacity,
        "targeting": consultation.targeting,
        "questions": [{"id": q.id, "kind": q.kind, "text": q.text, "choices": q.choices or []}
                      for q in consultation.questions],
        "outcome": consultation.outcome or None, "release_on": consultation.release_on,
        "fixed_reports": [r.reference for r in consultation.fixed_reports],
        "participation": participation.status if participation else None,
        "results": results_dict(consultation) if with_results else None,
    }


def _scoped_or_404(consultation_id):
    user = g.api_user
    consultation = (queries.team_consultation(user, consultation_id) if user.role == Role.TRIAGER
                    else queries.agent_consultation(user, consultation_id))
    if consultation is None:
        api_abort(404, "not_found", "Consultation introuvable.")
    return consultation


@blp.route("/consultations")
@blp.response(200, ConsultationList)
@blp.alt_response(401, response="UNAUTHORIZED")
@blp.alt_response(403, response="FORBIDDEN")
@api_token(Role.AGENT, Role.TRIAGER)
def list_consultations():
    """A team's consultations (every status); for an agent, those addressed to them (open or closed)."""
    user = g.api_user
    if user.role == Role.TRIAGER:
        return {"items": [consultation_dict(c, user) for c in queries.team_list(user)]}
    mine = queries.participations_by_user(user)  # one query, not one per consultation
    rows = [c for group in queries.agent_list(user) for c in group]
    return {"items": [consultation_dict(c, user, participation=mine.get(c.id)) for c in rows]}


@blp.route("/consultations", methods=["POST"])
@blp.arguments(ConsultationCreateSchema)
@blp.response(201, ConsultationSchema)
@blp.alt_response(400, response="BAD_REQUEST")
@blp.alt_response(401, response="UNAUTHORIZED")
@blp.alt_response(403, response="FORBIDDEN")
@api_token(Role.TRIAGER)
def create_consultation(payload):
    """Open (or keep as a draft) a consultation on one of the team's services."""
    user = g.api_user
    application = application_by_code(payload["application"])
    if application is None or application.team_id != user.team_id:
        api_abort(400, "invalid_request", "Service inconnu.", {"application": ["Service inconnu de votre équipe."]})
    procedure = None
    if payload.get("procedure"):
        procedure = procedure_by_code(application, payload["procedure"])
        if procedure is None:
            api_abort(400, "invalid_request", "Démarche inconnue.", {"procedure": ["Démarche inconnue pour ce service."]})
    values = {k: v for k, v in payload.items() if k not in ("application", "procedure", "questions", "status")}
    values.update(application_id=application.id, procedure_id=procedure.id if procedure else None)
    try:
        consultation = services.create_consultation(user, user.team, values, payload["questions"],
                                                    publish=payload["status"] == ConsultationStatus.OPEN)
    except ConsultationError as exc:
        _fail(exc)
    return consultation_dict(consultation, user, with_results=True)


@blp.route("/consultations/<int:consultation_id>")
@blp.response(200, ConsultationSchema)
@blp.alt_response(401, response="UNAUTHORIZED")
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
@api_token(Role.AGENT, Role.TRIAGER)
def get_consultation(consultation_id):
    """One consultation; the owning team gets the aggregated results (never who answered what)."""
    consultation = _scoped_or_404(consultation_id)
    return consultation_dict(consultation, g.api_user, with_results=consultation.can_manage(g.api_user))


@blp.route("/consultations/<int:consultation_id>/close", methods=["POST"])
@blp.arguments(ConsultationCloseSchema)
@blp.response(200, ConsultationSchema)
@blp.alt_response(400, response="BAD_REQUEST")
@blp.alt_response(401, response="UNAUTHORIZED")
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT")
@api_token(Role.TRIAGER)
def close_consultation(payload, consultation_id):
    """Close with « ce que nous avons changé grâce à vous », sent to every participant."""
    consultation = _scoped_or_404(consultation_id)
    try:
        services.close_consultation(g.api_user, consultation, payload["outcome"], payload["release_on"],
                                    payload["fixed_reports"])
    except ConsultationError as exc:
        _fail(exc)
    return consultation_dict(consultation, g.api_user, with_results=True)


@blp.route("/consultations/<int:consultation_id>/answers", methods=["POST"])
@blp.arguments(ConsultationAnswersSchema)
@blp.response(201, ConsultationParticipationSchema)
@blp.alt_response(400, response="BAD_REQUEST")
@blp.alt_response(401, response="UNAUTHORIZED")
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT")
@api_token(Role.AGENT)
def answer(payload, consultation_id):
    """Answer (or answer again) as an agent the consultation is addressed to; free texts are masked."""
    consultation = _scoped_or_404(consultation_id)
    raw = {}
    for item in payload["answers"]:
        value = item["score"] if item["score"] is not None else item["choices"]
        raw[item["question"]] = item["text"] if item["text"] is not None else value
    try:
        participation = services.submit_answers(g.api_user, consultation, raw, payload["signed"],
                                                payload["citizen_view"], payload["citizen_consent"])
    except ConsultationError as exc:
        _fail(exc)
    return {"consultation": consultation.id, "status": participation.status, "answers": len(participation.answers)}
