"""Reports API (/api/v1): catalogue, reports, comments, "moi aussi", similar reports.

Thin: the same services as the HTML pages, the same scopes (a report out of scope is a 404),
the same workflow rules. Team tokens act as a triager of their team.
"""

from flask import g

from app.accounts.models import Role
from app.api import Blueprint
from app.api.errors import api_abort
from app.api.pagination import keyset_page
from app.api.reports_schemas import (
    ApplicationList,
    CommentCreateSchema,
    CommentSchema,
    MeTooCreateSchema,
    PageArgs,
    ReportCreateSchema,
    ReportList,
    ReportListArgs,
    ReportPatchSchema,
    ReportSchema,
    SimilarArgs,
    SimilarList,
)
from app.common.access import api_token
from app.common.timezones import as_utc
from app.common.urls import external_url
from app.reports import queries, services, triage, triage_actions
from app.reports.models import Application, Report
from app.reports.similar import similar_reports

blp = Blueprint("api_reports", __name__, url_prefix="/api/v1", description="Remontées et catalogue des services")


def _fail(exc):
    """Map a refused use case to a JSON error: bad field -> 400, state conflict -> 409."""
    if isinstance(exc, services.ReportError) and exc.field and exc.field not in ("status", "main"):
        api_abort(400, "invalid_request", str(exc), {exc.field: [exc.detail or str(exc)]})
    api_abort(409, "conflict", str(exc))


def _iso(value):
    return as_utc(value).isoformat() if value else None


# --- serialisation ---------------------------------------------------------------------------------


def application_dict(app):
    return {
        "code": app.code, "name": app.name, "url": app.url,
        "operator": {"code": app.operator.code, "name": app.operator.name},
        "team": app.team.code if app.team else None,
        "deadlines": {"acknowledge_days": app.acknowledge_days, "answer_days": app.answer_days},
        "procedures": [
            {"code": p.code, "title": p.title,
             "steps": [{"code": s.code, "title": s.title} for s in p.steps if s.is_active]}
            for p in app.procedures if p.is_active
        ],
    }


def summary_dict(report):
    return {
        "id": report.id, "reference": report.reference,
        "url": external_url("reports.detail", reference=report.reference),
        "application": report.application.code, "title": report.title, "problem_type": report.problem_type,
        "status": report.status, "people_total": report.people_total, "me_too_count": report.me_too_count,
        "created_at": report.created_at, "updated_at": report.updated_at,
    }


def report_dict(report, user):
    """The full report as this user may see it (internal notes and reporter for the team only)."""
    team_view = report.can_triage(user) or user.role == Role.ADMIN
    organisation = report.organisation
    return {
        **summary_dict(report),
        "view": "full",
        "application": {"code": report.application.code, "name": report.application.name},
        "procedure": {"code": report.procedure.code, "title": report.procedure.title} if report.procedure else None,
        "step": {"code": report.step.code, "title": report.step.title} if report.step else None,
        "screen": report.screen, "page_url": report.page_url, "status_label": report.status_label,
        "status_reason": report.status_reason, "redirect_to": report.redirect_to,
        "what_happened": report.what_happened, "expected": report.expected,
        "error_message": report.error_message, "occurred_at": report.occurred_at,
        "citizen_device": report.citizen_device, "citizen_browser": report.citizen_browser,
        "agent_browser": report.agent_browser, "reproducible": report.reproducible,
        "workaround_used": report.workaround_used, "on_behalf": report.on_behalf,
        "citizen_words": report.citizen_words,
        "impact": {
            "citizen_blocked": report.citizen_blocked, "right_at_risk": report.right_at_risk,
            "people_affected": report.people_affected, "people_total": report.people_total,
            "blocked_total": report.blocked_total, "me_too_count": report.me_too_count,
        },
        "redaction": report.redaction_counts,
        "workaround": report.workaround,
        "tracker": {"url": report.tracker_url, "key": report.tracker_key},
        "duplicate_of": report.duplicate_of.reference if report.duplicate_of else None,
        "assignee": report.assignee.full_name if team_view and report.assignee else None,
        "reporter": {"organisation_kind": organisation.kind if organisation else None,
                     "department": organisation.department if organisation else None} if team_view else None,
        "due": {"acknowledge_by": report.acknowledge_due_at, "answer_by": report.answer_due_at,
                "overdue": report.is_overdue} if team_view else None,
        "is_mine": user.id is not None and report.author_id == user.id,
        "comments": [
            {"id": c.id, "kind": c.kind, "body": c.body, "from_team": c.from_team, "created_at": c.created_at}
            for c in queries.comments_for(report, user)
        ],
        "attachments": [
            {"id": a.id, "name": a.download_name, "content_type": a.content_type, "size": a.size,
             "url": external_url("reports.attachment", reference=report.reference, attachment_id=a.id)}
            for a in queries.attachments_of(report)
        ],
    }


