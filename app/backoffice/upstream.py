"""« Problème récurrent »: the experts of a group file one prefilled remontée to the software team
owning the service, linked both ways (the report names the requests, the requests keep the report)."""
from datetime import timedelta

from app.accounts.models import Role
from app.audit.services import audit
from app.backoffice.models import SupportRequest
from app.backoffice.requests import RequestError, event
from app.common.timezones import utcnow
from app.extensions import db
from app.reports import services as reports

R = SupportRequest
WINDOW = timedelta(days=30)


def same_problem(request, now=None):
    """The group's requests on the same procedure in the last 30 days (oldest first)."""
    since = (now or utcnow()) - WINDOW
    return db.session.scalars(db.select(R).where(
        R.group_id == request.group_id, R.procedure_id == request.procedure_id, R.created_at >= since)
        .order_by(R.created_at, R.id)).all()


def prefill(request):
    """Title and text of the remontée, from the masked subjects only."""
    rows = same_problem(request)
    title = f"Problème récurrent : {request.procedure.title}"[:200]
    lines = "\n".join(f"- {r.reference} : {r.subject}" for r in rows)
    text = (f"Le pôle d'appui « {request.group.name} » a reçu {len(rows)} demandes sur la démarche "
            f"« {request.procedure.title} » en 30 jours :\n{lines}\n\nCe qui bloque les usagers : ")
    return {"title": title, "what_happened": text[:5000], "problem_type": "unforeseen"}


def file(actor, request, values):
    """File the remontée as the expert and link it to the group's requests on that procedure."""
    if actor.role != Role.EXPERT or request.procedure is None:
        raise RequestError("Seul un expert remonte un problème récurrent sur une démarche du catalogue.")
    report_values = {"application_id": request.procedure.application_id, "procedure_id": request.procedure_id,
                     "problem_type": values.get("problem_type") or "unforeseen", "title": values.get("title") or "",
                     "what_happened": values.get("what_happened") or "", "people_affected": 1}
    try:
        report = reports.file_report(actor, report_values, (), "Appui expert")
    except reports.ReportError as exc:
        raise RequestError(str(exc), exc.field) from None
    for row in same_problem(request):
        if row.report_reference is None:
            row.report_reference = report.reference
            event(row, actor, "upstream", f"Problème récurrent remonté à l'équipe du service ({report.reference})")
    audit(actor, "support.upstream", request, {"report": report.reference})
    db.session.commit()
    return report
