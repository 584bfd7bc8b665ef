"""Marshmallow schemas of the reports API (they also document it in the OpenAPI file)."""
import marshmallow as ma

from app.reports.enums import Browser, CommentKind, Device, ProblemType, Reproducible, Status
from app.reports.models import REDACTION_KINDS

MAX_LIMIT = 200


class PageArgs(ma.Schema):
    limit = ma.fields.Integer(load_default=50, validate=ma.validate.Range(min=1, max=MAX_LIMIT))
    cursor = ma.fields.String(load_default=None, metadata={"description": "Valeur next_cursor de la page précédente."})


class Ref(ma.Schema):
    code = ma.fields.String(required=True)
    name = ma.fields.String(required=True)


class ProcedureRef(ma.Schema):
    code = ma.fields.String(required=True)
    title = ma.fields.String(required=True)


class StepSchema(ma.Schema):
    code = ma.fields.String(required=True)
    title = ma.fields.String(required=True)


class ProcedureSchema(ProcedureRef):
    steps = ma.fields.List(ma.fields.Nested(StepSchema), required=True)


class DeadlinesSchema(ma.Schema):
    acknowledge_days = ma.fields.Integer(required=True)
    answer_days = ma.fields.Integer(required=True)


class ApplicationSchema(ma.Schema):
    code = ma.fields.String(required=True)
    name = ma.fields.String(required=True)
    url = ma.fields.String(allow_none=True)
    operator = ma.fields.Nested(Ref, required=True)
    team = ma.fields.String(allow_none=True, metadata={"description": "Code de l'équipe qui possède le service."})
    deadlines = ma.fields.Nested(DeadlinesSchema, required=True)
    procedures = ma.fields.List(ma.fields.Nested(ProcedureSchema), required=True)


class ApplicationList(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(ApplicationSchema), required=True)
    next_cursor = ma.fields.String(allow_none=True)


def _choice(enum, **kwargs):
    return ma.fields.String(validate=ma.validate.OneOf(enum.values()), **kwargs)


class ReportCreateSchema(ma.Schema):
    application = ma.fields.String(required=True, metadata={"description": "Code du service (GET /applications)."})
    procedure = ma.fields.String(load_default=None, allow_none=True)
    step = ma.fields.String(load_default=None, allow_none=True)
    screen = ma.fields.String(load_default="", validate=ma.validate.Length(max=200))
    page_url = ma.fields.String(load_default="", validate=ma.validate.Length(max=500))
    problem_type = _choice(ProblemType, required=True)
    title = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=200))
    what_happened = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=5000))
    expected = ma.fields.String(load_default="", validate=ma.validate.Length(max=3000))
    error_message = ma.fields.String(load_default="", validate=ma.validate.Length(max=2000))
    occurred_at = ma.fields.AwareDateTime(load_default=None, allow_none=True)
    citizen_device = _choice(Device, load_default=Device.UNKNOWN.value)
    citizen_browser = _choice(Browser, load_default=Browser.UNKNOWN.value)
    reproducible = _choice(Reproducible, load_default=Reproducible.UNTRIED.value)
    workaround_used = ma.fields.String(load_default="", validate=ma.validate.Length(max=3000))
    citizen_blocked = ma.fields.Boolean(load_default=False)
    right_at_risk = ma.fields.Boolean(load_default=False)
    people_affected = ma.fields.Integer(load_default=1, validate=ma.validate.Range(min=1, max=100_000))
    on_behalf = ma.fields.Boolean(load_default=False)
    consent = ma.fields.Boolean(load_default=False)
    citizen_words = ma.fields.String(load_default="", validate=ma.validate.Length(max=3000))


RedactionCounts = ma.Schema.from_dict(
    {kind: ma.fields.Integer(required=True) for kind in REDACTION_KINDS}, name="ReportRedactionCounts"
)


class ImpactSchema(ma.Schema):
    citizen_blocked = ma.fields.Boolean(required=True)
    right_at_risk = ma.fields.Boolean(required=True)
    people_affected = ma.fields.Integer(required=True)
    people_total = ma.fields.Integer(required=True)
    blocked_total = ma.fields.Integer(required=True)
    me_too_count = ma.fields.Integer(required=True)


class TrackerSchema(ma.Schema):
    url = ma.fields.String(required=True)
    key = ma.fields.String(required=True)


class DueSchema(ma.Schema):
    acknowledge_by = ma.fields.DateTime(allow_none=True)
    answer_by = ma.fields.DateTime(allow_none=True)
    overdue = ma.fields.Boolean(required=True)


class CommentSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    kind = ma.fields.String(required=True, validate=ma.validate.OneOf(CommentKind.values()))
    body = ma.fields.String(required=True)
    from_team = ma.fields.Boolean(required=True)
    created_at = ma.fields.DateTime(required=True)


class AttachmentSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    name = ma.fields.String(required=True)
    content_type = ma.fields.String(required=True)
    size = ma.fields.Integer(required=True)
    url = ma.fields.String(required=True, metadata={"description": "Téléchargement (session navigateur)."})


class ReporterSchema(ma.Schema):
    organisation_kind = ma.fields.String(allow_none=True)
    department = ma.fields.String(allow_none=True)


class ReportSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    view = ma.fields.String(validate=ma.validate.OneOf(["full", "reduced"]), metadata={
        "description": "full (auteur, équipe, administrateurs) ou reduced (agent qui a dit « moi aussi »)."})
    reference = ma.fields.String(required=True, metadata={"example": "R-2026-000042"})
    url = ma.fields.String(required=True)
    application = ma.fields.Nested(Ref, required=True)
    procedure = ma.fields.Nested(ProcedureRef, allow_none=True)
    step = ma.fields.Nested(StepSchema, allow_none=True)
    screen = ma.fields.String()
    page_url = ma.fields.String()
    problem_type = ma.fields.String(required=True)
    status = ma.fields.String(required=True, validate=ma.validate.OneOf(Status.values()))
    status_label = ma.fields.String(required=True)
    status_reason = ma.fields.String()
    redirect_to = ma.fields.String()
    title = ma.fields.String(required=True)
    what_happened = ma.fields.String(required=True)
    expected = ma.fields.String()
    error_message = ma.fields.String()
    occurred_at = ma.fields.DateTime(allow_none=True)
    citizen_device = ma.fields.String()
    citizen_browser = ma.fields.String()
    agent_browser = ma.fields.String()
    reproducible = ma.fields.String()
    workaround_used = ma.fields.String()
    on_behalf = ma.fields.Boolean()
    citizen_words = ma.fields.String()
    impact = ma.fields.Nested(ImpactSchema, required=True)
    redaction = ma.fields.Nested(RedactionCounts, required=True,
                                 metadata={"description": "Nombre d'éléments personnels masqués, par type."})
    workaround = ma.fields.String()
    tracker = ma.fields.Nested(TrackerSchema)
    duplicate_of = ma.fields.String(allow_none=True)
    assignee = ma.fields.String(allow_none=True)
    reporter = ma.fields.Nested(ReporterSchema, allow_none=True,
                                metadata={"description": "Type de structure et département (équipe seulement)."})
    due = ma.fields.Nested(DueSchema, allow_none=True)
    is_mine = ma.fields.Boolean()
    comments = ma.fields.List(ma.fields.Nested(CommentSchema))
    attachments = ma.fields.List(ma.fields.Nested(AttachmentSchema))
    created_at = ma.fields.DateTime(required=True)
    updated_at = ma.fields.DateTime(required=True)


class ReportSummarySchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    reference = ma.fields.String(required=True)
    url = ma.fields.String(required=True)
    application = ma.fields.String(required=True)
    title = ma.fields.String(required=True)
    problem_type = ma.fields.String(required=True)
    status = ma.fields.String(required=True)
    people_total = ma.fields.Integer(required=True)
    me_too_count = ma.fields.Integer(required=True)
    created_at = ma.fields.DateTime(required=True)
    updated_at = ma.fields.DateTime(required=True)


class ReportList(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(ReportSummarySchema), required=True)
    next_cursor = ma.fields.String(allow_none=True)


class ReportListArgs(PageArgs):
    status = _choice(Status, load_default=None)
    application = ma.fields.String(load_default=None)


class ReportPatchSchema(ma.Schema):
    status = _choice(Status)
    reason = ma.fields.String(load_default="", validate=ma.validate.Length(max=3000),
                              metadata={"description": "Raison (wont_fix, out_of_scope) ou question (info_requested)."})
    redirect = ma.fields.String(load_default="", validate=ma.validate.Length(max=300),
                                metadata={"description": "Service vers lequel rediriger (out_of_scope)."})
    workaround = ma.fields.String(load_default="", validate=ma.validate.Length(max=5000))
    duplicate_of = ma.fields.String(metadata={"description": "Référence de la remontée principale (status=duplicate)."})
    assignee = ma.fields.Email(allow_none=True, metadata={"description": "Adresse d'un membre de l'équipe, ou null."})
    tracker_url = ma.fields.String(validate=ma.validate.Length(max=500))
    tracker_key = ma.fields.String(validate=ma.validate.Length(max=60))


class CommentCreateSchema(ma.Schema):
    body = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=5000))
    visibility = ma.fields.String(load_default="public", validate=ma.validate.OneOf(["public", "internal"]),
                                  metadata={"description": "Équipe : public (réponse) ou internal (note interne)."})


class MeTooCreateSchema(ma.Schema):
    offer = ma.fields.String(load_default="", validate=ma.validate.Length(max=200), metadata={
        "description": "Le `me_too_offer` que GET /reports/similar a donné pour cette remontée (valable 24 h)."})
    people_affected = ma.fields.Integer(load_default=1, validate=ma.validate.Range(min=1, max=100_000))
    citizen_blocked = ma.fields.Boolean(load_default=False)


class SimilarArgs(ma.Schema):
    application = ma.fields.String(required=True, metadata={"description": "Code du service."})
    q = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=6000))
    limit = ma.fields.Integer(load_default=5, validate=ma.validate.Range(min=1, max=20))


class ReducedReportSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    reference = ma.fields.String(required=True)
    title = ma.fields.String(required=True)
    application = ma.fields.Nested(Ref, required=True)
    status = ma.fields.String(required=True)
    status_label = ma.fields.String(required=True)
    me_too_count = ma.fields.Integer(required=True)
    summary = ma.fields.String(required=True)
    me_too_offer = ma.fields.String(allow_none=True, metadata={
        "description": "Agent : à renvoyer dans POST /reports/{id}/me-too pour dire « moi aussi » (24 h)."})


class SimilarList(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(ReducedReportSchema), required=True)
    next_cursor = ma.fields.String(allow_none=True)