def reduced_dict(report):
    """What an agent who said « moi aussi » sees: the problem as the similar list shows it, status,
    impact figures, public answers and workaround; never the citizen's words, screenshots or messages."""
    return {
        **summary_dict(report),
        "view": "reduced",
        "application": {"code": report.application.code, "name": report.application.name},
        "status_label": report.status_label, "status_reason": report.status_reason,
        "redirect_to": report.redirect_to, "what_happened": report.summary,
        "impact": {
            "citizen_blocked": report.citizen_blocked, "right_at_risk": report.right_at_risk,
            "people_affected": report.people_affected, "people_total": report.people_total,
            "blocked_total": report.blocked_total, "me_too_count": report.me_too_count,
        },
        "workaround": report.workaround,
        "is_mine": False,
        "comments": [
            {"id": c.id, "kind": c.kind, "body": c.body, "from_team": True, "created_at": c.created_at}
            for c in queries.public_answers(report)
        ],
        "attachments": [],
    }


def _report_or_404(report_id):
    report = services.find_report(g.api_user, report_id)
    if report is None:
        api_abort(404, "not_found", "Remontée introuvable.")
    return report


# --- catalogue ---------------------------------------------------------------------------------------


@blp.route("/applications")
@blp.arguments(PageArgs, location="query")
@blp.response(200, ApplicationList)
@blp.alt_response(401, response="UNAUTHORIZED")
@api_token()
def applications(args):
    """Active online services of the catalogue, with their procedures and steps."""
    rows, next_cursor = keyset_page(queries.active_applications(), Application.id, args)
    return {"items": [application_dict(a) for a in rows], "next_cursor": next_cursor}


# --- reports -----------------------------------------------------------------------------------------


@blp.route("/reports", methods=["POST"])
@blp.arguments(ReportCreateSchema)
@blp.response(201, ReportSchema)
@blp.alt_response(400, response="BAD_REQUEST")
@blp.alt_response(401, response="UNAUTHORIZED")
@blp.alt_response(403, response="FORBIDDEN")
@api_token(Role.AGENT)
def create_report(payload):
    """File a report as an agent; free texts are masked before saving (no screenshots here)."""
    user = g.api_user
    application = services.application_by_code(payload["application"])
    if application is None or not application.is_active:
        api_abort(400, "invalid_request", "Service inconnu.", {"application": ["Service inconnu du catalogue."]})
    procedure = step = None
    if payload.get("procedure"):
        procedure = queries.procedure_by_code(application, payload["procedure"])
        if procedure is None:
            api_abort(400, "invalid_request", "Démarche inconnue.", {"procedure": ["Démarche inconnue pour ce service."]})
    if payload.get("step"):
        step = queries.step_by_code(procedure, payload["step"])
        if step is None:
            api_abort(400, "invalid_request", "Étape inconnue.", {"step": ["Étape inconnue pour cette démarche."]})
    values = {k: v for k, v in payload.items() if k not in ("application", "procedure", "step")}
    values.update(application_id=application.id, procedure_id=procedure.id if procedure else None,
                  step_id=step.id if step else None)
    try:
        report = services.file_report(user, values, (), "API")
    except services.ReportError as exc:
        _fail(exc)
    return report_dict(report, user)


@blp.route("/reports")
@blp.arguments(ReportListArgs, location="query")
@blp.response(200, ReportList)
@blp.alt_response(401, response="UNAUTHORIZED")
@blp.alt_response(403, response="FORBIDDEN")
@api_token(Role.AGENT, Role.TRIAGER, Role.ADMIN)
def list_reports(args):
    """Reports of the caller: an agent's own and joined ones; a team's reports for triagers."""
    query = queries.listed_reports(g.api_user, args.get("status"), args.get("application"))
    rows, next_cursor = keyset_page(query, Report.id, args, descending=True)
    return {"items": [summary_dict(r) for r in rows], "next_cursor": next_cursor}


