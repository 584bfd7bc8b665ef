"""Working-conditions API: the incidents a user may see (the victim's name hidden when they asked)."""
import marshmallow as ma
from flask import g

from app.accounts.models import Role
from app.api import Blueprint
from app.api.errors import api_abort
from app.common.access import api_token
from app.workplace import incidents, queries
from app.workplace.enums import Channel, IncidentKind, IncidentStatus, Severity

blp = Blueprint("api_workplace", __name__, url_prefix="/api/v1/workplace", description="Conditions de travail")


class IncidentSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    occurred_at = ma.fields.AwareDateTime(required=True)
    channel = ma.fields.String(required=True, validate=ma.validate.OneOf(Channel.values()))
    kind = ma.fields.String(required=True, validate=ma.validate.OneOf(IncidentKind.values()))
    severity = ma.fields.String(required=True, validate=ma.validate.OneOf(Severity.values()))
    context = ma.fields.String(required=True)
    report_reference = ma.fields.String(allow_none=True)
    narrative = ma.fields.String(required=True)
    status = ma.fields.String(required=True, validate=ma.validate.OneOf(IncidentStatus.values()))
    late = ma.fields.Boolean(required=True)
    reporter_name = ma.fields.String(allow_none=True, metadata={
        "description": "Nom de l'agent ; null quand il a demandé l'anonymat vis-à-vis des RH"})


def _as_dict(incident, user):
    return {
        "id": incident.id, "occurred_at": incident.occurred_at, "channel": incident.channel, "kind": incident.kind,
        "severity": incident.severity, "context": incident.context, "report_reference": incident.report_reference,
        "narrative": incident.narrative, "status": incident.status, "late": incident.is_late(),
        "reporter_name": incident.reporter_name_for(user),
    }


@blp.route("/incidents")
@blp.response(200, IncidentSchema(many=True))
@blp.alt_response(401, response="UNAUTHORIZED")
@api_token(Role.AGENT, Role.HR)
def list_incidents():
    """The agent's own incidents, or (HR) their organisation's; newest first, 200 at most."""
    user = g.api_user
    rows = queries.listed_incidents(user, 200)
    return [_as_dict(i, user) for i in rows]


@blp.route("/incidents/<int:incident_id>")
@blp.response(200, IncidentSchema)
@blp.alt_response(404, response="NOT_FOUND")
@api_token(Role.AGENT, Role.HR)
def get_incident(incident_id):
    """One incident, if the user may see it (404 otherwise)."""
    incident = incidents.get_visible(g.api_user, incident_id)
    if incident is None:
        api_abort(404, "not_found", "Signalement introuvable.")
    return _as_dict(incident, g.api_user)