@blp.route("/reports/similar")
@blp.arguments(SimilarArgs, location="query")
@blp.response(200, SimilarList)
@blp.alt_response(400, response="BAD_REQUEST")
@blp.alt_response(401, response="UNAUTHORIZED")
@blp.alt_response(404, response="NOT_FOUND")
@api_token(Role.AGENT, Role.TRIAGER, Role.ADMIN)
def similar(args):
    """Open reports on a service with a similar text, in the reduced view (no attachments, no answers)."""
    user = g.api_user
    application = services.application_by_code(args["application"])
    if user.role == Role.TRIAGER and application is not None and application.team_id != user.team_id:
        application = None
    if application is None:
        api_abort(404, "not_found", "Service inconnu.")
    items = similar_reports(application.id, args["q"], limit=args["limit"])
    return {"items": [{
        "id": r.id, "reference": r.reference, "title": r.title,
        "application": {"code": application.code, "name": application.name},
        "status": r.status, "status_label": r.status_label, "me_too_count": r.me_too_count, "summary": r.summary,
        "me_too_offer": services.me_too_offer(user, r.id)
        if user.role == Role.AGENT and r.author_id != user.id else None,
    } for r in items], "next_cursor": None}


@blp.route("/reports/<report_id>")
@blp.response(200, ReportSchema)
@blp.alt_response(401, response="UNAUTHORIZED")
@blp.alt_response(404, response="NOT_FOUND")
@api_token(Role.AGENT, Role.TRIAGER, Role.ADMIN)
def get_report(report_id):
    """One report by id or reference (R-2026-000042)."""
    report = _report_or_404(report_id)
    if not report.can_view_full(g.api_user):
        return reduced_dict(report)
    services.record_read(g.api_user, report)
    return report_dict(report, g.api_user)


@blp.route("/reports/<report_id>", methods=["PATCH"])
@blp.arguments(ReportPatchSchema)
@blp.response(200, ReportSchema)
@blp.alt_response(400, response="BAD_REQUEST")
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT")
@api_token(Role.TRIAGER)
def patch_report(payload, report_id):
    """Triage: status (same transition rules as the board), assignee, tracker link; all or nothing."""
    report = _report_or_404(report_id)
    changes = {name: payload[name] for name in ("status", "reason", "redirect", "workaround", "duplicate_of",
                                                 "assignee", "tracker_url", "tracker_key") if name in payload}
    try:
        triage_actions.update(g.api_user, report, **changes)
    except services.ReportError as exc:
        _fail(exc)
    return report_dict(report, g.api_user)


@blp.route("/reports/<report_id>/comments", methods=["POST"])
@blp.arguments(CommentCreateSchema)
@blp.response(201, CommentSchema)
@blp.alt_response(400, response="BAD_REQUEST")
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT")
@api_token(Role.AGENT, Role.TRIAGER)
def add_comment(payload, report_id):
    """Agent: a message to the team (answers a request for information). Team: an answer or a note."""
    user = g.api_user
    report = _report_or_404(report_id)
    try:
        if user.role == Role.TRIAGER:
            comment = triage.add_team_comment(user, report, payload["body"], payload["visibility"] == "internal")
        else:
            comment = services.post_agent_message(user, report, payload["body"])
    except services.ReportError as exc:
        _fail(exc)
    return {"id": comment.id, "kind": comment.kind, "body": comment.body, "from_team": comment.from_team,
            "created_at": comment.created_at}


@blp.route("/reports/<report_id>/me-too", methods=["POST"])
@blp.arguments(MeTooCreateSchema)
@blp.response(201, ReportSchema)
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT")
@api_token(Role.AGENT)
def me_too(payload, report_id):
    """"Moi aussi" on an open report: the agent's organisation and impact join it."""
    report = services.find_offered_report(g.api_user, report_id, payload["offer"])
    if report is None:
        api_abort(404, "not_found", "Remontée introuvable ou close, ou non proposée par la recherche de remontées similaires.")
    try:
        services.add_me_too(g.api_user, report, payload["people_affected"], payload["citizen_blocked"])
    except services.ReportError as exc:
        _fail(exc)
    return reduced_dict(report)
